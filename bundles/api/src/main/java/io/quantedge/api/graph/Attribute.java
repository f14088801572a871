package io.quantedge.api.graph;

import io.quantedge.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One attribute value of a node, typed as ONNX types them. Reading it as the wrong kind is an
 * {@link IllegalStateException} naming both kinds, so an op implementation fails loudly on a
 * malformed model instead of guessing. Immutable.
 */
public final class Attribute {

    public enum Kind { FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS }

    private final Kind kind;
    private final Object value;

    private Attribute(Kind kind, Object value) {
        this.kind = kind;
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Attribute ofFloat(float value) {
        return new Attribute(Kind.FLOAT, value);
    }

    public static Attribute ofInt(long value) {
        return new Attribute(Kind.INT, value);
    }

    public static Attribute ofString(String value) {
        return new Attribute(Kind.STRING, value);
    }

    public static Attribute ofTensor(Tensor value) {
        return new Attribute(Kind.TENSOR, value);
    }

    public static Attribute ofGraph(Graph value) {
        return new Attribute(Kind.GRAPH, value);
    }

    public static Attribute ofFloats(float... values) {
        return new Attribute(Kind.FLOATS, values.clone());
    }

    public static Attribute ofInts(long... values) {
        return new Attribute(Kind.INTS, values.clone());
    }

    public static Attribute ofStrings(List<String> values) {
        return new Attribute(Kind.STRINGS, List.copyOf(values));
    }

    public Kind kind() {
        return kind;
    }

    public float asFloat() {
        return (Float) expect(Kind.FLOAT);
    }

    public long asInt() {
        return (Long) expect(Kind.INT);
    }

    public String asString() {
        return (String) expect(Kind.STRING);
    }

    public Tensor asTensor() {
        return (Tensor) expect(Kind.TENSOR);
    }

    public Graph asGraph() {
        return (Graph) expect(Kind.GRAPH);
    }

    public float[] asFloats() {
        return ((float[]) expect(Kind.FLOATS)).clone();
    }

    public long[] asInts() {
        return ((long[]) expect(Kind.INTS)).clone();
    }

    @SuppressWarnings("unchecked")
    public List<String> asStrings() {
        return (List<String>) expect(Kind.STRINGS);
    }

    private Object expect(Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException("attribute is " + kind + ", not " + wanted);
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Attribute a) || a.kind != kind) {
            return false;
        }
        return switch (kind) {
            case FLOATS -> Arrays.equals((float[]) value, (float[]) a.value);
            case INTS -> Arrays.equals((long[]) value, (long[]) a.value);
            default -> value.equals(a.value);
        };
    }

    @Override
    public int hashCode() {
        return switch (kind) {
            case FLOATS -> Arrays.hashCode((float[]) value);
            case INTS -> Arrays.hashCode((long[]) value);
            default -> value.hashCode();
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FLOATS -> Arrays.toString((float[]) value);
            case INTS -> Arrays.toString((long[]) value);
            case GRAPH -> "graph " + ((Graph) value).name();
            default -> String.valueOf(value);
        };
    }
}
