package io.quantedge.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConvWindowTest {

    @Test
    void countsTapsAndPlanes() {
        ConvWindow window = new ConvWindow(96, 95, 3, 5, 2, 2, 1, 1, 1, 2, 48, 48);
        assertEquals(15, window.taps());
        assertEquals(96 * 95, window.inPlane());
        assertEquals(48 * 48, window.outPlane());
    }

    @Test
    void allowsEmptyImagesAndPaddingBeyondTheKernel() {
        assertEquals(0, new ConvWindow(0, 7, 3, 3, 1, 1, 1, 1, 0, 0, 0, 5).outPlane());
        assertEquals(9, new ConvWindow(1, 1, 3, 3, 1, 1, 1, 1, 4, 4, 3, 3).outPlane());
    }

    @Test
    void refusesWhatNoConvolutionHas() {
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, 4, 0, 3, 1, 1, 1, 1, 0, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, 4, 3, 3, 0, 1, 1, 1, 0, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, 4, 3, 3, 1, 1, 1, 0, 0, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, 4, 3, 3, 1, 1, 1, 1, -1, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, -4, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(4, 4, 3, 3, 1, 1, 1, 1, 0, 0, 2, -2));
    }

    @Test
    void refusesIndexArithmeticBeyondAnInt() {
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(65_536, 65_536, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 65_536, 65_536));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(8, 8, 3, 3, 1, 1, 1 << 30, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvWindow(8, 8, 3, 3, 1, 1 << 30, 1, 1, 0, 0, 1, 4));
    }
}
