package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import java.util.Arrays;

/**
 * numpy matmul shapes: A [..., M, K] x B [..., K, N] -> [..., M, N] with the leading (batch)
 * dimensions broadcast; a 1-D A is a row vector and a 1-D B a column vector, whose unit axis is
 * dropped from the result. Shared by MatMul, MatMulInteger, QLinearMatMul and MatMulNBits.
 */
record MatMulShapes(int m, int k, int n, int[] batch, int[] aBatch, int[] bBatch, int[] output) {

    static MatMulShapes of(NodeContext node, int[] a, int[] b) throws ModelLoadException {
        if (a.length == 0 || b.length == 0) {
            throw node.error(Code.INVALID_GRAPH, "MatMul inputs must have rank >= 1");
        }
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int kb = b2[b2.length - 2];
        int n = b2[b2.length - 1];
        if (k != kb) {
            throw node.error(Code.INVALID_GRAPH, "inner dimensions differ: " + Arrays.toString(a) + " x "
                    + Arrays.toString(b));
        }
        int[] aBatch = Arrays.copyOf(a2, a2.length - 2);
        int[] bBatch = Arrays.copyOf(b2, b2.length - 2);
        int rank = Math.max(aBatch.length, bBatch.length);
        int[] batch = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - aBatch.length) >= 0 ? aBatch[i - (rank - aBatch.length)] : 1;
            int db = i - (rank - bBatch.length) >= 0 ? bBatch[i - (rank - bBatch.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw node.error(Code.INVALID_GRAPH, "batch dimensions do not broadcast: " + Arrays.toString(a)
                        + " x " + Arrays.toString(b));
            }
            batch[i] = Math.max(da, db);
        }
        int[] output;
        int[] full = Arrays.copyOf(batch, rank + 2);
        full[rank] = m;
        full[rank + 1] = n;
        if (a.length == 1 && b.length == 1) {
            output = Arrays.copyOf(batch, rank);
        } else if (a.length == 1) {
            output = remove(full, rank);
        } else if (b.length == 1) {
            output = remove(full, rank + 1);
        } else {
            output = full;
        }
        return new MatMulShapes(m, k, n, batch, aBatch, bBatch, output);
    }

    private static int[] remove(int[] dims, int index) {
        int[] out = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != index) {
                out[j++] = dims[i];
            }
        }
        return out;
    }

    int batchCount() {
        int count = 1;
        for (int d : batch) {
            count *= d;
        }
        return count;
    }

    /** Offset (in matrices) of batch item {@code index}'s A or B operand, following broadcasting. */
    int operandMatrix(int index, int[] operandBatch) {
        int rank = batch.length;
        int offset = 0;
        int stride = 1;
        int rest = index;
        int[] coordinates = new int[rank];
        for (int i = rank - 1; i >= 0; i--) {
            coordinates[i] = rest % batch[i];
            rest /= batch[i];
        }
        for (int i = operandBatch.length - 1; i >= 0; i--) {
            int coordinate = coordinates[i + rank - operandBatch.length];
            offset += (operandBatch[i] == 1 ? 0 : coordinate) * stride;
            stride *= operandBatch[i];
        }
        return offset;
    }

    /** True when B has no batch of its own, so all of A's rows can go through one product. */
    boolean sharedB() {
        for (int d : bBatch) {
            if (d != 1) {
                return false;
            }
        }
        return aBatch.length == batch.length;
    }
}
