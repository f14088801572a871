package io.quantedge.engine.ops;

import io.quantedge.engine.Value;

/**
 * Copying elements of any storage kind: the data-movement ops (Transpose, Slice, Expand, Tile,
 * Gather, Concat...) only move elements, so they share these loops whatever the element type.
 */
final class StridedCopy {

    private StridedCopy() {
    }

    /** Copies {@code n} elements, reading every {@code step}-th from {@code srcPos} (step may be 0 or negative). */
    static void copy(Object src, int srcPos, int step, Object dst, int dstPos, int n) {
        if (step == 1) {
            System.arraycopy(src, srcPos, dst, dstPos, n);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstPos + i] = s[srcPos + i * step];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstPos + i] = s[srcPos + i * step];
            }
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstPos + i] = s[srcPos + i * step];
            }
        } else if (src instanceof short[] s) {
            short[] d = (short[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstPos + i] = s[srcPos + i * step];
            }
        } else {
            byte[] s = (byte[]) src;
            byte[] d = (byte[]) dst;
            for (int i = 0; i < n; i++) {
                d[dstPos + i] = s[srcPos + i * step];
            }
        }
    }

    /** Fills {@code out} by walking {@code walk} over it, reading {@code in} from element {@code base}. */
    static void gather(Value in, StridedWalk walk, int base, Value out) {
        Object src = in.data();
        Object dst = out.data();
        int outBase = out.offset();
        walk.forEachRow(new int[] {in.offset() + base},
                (offsets, steps, at, n) -> copy(src, offsets[0], steps[0], dst, outBase + at, n));
    }

    /** Copies all of {@code in} into {@code out} (equal sizes, same storage). */
    static void whole(Value in, Value out) {
        System.arraycopy(in.data(), in.offset(), out.data(), out.offset(), in.size());
    }
}
