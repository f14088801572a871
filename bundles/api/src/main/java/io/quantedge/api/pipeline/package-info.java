/**
 * What a running pipeline offers other bundles: a tap on the model inputs it prepares, so the
 * gateway can calibrate or check a model on the frames it really sees.
 */
@Export
@Version("1.0.0")
package io.quantedge.api.pipeline;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
