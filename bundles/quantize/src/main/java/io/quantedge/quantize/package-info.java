/**
 * Post-training quantization of FP32 models: the {@link io.quantedge.quantize.Quantizer} (BatchNorm
 * folding, optional cross-layer equalization, calibration by running the FP32 model, a
 * {@link io.quantedge.quantize.Scheme} such as W8A8 static QDQ or W8 dynamic, bias correction) and the {@link io.quantedge.quantize.ModelQuantizer} service that
 * does it file to file inside the gateway.
 */
@Export
@Version("2.0.0")
package io.quantedge.quantize;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
