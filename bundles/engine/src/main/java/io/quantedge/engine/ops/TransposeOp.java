package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/** Transpose by {@code perm} (reversed axes by default), for any element type. */
final class TransposeOp implements Operator {

    private final NodeContext node;
    private final long[] perm;

    TransposeOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        this.perm = node.intsAttr("perm");
    }

    private int[] permutation(int rank) throws ModelLoadException {
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
            return p;
        }
        if (perm.length != rank) {
            throw node.error(Code.INVALID_GRAPH, "perm " + Arrays.toString(perm) + " has " + perm.length
                    + " entries but the input has rank " + rank);
        }
        p = Axes.normalizeAll(node, perm, rank, "perm");
        return p;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType data = Operands.required(node, inputs, 0, "data");
        int[] p = permutation(data.rank());
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = data.shape()[p[i]];
        }
        return List.of(new TensorType(data.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        Value out = outputs[0];
        int rank = in.rank();
        int[] inStrides = Axes.strides(in.shape());
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            // infer() already validated perm for this rank.
            int source = perm == null ? rank - 1 - i : (int) (perm[i] < 0 ? perm[i] + rank : perm[i]);
            strides[i] = inStrides[source];
        }
        StridedCopy.gather(in, StridedWalk.of(out.shape(), strides), 0, out);
    }
}
