package io.quantedge.pipeline;

import com.google.gson.JsonObject;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.api.serving.ServedModel;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Builds the metrics payload. Rates are over the interval since the previous message, so it keeps
 * each pipeline's counters of then; counters in the payload are totals since the pipeline started.
 */
final class MetricsMessage {

    private final Map<String, long[]> previous = new HashMap<>();
    private long previousNanos = System.nanoTime();

    synchronized JsonObject build(String gateway, Instant now, long nowNanos, Collection<PipelineSnapshot> pipelines,
                                  Collection<ServedModel> models, long heapUsed, long heapMax, OptionalLong rss) {
        double seconds = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
        JsonObject root = new JsonObject();
        root.addProperty("gateway", gateway);
        root.addProperty("timestamp", now.toString());
        root.addProperty("intervalSeconds", round(seconds));
        JsonObject perPipeline = new JsonObject();
        Map<String, long[]> seen = new HashMap<>();
        for (PipelineSnapshot p : pipelines) {
            long[] before = previous.getOrDefault(p.name(), new long[2]);
            JsonObject o = new JsonObject();
            o.addProperty("sensor", p.sensor());
            o.addProperty("model", p.model());
            o.addProperty("modelVersion", p.modelVersion());
            o.addProperty("fps", round((p.processed() - before[0]) / seconds));
            o.add("latencyMs", percentiles(p.latencyP50Ms(), p.latencyP99Ms()));
            o.add("modelLatencyMs", percentiles(p.modelP50Ms(), p.modelP99Ms()));
            o.addProperty("received", p.received());
            o.addProperty("processed", p.processed());
            o.addProperty("dropped", p.dropped());
            o.addProperty("droppedInInterval", p.dropped() - before[1]);
            o.addProperty("unserved", p.unserved());
            o.addProperty("badFrames", p.badFrames());
            o.addProperty("errors", p.errors());
            o.addProperty("published", p.published());
            o.addProperty("queueDepth", p.queueDepth());
            o.addProperty("queueCapacity", p.queueCapacity());
            SensorStatistics sensor = p.sensorStatistics();
            JsonObject sensorCounts = new JsonObject();
            sensorCounts.addProperty("delivered", sensor.delivered());
            sensorCounts.addProperty("skipped", sensor.skipped());
            sensorCounts.addProperty("rejected", sensor.rejected());
            sensorCounts.addProperty("reconnects", sensor.reconnects());
            if (!sensor.lastProblem().isEmpty()) {
                sensorCounts.addProperty("lastProblem", sensor.lastProblem());
            }
            o.add("sensorCounts", sensorCounts);
            if (p.labelled() > 0) {
                o.addProperty("labelled", p.labelled());
                o.addProperty("accuracy", round(p.accuracy()));
            }
            perPipeline.add(p.name(), o);
            seen.put(p.name(), new long[] {p.processed(), p.dropped()});
        }
        root.add("pipelines", perPipeline);
        JsonObject perModel = new JsonObject();
        for (ServedModel m : models) {
            JsonObject o = new JsonObject();
            o.addProperty("version", m.version());
            o.addProperty("weightBytes", m.report().weightBytes());
            o.addProperty("activationBytes", m.report().plannedActivationBytes());
            perModel.add(m.name(), o);
        }
        root.add("models", perModel);
        JsonObject jvm = new JsonObject();
        jvm.addProperty("heapUsedBytes", heapUsed);
        jvm.addProperty("heapMaxBytes", heapMax);
        root.add("jvm", jvm);
        JsonObject process = new JsonObject();
        rss.ifPresent(bytes -> process.addProperty("rssBytes", bytes));
        root.add("process", process);
        previous.clear();
        previous.putAll(seen);
        previousNanos = nowNanos;
        return root;
    }

    private static JsonObject percentiles(double p50, double p99) {
        JsonObject o = new JsonObject();
        if (!Double.isNaN(p50)) {
            o.addProperty("p50", round(p50));
            o.addProperty("p99", round(p99));
        }
        return o;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
