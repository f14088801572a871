/** NumPy .npy files: the tensor exchange format of the CLI and of calibration data. */
@Export
@Version("1.0.0")
package io.quantedge.engine.npy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
