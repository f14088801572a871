/**
 * Calibration: streaming statistics of activation values ({@link io.quantedge.quantize.calibration.Histogram})
 * and the calibrators that turn them into the range a tensor is quantized over.
 */
@Export
@Version("1.0.0")
package io.quantedge.quantize.calibration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
