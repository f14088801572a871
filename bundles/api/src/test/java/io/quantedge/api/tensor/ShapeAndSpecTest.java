package io.quantedge.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeAndSpecTest {

    @Test
    void negativeAxesCountFromTheEnd() {
        Shape s = Shape.of(1, 3, 28, 28);
        assertEquals(28, s.dim(-1));
        assertEquals(3, s.dim(1));
        assertEquals(1, s.normalizeAxis(-3));
        assertThrows(IllegalArgumentException.class, () -> s.dim(4));
        assertThrows(IllegalArgumentException.class, () -> s.dim(-5));
    }

    @Test
    void shapesCompareByValueAndRefuseNegativeOrOverflowingDims() {
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
        assertEquals(1, Shape.scalar().elementCount());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertThrows(ArithmeticException.class,
                () -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void aDynamicBatchAcceptsAnyBatchButFixedDimsMustMatch() {
        TensorSpec spec = new TensorSpec("input", DataType.FP32, List.of(-1, 1, 28, 28), List.of("batch", "", "", ""));
        assertTrue(spec.isDynamic());
        assertTrue(spec.accepts(Shape.of(8, 1, 28, 28)));
        assertFalse(spec.accepts(Shape.of(8, 3, 28, 28)));
        assertFalse(spec.accepts(Shape.of(1, 28, 28)));
        assertEquals("input: FP32[batch, 1, 28, 28]", spec.toString());
    }

    @Test
    void perAxisParamsAreCopiedAndScalesMustBePositive() {
        float[] scales = {0.1f, 0.2f};
        QuantParams q = QuantParams.perAxis(0, scales, new int[] {0, 0});
        scales[0] = 5f;
        assertEquals(0.1f, q.scale(0));
        assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(0f, 0));
        assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(Float.NaN, 0));
        assertThrows(IllegalArgumentException.class,
                () -> QuantParams.perAxis(0, new float[] {1f}, new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> QuantParams.blocked(1, 0, new float[] {1f}, new int[] {0}));
    }
}
