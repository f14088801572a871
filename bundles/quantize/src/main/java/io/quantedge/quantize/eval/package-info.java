/** Comparing models on the same data: accuracy, agreement with a reference, output SNR, size, latency. */
@Export
@Version("2.0.0")
package io.quantedge.quantize.eval;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
