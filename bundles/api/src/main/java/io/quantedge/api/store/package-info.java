/** The model store: installed model versions and the events of their life cycle. */
@Export
@Version("1.0.0")
package io.quantedge.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
