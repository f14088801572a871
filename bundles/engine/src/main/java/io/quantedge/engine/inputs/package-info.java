/** Inputs made up for a model from its input specs, the same every time for a seed. */
@Export
@Version("1.0.0")
package io.quantedge.engine.inputs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
