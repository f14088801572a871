package io.quantedge.backend.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, fixed once per JVM as constants so C2 folds them. Floats and
 * ints share the CPU's preferred shape (16 lanes with AVX-512, 8 with AVX2, 4 with NEON); bytes come
 * in vectors with at least as many lanes, so one byte load widens into one float vector.
 */
final class KernelSpecies {

    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    /** A quarter of the float shape, except that no shape is narrower than 64 bits (then lanes > float lanes). */
    static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, FLOATS.vectorBitSize() / 4)));
    static final int LANES = FLOATS.length();
    /** Whether a byte vector has exactly one lane per float lane, so results can be narrowed and stored as bytes. */
    static final boolean BYTES_MATCH_FLOATS = BYTES.length() == LANES;
    /**
     * Bytes read past the last element by a byte load that uses only {@link #LANES} of its lanes;
     * packed arrays carry this much padding.
     */
    static final int BYTE_OVERREAD = BYTES.length() - LANES;

    private KernelSpecies() {
    }

    /** {@link #LANES} bytes from {@code offset} as signed values in float lanes. */
    static FloatVector widen(byte[] values, int offset) {
        return (FloatVector) ByteVector.fromArray(BYTES, values, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    /** {@link #LANES} bytes from {@code offset} as signed values in int lanes. */
    static IntVector widenToInts(byte[] values, int offset) {
        return (IntVector) ByteVector.fromArray(BYTES, values, offset).convertShape(VectorOperators.B2I, INTS, 0);
    }

    /** Integral float lanes (exactly representable) as ints. */
    static IntVector toInts(FloatVector values) {
        return (IntVector) values.convert(VectorOperators.F2I, 0);
    }
}
