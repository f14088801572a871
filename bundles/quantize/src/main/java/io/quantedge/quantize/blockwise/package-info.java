/**
 * Block-wise 4-bit weights: the grids a block's values are rounded to (uniform symmetric INT4,
 * NormalFloat-4), the blocks' codes and scales, and the two ways of choosing the codes
 * (round-to-nearest, GPTQ error compensation). Pure arithmetic on float arrays; the graph rewrite
 * is {@link io.quantedge.quantize.BlockwiseWeightOnly}.
 */
@Export
@Version("1.0.0")
package io.quantedge.quantize.blockwise;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
