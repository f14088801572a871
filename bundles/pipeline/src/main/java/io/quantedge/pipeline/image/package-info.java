/**
 * How an image becomes a model input, as pipelines do it (decode, fit, resample, colour order,
 * scale and normalise, layout, quantize), for other bundles that must prepare images exactly the
 * same way: the quantizer's and evaluator's image folders.
 */
@Export
@Version("1.0.0")
package io.quantedge.pipeline.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
