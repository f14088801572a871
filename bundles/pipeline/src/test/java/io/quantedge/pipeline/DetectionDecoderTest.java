package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.result.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionDecoderTest {

    private static final DetectionDecoder.FrameMapping SAME = DetectionDecoder.FrameMapping.IDENTITY;

    @Test
    void iouOfHandMadeBoxes() {
        // [0,0,2,2] and [1,1,3,3]: intersection 1, union 4 + 4 - 1 = 7.
        float[] rows = {0, 0, 2, 2, 1, 0, 1, 1, 3, 3, 1, 0};
        assertEquals(1f / 7, DetectionDecoder.iou(rows, 0, 1), 1e-6f);
    }

    @Test
    void suppressesOverlapsOfTheSameClassOnly() {
        // Normalised to a 100 x 100 input. Box 1 overlaps box 0 (IoU 0.1444 / 0.1756 ~ 0.82) and is
        // weaker: suppressed. Box 2 is the same place but another class: kept. Box 3 scores below
        // the threshold. Box 4 is far away: kept.
        float[] rows = {
            0.10f, 0.10f, 0.50f, 0.50f, 0.90f, 0,
            0.12f, 0.12f, 0.52f, 0.52f, 0.80f, 0,
            0.10f, 0.10f, 0.50f, 0.50f, 0.70f, 1,
            0.60f, 0.60f, 0.70f, 0.70f, 0.10f, 0,
            0.60f, 0.60f, 0.90f, 0.90f, 0.95f, 0,
        };
        List<Detection> found = new DetectionDecoder(0.25, 0.5, 10, List.of("person", "dog"))
                .decode(rows, 5, 100, 100, SAME);
        assertEquals(3, found.size());
        assertBox(found.get(0), "person", 0.95f, 60, 60, 90, 90);
        assertBox(found.get(1), "person", 0.90f, 10, 10, 50, 50);
        assertEquals("dog", found.get(2).label());
    }

    private static void assertBox(Detection d, String label, float score, float x1, float y1, float x2, float y2) {
        assertEquals(label, d.label());
        assertEquals(score, d.score(), 1e-6f);
        assertEquals(x1, d.x1(), 1e-4f);
        assertEquals(y1, d.y1(), 1e-4f);
        assertEquals(x2, d.x2(), 1e-4f);
        assertEquals(y2, d.y2(), 1e-4f);
    }

    @Test
    void keepsAtMostMaxDetections() {
        float[] rows = {0, 0, 0.1f, 0.1f, 0.9f, 0, 0.5f, 0.5f, 0.6f, 0.6f, 0.8f, 0};
        assertEquals(1, new DetectionDecoder(0, 0.5, 1, List.of()).decode(rows, 2, 10, 10, SAME).size());
    }
}
