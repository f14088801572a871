package io.quantedge.onnx;

import io.quantedge.api.graph.Graph;

/** The door from the exported writer package to the package-private encoder. */
public final class ModelEncoding {

    private ModelEncoding() {
    }

    public static byte[] encode(Graph graph) {
        return OnnxModelEncoder.encode(graph);
    }
}
