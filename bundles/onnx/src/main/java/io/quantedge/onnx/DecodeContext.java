package io.quantedge.onnx;

import java.util.Map;
import java.util.Set;

/**
 * What every graph of one model is decoded with: the tensor decoder (which knows where external
 * data lives), the model's operator sets, which subgraphs share, and the model-local functions,
 * as "domain:name", that nodes must not call since the api's Graph cannot carry them.
 */
record DecodeContext(TensorDecoder tensors, Map<String, Integer> opsets, Set<String> localFunctions) {
}
