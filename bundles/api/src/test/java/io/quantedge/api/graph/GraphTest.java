package io.quantedge.api.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphTest {

    @Test
    void readingAnAttributeAsTheWrongKindSaysBothKinds() {
        Attribute a = Attribute.ofInts(1, 1);
        assertArrayEquals(new long[] {1, 1}, a.asInts());
        var e = assertThrows(IllegalStateException.class, a::asInt);
        assertEquals("attribute is INTS, not INT", e.getMessage());
    }

    @Test
    void attributesCompareByValue() {
        assertEquals(Attribute.ofFloats(1f, 2f), Attribute.ofFloats(1f, 2f));
        assertEquals(Attribute.ofFloats(1f, 2f).hashCode(), Attribute.ofFloats(1f, 2f).hashCode());
    }

    @Test
    void omittedOptionalInputsAreEmpty() {
        Node conv = new Node("conv1", "", "Conv", List.of("x", "w", ""), List.of("y"), Map.of());
        assertTrue(conv.input(1).isPresent());
        assertTrue(conv.input(2).isEmpty());
        assertTrue(conv.input(3).isEmpty());
        assertEquals("Conv 'conv1'", conv.toString());
        Node nbits = new Node("mm", "com.microsoft", "MatMulNBits", List.of(), List.of(), Map.of());
        assertEquals("com.microsoft:MatMulNBits", nbits.qualifiedOpType());
    }

    @Test
    void defaultDomainOpsetAnswersForBothSpellingsAndWeightBytesCountInitializers() {
        Graph g = new Graph("g", Map.of("", 13), List.of(TensorSpec.of("x", DataType.FP32, 2)),
                List.of(TensorSpec.of("y", DataType.FP32, 2)),
                Map.of("w", Tensor.ofFloats(Shape.of(2), 1f, 2f),
                        "q", Tensor.ofNibbles(DataType.INT4, Shape.of(3), 1, 2, 3)),
                List.of(), Map.of());
        assertEquals(13, g.opset(""));
        assertEquals(13, g.opset("ai.onnx"));
        assertEquals(0, g.opset("com.microsoft"));
        assertEquals(8 + 2, g.initializerBytes());
    }
}
