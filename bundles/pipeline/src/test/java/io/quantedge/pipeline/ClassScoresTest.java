package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.result.ClassScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassScoresTest {

    @Test
    void softmaxOfLogitsThenTopK() {
        // logits [0, ln 2, ln 3, ln 4] -> e^x = 1, 2, 3, 4 over 10: 0.1, 0.2, 0.3, 0.4.
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
        ClassScores scores = new ClassScores(2, 0, ClassScores.Softmax.AUTO, List.of("a", "b", "c", "d"));
        List<ClassScore> top = scores.top(logits, 4);
        assertEquals(2, top.size());
        assertEquals("d", top.get(0).label());
        assertEquals(0.4f, top.get(0).score(), 1e-6f);
        assertEquals("c", top.get(1).label());
        assertEquals(0.3f, top.get(1).score(), 1e-6f);
    }

    @Test
    void probabilitiesAreKeptAndThresholdApplies() {
        float[] probabilities = {0.05f, 0.6f, 0.35f};
        assertTrue(ClassScores.isDistribution(probabilities, 3));
        ClassScores scores = new ClassScores(5, 0.3, ClassScores.Softmax.AUTO, List.of("x"));
        List<ClassScore> top = scores.top(probabilities, 3);
        assertEquals(List.of(new ClassScore("1", 0.6f), new ClassScore("2", 0.35f)), top);
    }

    @Test
    void logitsAreNotADistribution() {
        assertFalse(ClassScores.isDistribution(new float[] {0.2f, 0.2f}, 2));
        assertFalse(ClassScores.isDistribution(new float[] {-1f, 2f}, 2));
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] out = new float[2];
        ClassScores.softmax(new float[] {1000f, 1000f}, 2, out);
        assertEquals(0.5f, out[0], 1e-6f);
        assertEquals(0.5f, out[1], 1e-6f);
    }

    @Test
    void topKOrdersManyAndTiesKeepTheLowerIndex() {
        float[] p = {0.1f, 0.3f, 0.1f, 0.3f, 0.2f};
        List<ClassScore> top = new ClassScores(3, 0, ClassScores.Softmax.NEVER, List.of()).top(p, 5);
        assertEquals(List.of("1", "3", "4"), top.stream().map(ClassScore::label).toList());
    }
}
