/** Writing api graphs as standard ONNX model files, for tools that transform models (the quantizer). */
@Export
@Version("1.0.0")
package io.quantedge.onnx.writer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
