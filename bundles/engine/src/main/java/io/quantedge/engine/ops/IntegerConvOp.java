package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
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
 * ConvInteger (int32 result) and QLinearConv (requantized 8-bit result). Each image and group is
 * one integer product: the input patches as rows ([positions x K], padding reading the input zero
 * point) times the weights as the packed right-hand side ([K x filters] per group, with the
 * per-filter zero points), then transposed into NCHW. Depthwise convolutions (a group per channel
 * and filter) go to a depthwise kernel instead, see {@link DepthwiseConvolution}. Constant weights
 * (and weight zero points) are packed once; weights computed or fed at run time are packed on every
 * run.
 */
final class IntegerConvOp implements Operator {

    /** Input positions of each operand in the two ops' input lists. */
    private record Inputs(int x, int xZero, int w, int wZero, int bias) {
    }

    private static final Inputs CONV_INTEGER = new Inputs(0, 2, 1, 3, -1);
    private static final Inputs QLINEAR_CONV = new Inputs(0, 2, 3, 5, 8);
    /** QLinearConv's scale and output zero point inputs. */
    private static final int X_SCALE = 1;
    private static final int W_SCALE = 4;
    private static final int Y_SCALE = 6;
    private static final int Y_ZERO = 7;

    /** Requantization of all filters, and the same split into groups (for the per-group products). */
    private record FilterRequantization(Requantization filters, Requantization[] groups) {
    }

    private final NodeContext node;
    private final boolean requantized;
    private final Inputs at;
    private final int group;
    /** The weight and its zero point when both are constants (the zero point may be absent), else null. */
    private final Value weight;
    private final Value weightZero;
    /** Known once the weight's shape is (at creation for constant weights, else at planning). */
    private volatile ConvGeometry geometry;
    private volatile Selection<Int8GemmKernel> kernel;
    /** Set instead of {@link #kernel} when the node is a depthwise convolution. */
    private volatile DepthwiseConvolution depthwise;
    /** The constant weight packed per group, or null when it is packed per run. */
    private volatile PackedMatrix[] packed;
    /** True when the scales, output zero point and bias are constants, so they are read once. */
    private final boolean requantizationConstant;
    private volatile FilterRequantization requantization;

    private IntegerConvOp(NodeContext node, boolean requantized, Inputs at, ConvGeometry geometry, int group,
                          Value weight, Value weightZero) {
        this.node = node;
        this.requantized = requantized;
        this.at = at;
        this.geometry = geometry;
        this.group = group;
        this.weight = weight;
        this.weightZero = weightZero;
        this.requantizationConstant = requantized
                && Requantization.constantInputs(node, X_SCALE, W_SCALE, Y_SCALE, Y_ZERO, at.bias());
    }

    static Operator convInteger(NodeContext node) throws ModelLoadException {
        return create(node, false, CONV_INTEGER);
    }

    static Operator qLinearConv(NodeContext node) throws ModelLoadException {
        return create(node, true, QLINEAR_CONV);
    }

    private static Operator create(NodeContext node, boolean requantized, Inputs at) throws ModelLoadException {
        Value weight = node.constantInput(at.w()).orElse(null);
        Value weightZero = node.constantInput(at.wZero()).orElse(null);
        boolean constant = weight != null && (weightZero != null || !node.hasInput(at.wZero()));
        ConvGeometry geometry = weight != null ? ConvGeometry.read(node, ConvShapes.kernelOf(weight.shape()), false)
                : null;
        return new IntegerConvOp(node, requantized, at, geometry, Math.toIntExact(node.intAttr("group", 1)),
                constant ? weight : null, constant ? weightZero : null);
    }

    /** Chooses the kernel once the operand types and the weight's shape are known, and packs constant weights. */
    private synchronized void prepare(DataType xType, TensorType w) throws ModelLoadException {
        if (kernel != null || depthwise != null) {
            return;
        }
        if (DepthwiseConvolution.isDepthwise(w.shape(), group)) {
            depthwise = DepthwiseConvolution.prepare(node, xType, w.type(), weight, weightZero);
            return;
        }
        Selection<Int8GemmKernel> selected = IntegerKernels.select(node, xType, w.type());
        if (weight != null) {
            packed = pack(selected.kernel(), weight, weightZero, group);
        }
        kernel = selected;
    }

