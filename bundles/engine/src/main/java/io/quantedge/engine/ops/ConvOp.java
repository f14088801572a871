package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry.Selection;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Float convolution (1-D and 2-D, grouped, depthwise, dilated, padded) as im2col plus one
 * matrix product per image and group, the product taken from the best kernel backend.
 */
final class ConvOp implements Operator {
    private final NodeContext node;
    private final int group;
    private final Selection<FloatGemmKernel> gemm;
    /** Known once the weight's shape is (at creation for constant weights, else at planning). */
    private volatile ConvGeometry geometry;

    private ConvOp(NodeContext node, ConvGeometry geometry, int group, Selection<FloatGemmKernel> gemm) {
        this.node = node;
        this.geometry = geometry;
        this.group = group;
        this.gemm = gemm;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        int[] kernel = node.constantInput(1).map(w -> ConvShapes.kernelOf(w.shape())).orElse(null);
        ConvGeometry geometry = kernel != null || node.intsAttr("kernel_shape") != null
                ? ConvGeometry.read(node, kernel, false) : null;
        int group = Math.toIntExact(node.intAttr("group", 1));
        return new ConvOp(node, geometry, group, floatGemm(node));
    }

    static Selection<FloatGemmKernel> floatGemm(NodeContext node) throws ModelLoadException {
        OpSignature signature = OpSignature.of(KernelBackend.GEMM, DataType.FP32, DataType.FP32);
        return node.kernels().select(signature, FloatGemmKernel.class).orElseThrow(() -> node.error(Code.UNSUPPORTED,
                "no kernel backend computes " + signature));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        TensorType w = inputs.get(1);
        if (x.type() != DataType.FP32 || w.type() != DataType.FP32) {
            throw node.error(Code.UNSUPPORTED, "Conv on " + x.type() + " x " + w.type() + " (FP32 is supported)");
        }
        if (geometry == null) {
            geometry = ConvGeometry.read(node, ConvShapes.kernelOf(w.shape()), false);
        }
        int[] out = ConvShapes.outputShape(node, geometry, group, x, w);
        if (inputs.size() > 2 && inputs.get(2) != null && inputs.get(2).size() != out[1]) {
            throw node.error(Code.INVALID_GRAPH, "bias " + inputs.get(2) + " does not match " + out[1] + " filters");
        }
        return List.of(new TensorType(DataType.FP32, out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value w = inputs[1];
        Value b = inputs.length > 2 ? inputs[2] : null;
        Value y = outputs[0];
        int[] xs = x.shape();
        ConvWindow window = ConvShapes.window(geometry, xs);
        int batch = xs[0];
        int channels = xs[1];
        int groupChannels = channels / group;
        int filters = y.shape()[1];
        int groupFilters = filters / group;
        int plane = window.inH() * window.inW();
        int positions = window.outH() * window.outW();
        int k = groupChannels * window.kH() * window.kW();
        boolean direct = Im2Col.isIdentity(window);
        float[] col = direct ? null : Scratch.floats(0, k * positions);
        float[] xData = x.floats();
        float[] yData = y.floats();
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < group; g++) {
                int xOffset = x.offset() + (n * channels + g * groupChannels) * plane;
                int yOffset = y.offset() + (n * filters + g * groupFilters) * positions;
                int wOffset = w.offset() + g * groupFilters * k;
                if (direct) {
                    gemm.kernel().gemm(groupFilters, positions, k, w.floats(), wOffset, k, xData, xOffset, positions,
                            yData, yOffset, positions, false);
                } else {
                    Im2Col.floats(xData, xOffset, groupChannels, window, col);
                    gemm.kernel().gemm(groupFilters, positions, k, w.floats(), wOffset, k, col, 0, positions,
                            yData, yOffset, positions, false);
                }
            }
            if (b != null) {
                float[] bias = b.floats();
                for (int f = 0; f < filters; f++) {
                    float add = bias[b.offset() + f];
                    int base = y.offset() + (n * filters + f) * positions;
                    for (int p = 0; p < positions; p++) {
                        yData[base + p] += add;
                    }
                }
            }
        }
    }

    @Override
    public String backend() {
        return gemm.backend();
    }
}
