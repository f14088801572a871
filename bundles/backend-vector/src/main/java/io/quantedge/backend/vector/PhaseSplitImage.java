package io.quantedge.backend.vector;

import io.quantedge.api.kernel.ConvWindow;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One channel of a depthwise convolution's input, laid out so that each tap reads the inputs of
 * consecutive outputs as consecutive bytes, whatever the stride and dilation: the image padded with
 * the input zero point (padding then adds (zero - zero) x w = 0 like any other tap, so no output
 * needs a bounds test), and every padded row cut by column stride phase into slots.
 *
 * <p>Padded row R holds input row {@code R - padTop}. Slot s of a row holds the padded columns
 * {@code phase(s) + j * strideW}, j below {@link #slotLength}, input column {@code phase(s) + j *
 * strideW - padLeft}. Tap (kh, kw) of output (oh, ow) reads padded row {@code oh * strideH + kh *
 * dilationH} and column {@code ow * strideW + kw * dilationW}: slot value {@code ow + kw *
 * dilationW / strideW} of the slot of phase {@code kw * dilationW % strideW}. Only the phases some
 * tap reads get a slot, so a stride wider than the kernel does not copy columns nobody reads.
 *
 * <p>Values are stored as int8: uint8 inputs flipped to {@code x - 128} (their zero point alike,
 * which leaves every difference unchanged), so one signed widening serves both types.
 */
final class PhaseSplitImage {

    /** Bytes a vector row may read past the last slot: a last vector's spare lanes, and a byte load's overread. */
    static final int SLACK = KernelSpecies.LANES + KernelSpecies.BYTES.length();

    private final ConvWindow window;
    private final int rows;
    private final int rowLength;
    private final int slotLength;
    private final int[] slotPhases;
    private final int[] tapOffsets;

    private PhaseSplitImage(ConvWindow window, int rows, int slotLength, int[] slotPhases, int[] tapOffsets) {
        this.window = window;
        this.rows = rows;
        this.rowLength = slotLength * slotPhases.length;
        this.slotLength = slotLength;
        this.slotPhases = slotPhases;
        this.tapOffsets = tapOffsets;
    }

    /**
     * The layout for {@code window}, or null when it would be far larger than the image and its
     * output (pads or dilations much wider than the image), which the direct loop handles better.
     */
    static PhaseSplitImage of(ConvWindow window) {
        int strideW = window.strideW();
        int kW = window.kW();
        Map<Integer, Integer> slotOfPhase = new HashMap<>();
        int[] tapSlot = new int[kW];
        for (int kw = 0; kw < kW; kw++) {
            int phase = (int) ((long) kw * window.dilationW() % strideW);
            tapSlot[kw] = slotOfPhase.computeIfAbsent(phase, p -> slotOfPhase.size());
        }
        long slotLength = window.outW() + (long) (kW - 1) * window.dilationW() / strideW;
        long rows = (window.outH() - 1L) * window.strideH() + (long) (window.kH() - 1) * window.dilationH() + 1;
        long bytes = rows * slotLength * slotOfPhase.size();
        long reasonable = 4L * (window.inPlane() + (long) window.outPlane()) + (1 << 20);
        if (window.outPlane() == 0 || bytes > reasonable || bytes + SLACK > Integer.MAX_VALUE - 64) {
            return null;
        }
        int[] slotPhases = new int[slotOfPhase.size()];
        slotOfPhase.forEach((phase, slot) -> slotPhases[slot] = phase);
        int rowLength = (int) slotLength * slotPhases.length;
        int[] tapOffsets = new int[window.taps()];
        for (int kh = 0; kh < window.kH(); kh++) {
            for (int kw = 0; kw < kW; kw++) {
                int start = (int) ((long) kw * window.dilationW() / strideW);
                tapOffsets[kh * kW + kw] = kh * window.dilationH() * rowLength + tapSlot[kw] * (int) slotLength + start;
            }
        }
        return new PhaseSplitImage(window, (int) rows, (int) slotLength, slotPhases, tapOffsets);
    }

    /** Bytes of the workspace {@link #fill} writes and the vector loops read. */
    int bytes() {
        return rows * rowLength + SLACK;
    }

    /** Where output row oh's window starts: its taps read from here plus {@link #tapOffsets}. */
    int outputRowStart(int oh) {
        return oh * window.strideH() * rowLength;
    }

    /** Per tap (kh * kW + kw), its offset from an output row's start. */
    int[] tapOffsets() {
        return tapOffsets;
    }

    /** Lays out the plane at {@code plane} of {@code x} into {@code image}, padded with {@code zeroPoint}. */
    void fill(byte[] x, int plane, boolean signed, int zeroPoint, byte[] image) {
        byte padding = (byte) (signed ? zeroPoint : zeroPoint ^ 0x80);
        for (int r = 0; r < rows; r++) {
            int ih = r - window.padTop();
            int rowStart = r * rowLength;
            if (ih < 0 || ih >= window.inH()) {
                Arrays.fill(image, rowStart, rowStart + rowLength, padding);
                continue;
            }
            for (int s = 0; s < slotPhases.length; s++) {
                fillSlot(x, plane + ih * window.inW(), slotPhases[s] - window.padLeft(), signed, padding, image,
                        rowStart + s * slotLength);
            }
        }
    }

    /** One slot: input columns {@code shift + j * strideW} of the row, padding where they leave the image. */
    private void fillSlot(byte[] x, int inputRow, int shift, boolean signed, byte padding, byte[] image, int slot) {
        int strideW = window.strideW();
        // In long: a padding near Integer.MAX_VALUE would overflow -shift + strideW - 1.
        int first = shift >= 0 ? 0 : (int) Math.min(slotLength, (-(long) shift + strideW - 1) / strideW);
        long last = window.inW() - 1L - shift;
        int end = last < 0 ? first : (int) Math.max(first, Math.min(slotLength, last / strideW + 1));
        Arrays.fill(image, slot, slot + first, padding);
        if (signed && strideW == 1) {
            System.arraycopy(x, inputRow + shift + first, image, slot + first, end - first);
        } else if (strideW == 1) {
            // Unit stride in the loop itself, so C2 vectorises the flip.
            int from = inputRow + shift;
            for (int j = first; j < end; j++) {
                image[slot + j] = (byte) (x[from + j] ^ 0x80);
            }
        } else if (signed) {
            for (int j = first; j < end; j++) {
                image[slot + j] = x[inputRow + shift + j * strideW];
            }
        } else {
            for (int j = first; j < end; j++) {
                image[slot + j] = (byte) (x[inputRow + shift + j * strideW] ^ 0x80);
            }
        }
        Arrays.fill(image, slot + end, slot + slotLength, padding);
    }
}
