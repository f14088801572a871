/** Kernel backends: who can compute which operation on which data types, chosen by {@code service.ranking}. */
@Export
@Version("1.4.0")
package io.quantedge.api.kernel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
