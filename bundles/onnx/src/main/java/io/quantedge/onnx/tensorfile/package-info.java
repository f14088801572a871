/** Reading standalone ONNX tensor files ({@code .pb}), for conformance runners. */
@Export
@Version("1.0.0")
package io.quantedge.onnx.tensorfile;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
