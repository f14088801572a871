/** Tensors: element types, shapes, quantization parameters and immutable tensor values. */
@Export
@Version("1.0.0")
package io.quantedge.api.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
