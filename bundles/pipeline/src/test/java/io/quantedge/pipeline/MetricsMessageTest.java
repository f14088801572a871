package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.api.serving.ServedModel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MetricsMessageTest {

    private static PipelineSnapshot snapshot(long processed, long dropped) {
        return new PipelineSnapshot("door", "cam-1", "m", "3", processed + dropped, processed, dropped, 0, 1, 2,
                processed, 3, 4, 1.5, 9.25, 1.0, 2.0, 10, 9, 1000, SensorStatistics.NONE)
                .withSensor(new SensorStatistics(processed + dropped, 6, 2, 1, "part 17 is not a JPEG"));
    }

    @Test
    void ratesAreOverTheIntervalAndCountersAreTotals() {
        MetricsMessage message = new MetricsMessage();
        ServedModel model = new ServedModel("m", "3", "0".repeat(64), 1, Instant.EPOCH, Optional.empty(),
                Fakes.Server.report());
        long start = 1_000_000_000L;
        message.build("gw", Instant.EPOCH, start, List.of(snapshot(100, 5)), List.of(), 1, 2, OptionalLong.empty());
        JsonObject json = message.build("gw", Instant.parse("2026-11-22T06:00:00Z"), start + 10_000_000_000L,
                List.of(snapshot(400, 25)), List.of(model), 300, 1000, OptionalLong.of(4096));
        JsonObject door = json.getAsJsonObject("pipelines").getAsJsonObject("door");
        // (400 - 100) frames over 10 s; 20 dropped in the interval, 25 in all.
        assertEquals(30.0, door.get("fps").getAsDouble(), 1e-9);
        assertEquals(25, door.get("dropped").getAsLong());
        assertEquals(20, door.get("droppedInInterval").getAsLong());
        assertEquals(3, door.get("queueDepth").getAsInt());
        assertEquals(1.5, door.getAsJsonObject("latencyMs").get("p50").getAsDouble());
        assertEquals(9.25, door.getAsJsonObject("latencyMs").get("p99").getAsDouble());
        assertEquals(0.9, door.get("accuracy").getAsDouble(), 1e-9);
        // What the sensor rejected (a corrupt JPEG part, say) never reached the queue: reported apart.
        JsonObject sensor = door.getAsJsonObject("sensorCounts");
        assertEquals(425, sensor.get("delivered").getAsLong());
        assertEquals(2, sensor.get("rejected").getAsLong());
        assertEquals(1, sensor.get("reconnects").getAsLong());
        assertEquals("part 17 is not a JPEG", sensor.get("lastProblem").getAsString());
        assertEquals(100, json.getAsJsonObject("models").getAsJsonObject("m").get("weightBytes").getAsLong());
        assertEquals(4096, json.getAsJsonObject("process").get("rssBytes").getAsLong());
        assertEquals(300, json.getAsJsonObject("jvm").get("heapUsedBytes").getAsLong());
        assertEquals("2026-11-22T06:00:00Z", json.get("timestamp").getAsString());
    }

    @Test
    void rssFromProcStatus() {
        assertEquals(OptionalLong.of(123 * 1024L),
                ProcessMemory.residentBytes(List.of("Name:\tjava", "VmRSS:\t     123 kB", "VmSwap: 0 kB")));
        assertFalse(ProcessMemory.residentBytes(List.of("Name: x")).isPresent());
    }
}