    /** Each group's weights as the packed right-hand side of its product. */
    private static PackedMatrix[] pack(Int8GemmKernel k8, Value w, Value wZero, int group) {
        int filters = w.shape()[0];
        int groupFilters = filters / group;
        int k = w.size() / filters;
        int[] zeros = IntegerKernels.zeroPoints(wZero, filters);
        PackedMatrix[] groups = new PackedMatrix[group];
        for (int g = 0; g < group; g++) {
            // Weights are [filters][K]; the product wants [K][filters of this group].
            byte[] kn = Transpose2d.bytes(w.bytes(), w.offset() + g * groupFilters * k, groupFilters, k);
            int[] groupZeros = java.util.Arrays.copyOfRange(zeros, g * groupFilters, (g + 1) * groupFilters);
            groups[g] = k8.pack(kn, 0, groupFilters, k, groupFilters, w.type() == DataType.INT8, groupZeros);
        }
        return groups;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, at.x(), "x");
        TensorType w = Operands.required(node, inputs, at.w(), "w");
        if (inputs.size() > at.xZero() && inputs.get(at.xZero()) != null && inputs.get(at.xZero()).size() != 1) {
            throw node.error(Code.UNSUPPORTED, "a per-channel input zero point");
        }
        TensorType wZero = Operands.type(inputs, at.wZero());
        if (wZero != null && wZero.size() != 1 && (w.rank() == 0 || wZero.size() != w.shape()[0])) {
            throw node.error(Code.INVALID_GRAPH, "weight zero point " + wZero + " must be a scalar or one per filter");
        }
        if (geometry == null) {
            geometry = ConvGeometry.read(node, ConvShapes.kernelOf(w.shape()), false);
        }
        int[] out = ConvShapes.outputShape(node, geometry, group, x, w);
        prepare(x.type(), w);
        if (!requantized) {
            return List.of(new TensorType(DataType.INT32, out));
        }
        TensorType yZero = inputs.size() > 7 ? inputs.get(7) : null;
        return List.of(new TensorType(yZero != null ? yZero.type() : x.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[at.x()];
        Value xZero = inputs.length > at.xZero() ? inputs[at.xZero()] : null;
        Value y = outputs[0];
        ConvWindow window = ConvShapes.window(geometry, x.shape());
        int za = xZero == null ? 0 : (int) xZero.integerAt(0);
        if (depthwise != null) {
            depthwise.run(x, za, inputs[at.w()], Operands.input(inputs, at.wZero()), window,
                    requantized ? requantization(inputs, y.shape()[1]).filters() : null, y);
            return;
        }
        int batch = x.shape()[0];
        int channels = x.shape()[1];
        int groupChannels = channels / group;
        int filters = y.shape()[1];
        int groupFilters = filters / group;
        int plane = window.inH() * window.inW();
        int positions = window.outH() * window.outW();
        int k = groupChannels * window.kH() * window.kW();
        byte[] rows = Scratch.bytes(0, positions * k);
        int[] acc = Scratch.ints(0, positions * groupFilters);
        byte[] requant = requantized ? Scratch.bytes(1, positions * groupFilters) : null;
        FilterRequantization scaling = requantized ? requantization(inputs, filters) : null;
        Int8GemmKernel k8 = kernel.kernel();
        PackedMatrix[] weights = packed != null ? packed
                : pack(k8, inputs[at.w()], Operands.input(inputs, at.wZero()), group);
        boolean xSigned = x.type() == DataType.INT8;
        boolean pointwise = Im2Col.isIdentity(window);
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < group; g++) {
                int xOffset = x.offset() + (n * channels + g * groupChannels) * plane;
                if (pointwise) {
                    // A 1x1 convolution's unfolded input is the image transposed: channels become columns.
                    Transpose2d.bytes(x.bytes(), xOffset, groupChannels, positions, rows);
                } else {
                    Im2Col.rowsBytes(x.bytes(), xOffset, groupChannels, window, (byte) za, rows);
                }
                k8.gemm(positions, groupFilters, k, rows, 0, k, xSigned, za, weights[g], acc, 0, groupFilters);
                int yBase = y.offset() + (n * filters + g * groupFilters) * positions;
                if (requantized) {
                    Requantization r = scaling.groups()[g];
                    k8.requantize(positions, groupFilters, acc, 0, groupFilters, r.bias(), r.multipliers(), r.yZero(),
                            y.type() == DataType.INT8, Rounding.HALF_TO_EVEN, requant, 0, groupFilters);
                    byte[] out = y.bytes();
                    for (int p = 0; p < positions; p++) {
                        for (int f = 0; f < groupFilters; f++) {
                            out[yBase + f * positions + p] = requant[p * groupFilters + f];
                        }
                    }
                } else {
                    int[] out = y.ints();
                    for (int p = 0; p < positions; p++) {
                        for (int f = 0; f < groupFilters; f++) {
                            out[yBase + f * positions + p] = acc[p * groupFilters + f];
                        }
                    }
                }
            }
        }
    }

    /** The requantization for {@code filters} filters: read once when its inputs are constants. */
    private FilterRequantization requantization(Value[] inputs, int filters) {
        FilterRequantization known = requantization;
        if (known != null && known.filters().columnCount() == filters) {
            return known;
        }
        Requantization all = Requantization.read(inputs[X_SCALE], inputs[W_SCALE], inputs[Y_SCALE],
                Operands.input(inputs, Y_ZERO), Operands.input(inputs, at.bias()), filters);
        // A depthwise convolution requantizes all its filters in one call: no groups.
        Requantization[] groups = new Requantization[depthwise != null ? 0 : group];
        int groupFilters = filters / group;
        for (int g = 0; g < groups.length; g++) {
            groups[g] = group == 1 ? all : all.columns(g * groupFilters, (g + 1) * groupFilters);
        }
        FilterRequantization read = new FilterRequantization(all, groups);
        if (requantizationConstant) {
            requantization = read;
        }
        return read;
    }

    @Override
    public String backend() {
        DepthwiseConvolution stencil = depthwise;
        if (stencil != null) {
            return stencil.backend();
        }
        return kernel == null ? "engine" : kernel.backend();
    }

    @Override
    public long preparedBytes() {
        DepthwiseConvolution stencil = depthwise;
        long bytes = stencil == null ? 0 : stencil.preparedBytes();
        PackedMatrix[] groups = packed;
        if (groups != null) {
            for (PackedMatrix p : groups) {
                bytes += p.bytes();
            }
        }
        return bytes;
    }
}
