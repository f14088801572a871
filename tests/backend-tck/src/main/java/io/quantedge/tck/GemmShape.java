package io.quantedge.tck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The dimensions of one product C[m x n] = A[m x k] x B[k x n]. */
record GemmShape(int m, int n, int k) {

    /**
     * Sizes around the widths vector kernels work in (8, 16, 32, 64 lanes or bytes): one below,
     * at and above each, so every main loop and every tail path runs.
     */
    static final int[] EDGE_SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129};

    /**
     * The shapes every product is checked on: 1x1x1; each edge size in turn as M, N and K with the
     * other two fixed; GEMV (M = 1) over N and K; M x 1; a seeded sample of all-edge shapes; large K;
     * and empty products.
     */
    static List<GemmShape> sweep(long seed) {
        Set<GemmShape> shapes = new LinkedHashSet<>();
        shapes.add(new GemmShape(1, 1, 1));
        for (int size : EDGE_SIZES) {
            shapes.add(new GemmShape(size, 17, 33));
            shapes.add(new GemmShape(5, size, 33));
            shapes.add(new GemmShape(5, 17, size));
            shapes.add(new GemmShape(1, size, 65));
            shapes.add(new GemmShape(1, 33, size));
            shapes.add(new GemmShape(size, 1, 31));
        }
        Random random = new Random(seed);
        List<GemmShape> sampled = new ArrayList<>();
        while (sampled.size() < 16) {
            GemmShape shape = new GemmShape(pick(random), pick(random), pick(random));
            if (shapes.add(shape)) {
                sampled.add(shape);
            }
        }
        shapes.add(new GemmShape(1, 33, 4096));
        shapes.add(new GemmShape(4, 17, 4096));
        shapes.add(new GemmShape(0, 5, 7));
        shapes.add(new GemmShape(3, 0, 7));
        shapes.add(new GemmShape(3, 5, 0));
        return List.copyOf(shapes);
    }

    private static int pick(Random random) {
        return EDGE_SIZES[random.nextInt(EDGE_SIZES.length)];
    }

    @Override
    public String toString() {
        return m + "x" + n + "x" + k;
    }
}
