package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.result.ClassScore;
import io.quantedge.api.result.Detection;
import io.quantedge.api.result.InferenceResult;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ResultFilterTest {

    private static InferenceResult classified(String... labels) {
        return new InferenceResult("gw", "p", "cam", 0, Instant.EPOCH, "m", "1", 1, "scalar", List.of(),
                Stream.of(labels).map(l -> new ClassScore(l, 0.9f)).toList(), OptionalDouble.empty());
    }

    private static InferenceResult detected(String... labels) {
        return new InferenceResult("gw", "p", "cam", 0, Instant.EPOCH, "m", "1", 1, "scalar",
                Stream.of(labels).map(l -> new Detection(l, 0.9f, 0, 0, 1, 1)).toList(), List.of(),
                OptionalDouble.empty());
    }

    private static InferenceResult anomaly(double score) {
        return new InferenceResult("gw", "p", "cam", 0, Instant.EPOCH, "m", "1", 1, "scalar", List.of(), List.of(),
                OptionalDouble.of(score));
    }

    @Test
    void changeOnlyPublishesWhenTheTopLabelChanges() {
        ResultFilter filter = new ResultFilter(ResultFilter.Mode.CHANGE, 0);
        List<Boolean> published = Stream.of(classified("cat"), classified("cat", "dog"), classified("dog"),
                classified("dog"), classified("cat")).map(filter::publish).toList();
        assertEquals(List.of(true, false, true, false, true), published);
    }

    @Test
    void changeOnlyFollowsTheSetOfDetectedLabels() {
        ResultFilter filter = new ResultFilter(ResultFilter.Mode.CHANGE, 0);
        List<Boolean> published = Stream.of(detected(), detected("person"), detected("person", "person"),
                detected("person", "dog"), detected()).map(filter::publish).toList();
        assertEquals(List.of(true, true, false, true, true), published);
    }

    @Test
    void findingsOnly() {
        ResultFilter filter = new ResultFilter(ResultFilter.Mode.FINDING, 0.5);
        List<Boolean> published = Stream.of(detected(), detected("person"), classified(), classified("cat"),
                anomaly(0.4), anomaly(0.5)).map(filter::publish).toList();
        assertEquals(List.of(false, true, false, true, false, true), published);
    }

    @Test
    void everyPublishesAll() {
        ResultFilter filter = new ResultFilter(ResultFilter.Mode.EVERY, 0);
        assertEquals(List.of(true, true), Stream.of(detected(), detected()).map(filter::publish).toList());
    }
}
