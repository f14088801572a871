package io.quantedge.engine.ops;

/**
 * A walk over a row-major output in rows of its innermost dimension, keeping for each input the
 * element offset that feeds the row's first element. Each input has one stride per output
 * dimension (0 where it is broadcast, negative for reversed slices). Dimensions of extent 1 are
 * dropped and neighbours every input reads contiguously are merged, so the same-shape and scalar
 * cases become a single long row and kernels run their plain inner loop.
 */
final class StridedWalk {

    /** One row: {@code offsets[k]} is input k's element offset, {@code steps[k]} its stride along the row. */
    @FunctionalInterface
    interface Row {
        void apply(int[] offsets, int[] steps, int outOffset, int length);
    }

    private final int[] dims;
    private final int[][] strides;
    private final int size;

    private StridedWalk(int[] dims, int[][] strides, int size) {
        this.dims = dims;
        this.strides = strides;
        this.size = size;
    }

    /** A walk over output {@code dims} reading inputs with {@code strides[k][d]} per dimension. */
    static StridedWalk of(int[] dims, int[]... strides) {
        int inputs = strides.length;
        int size = io.quantedge.engine.Value.elementCount(dims);
        int[] keptDims = new int[Math.max(1, dims.length)];
        int[][] keptStrides = new int[inputs][keptDims.length];
        int rank = 0;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int k = 0; k < inputs && merge; k++) {
                merge = keptStrides[k][rank - 1] == strides[k][d] * dims[d];
            }
            if (merge) {
                keptDims[rank - 1] *= dims[d];
                for (int k = 0; k < inputs; k++) {
                    keptStrides[k][rank - 1] = strides[k][d];
                }
            } else {
                keptDims[rank] = dims[d];
                for (int k = 0; k < inputs; k++) {
                    keptStrides[k][rank] = strides[k][d];
                }
                rank++;
            }
        }
        if (rank == 0) {
            keptDims[0] = 1;
            rank = 1;
        }
        int[] finalDims = java.util.Arrays.copyOf(keptDims, rank);
        int[][] finalStrides = new int[inputs][];
        for (int k = 0; k < inputs; k++) {
            finalStrides[k] = java.util.Arrays.copyOf(keptStrides[k], rank);
        }
        return new StridedWalk(finalDims, finalStrides, size);
    }

    /** Calls {@code row} once per output row, in output order; offsets start at {@code bases}. */
    void forEachRow(int[] bases, Row row) {
        if (size == 0) {
            return;
        }
        int rank = dims.length;
        int inputs = strides.length;
        int length = dims[rank - 1];
        int[] offsets = bases.clone();
        int[] steps = new int[inputs];
        for (int k = 0; k < inputs; k++) {
            steps[k] = strides[k][rank - 1];
        }
        int[] index = new int[rank];
        for (int out = 0; out < size; out += length) {
            row.apply(offsets, steps, out, length);
            for (int d = rank - 2; d >= 0; d--) {
                index[d]++;
                for (int k = 0; k < inputs; k++) {
                    offsets[k] += strides[k][d];
                }
                if (index[d] < dims[d]) {
                    break;
                }
                index[d] = 0;
                for (int k = 0; k < inputs; k++) {
                    offsets[k] -= strides[k][d] * dims[d];
                }
            }
        }
    }
}
