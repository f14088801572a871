/** The model store: installed model versions, their life cycle from staged to active, and its events. */
@Export
@Version("1.2.0")
package io.quantedge.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
