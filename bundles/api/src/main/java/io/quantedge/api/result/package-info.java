/** Inference results and the service that publishes them. */
@Export
@Version("1.1.0")
package io.quantedge.api.result;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
