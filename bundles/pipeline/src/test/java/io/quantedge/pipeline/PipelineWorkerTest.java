package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.result.InferenceResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineWorkerTest {

    private static final PipelineWorker.Events QUIET = new PipelineWorker.Events() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };

    private static PipelineSettings settings(Map<String, Object> values) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("name", "p", "sensor", "cam", "model", "m"));
        all.putAll(values);
        return PipelineSettings.parse(Fakes.options(PipelineOptions.class, all));
    }

    private static void awaitProcessed(PipelineWorker worker, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (worker.snapshot().processed() + worker.snapshot().errors() + worker.snapshot().badFrames() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not processed in time: " + worker.snapshot());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aBlockedModelNeverBlocksTheSensorAndDropsAreCounted() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Fakes.Server server = new Fakes.Server(x -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[] {0, 1, 0};
        });
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("queueCapacity", 4, "summarySeconds", 0)), server,
                (m, v) -> Optional.empty(), results::add, () -> "gw", QUIET);
        worker.start();
        try {
            worker.onFrame(Fakes.gray(0, null, 1, 2, 3, 4));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            // The model is stuck on frame 0: a thousand frames must still go in at once.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 1; i <= 1000; i++) {
                    worker.onFrame(Fakes.gray(i, null, 1, 2, 3, 4));
                }
            });
            PipelineSnapshot stuck = worker.snapshot();
            assertEquals(4, stuck.queueDepth());
            assertEquals(996, stuck.dropped());
            release.countDown();
            awaitProcessed(worker, 5);
            // Frame 0, then the four newest: 997 to 1000.
            assertEquals(List.of(0L, 997L, 998L, 999L, 1000L), results.stream().map(InferenceResult::frame).toList());
            assertEquals(1001, worker.snapshot().received());
        } finally {
            release.countDown();
            worker.stop();
        }
    }

    @Test
    void aSourceFasterThanTheModelStaysBoundedInMemoryAndLag() throws Exception {
        // Each run of the model, the sensor delivers five frames: a source five times faster. The
        // worker is stepped by the model itself, so the figures are exact rather than timed.
        AtomicLong offered = new AtomicLong();
        List<Long> lagAtRun = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker[] holder = new PipelineWorker[1];
        Fakes.Server server = new Fakes.Server(x -> {
            lagAtRun.add(offered.get() - (long) x[0]);
            for (int i = 0; i < 5 && offered.get() < 500; i++) {
                long seq = offered.incrementAndGet();
                holder[0].onFrame(Fakes.gray(seq, null, (int) (seq % 256), 0, 0, 0));
            }
            return new float[] {0, 1, 0};
        });
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("queueCapacity", 2, "summarySeconds", 0,
                "scale", 1.0)), server, (m, v) -> Optional.empty(), results::add, () -> "gw", QUIET);
        holder[0] = worker;
        worker.start();
        try {
            worker.onFrame(Fakes.gray(0, null, 0, 0, 0, 0));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(offered.get() >= 500 && worker.snapshot().queueDepth() == 0)) {
                assertTrue(System.nanoTime() < deadline, "stalled: " + worker.snapshot());
                Thread.sleep(5);
            }
            Thread.sleep(50);
            PipelineSnapshot end = worker.snapshot();
            assertEquals(501, end.received());
            assertEquals(end.received(), end.processed() + end.dropped(), end.toString());
            assertTrue(end.dropped() > 300, "a source five times faster loses most frames: " + end);
            // The frame being run is never older than the queue's capacity (pixel 0 carries seq % 256).
            for (long lag : lagAtRun) {
                long frames = Math.floorMod(lag, 256);
                assertTrue(frames <= 2, "a run was " + frames + " frames behind the source");
            }
        } finally {
            worker.stop();
        }
    }

    @Test
    void manifestSuppliesPreprocessingLabelsAndPostprocessingAndAccuracyIsCounted() throws Exception {
        // The manifest says: scale 1/100, top 1; labels a, b, c. The model picks the class of the
        // largest of its first three inputs, so pixels (5, 90, 10, 0) -> class 1 'b' with
        // probabilities softmax(0.05, 0.9, 0.1).
        Fakes.Server server = new Fakes.Server(x -> new float[] {x[0], x[1], x[2]});
        PackageManifest manifest = new PackageManifest("m", "1", "model.onnx",
                List.of(new PackageFile("model.onnx", "0".repeat(64), 1), new PackageFile("labels.txt", "0".repeat(64), 1)),
                List.of(new InputSpec("x", Optional.of(new Preprocessing(0, 0, Preprocessing.Color.GRAY,
                        Preprocessing.Layout.NCHW, 0.01, List.of(), List.of())))),
                List.of(new OutputSpec("y", Optional.of(new Postprocessing(Postprocessing.Kind.CLASSIFICATION, 1, 0,
                        0.5)), Optional.of("labels.txt"))), Optional.empty(), List.of());
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("summarySeconds", 0)), server,
                (m, v) -> Optional.of(new PipelineWorker.Described(manifest, List.of("a", "b", "c"))), results::add,
                () -> "gw-1", QUIET);
        worker.start();
        try {
            worker.onFrame(Fakes.gray(7, "b", 5, 90, 10, 0));
            worker.onFrame(Fakes.gray(8, "a", 5, 90, 10, 0));
            awaitProcessed(worker, 2);
            InferenceResult first = results.get(0);
            assertEquals(1, first.classes().size());
            assertEquals("b", first.classes().get(0).label());
            double e05 = Math.exp(0.05);
            double e09 = Math.exp(0.9);
            double e01 = Math.exp(0.1);
            assertEquals(e09 / (e05 + e09 + e01), first.classes().get(0).score(), 1e-5);
            assertEquals("gw-1", first.gateway());
            assertEquals("p", first.pipeline());
            assertEquals(7, first.frame());
            assertEquals("vector", first.backend());
            assertEquals("1", first.modelVersion());
            PipelineSnapshot snapshot = worker.snapshot();
            assertEquals(2, snapshot.labelled());
            assertEquals(1, snapshot.correct());
        } finally {
            worker.stop();
        }
    }

    @Test
    void aNewVersionIsFollowedAndChangeOnlyFilters() throws Exception {
        Fakes.Server server = new Fakes.Server(x -> new float[] {1, 0, 0});
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("summarySeconds", 0, "publish", "change",
                "labels", new String[] {"a", "b", "c"})), server, (m, v) -> Optional.empty(), results::add,
                () -> "gw", QUIET);
        worker.start();
        try {
            worker.onFrame(Fakes.gray(0, null, 0, 0, 0, 0));
            worker.onFrame(Fakes.gray(1, null, 0, 0, 0, 0));
            awaitProcessed(worker, 2);
            server.version = "2";
            server.model = x -> new float[] {0, 0, 1};
            worker.onFrame(Fakes.gray(2, null, 0, 0, 0, 0));
            worker.onFrame(Fakes.gray(3, null, 0, 0, 0, 0));
            awaitProcessed(worker, 4);
            assertEquals(List.of(0L, 2L), results.stream().map(InferenceResult::frame).toList());
            assertEquals("2", results.get(1).modelVersion());
            assertEquals("c", results.get(1).classes().get(0).label());
            assertEquals("2", worker.snapshot().modelVersion());
        } finally {
            worker.stop();
        }
    }

    @Test
    void badFramesAreCountedAndTheWorkerGoesOn() throws Exception {
        Fakes.Server server = new Fakes.Server(x -> new float[] {1, 0, 0});
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("summarySeconds", 0)), server,
                (m, v) -> Optional.empty(), results::add, () -> "gw", QUIET);
        worker.start();
        try {
            worker.onFrame(new io.quantedge.api.sensor.Frame("cam", 0, java.time.Instant.EPOCH,
                    io.quantedge.api.sensor.Frame.JPEG, java.nio.ByteBuffer.wrap(new byte[] {9, 9}), Map.of()));
            worker.onFrame(Fakes.gray(1, null, 0, 0, 0, 0));
            awaitProcessed(worker, 2);
            assertEquals(1, worker.snapshot().badFrames(), worker.snapshot().toString());
            assertEquals(1, results.size());
        } finally {
            worker.stop();
        }
    }

    @Test
    void numericWindowsGetAnAnomalyScoreAndOnlyFindingsArePublished() throws Exception {
        // An autoencoder that reconstructs nothing: the score is the window's mean square.
        Fakes.Server server = new Fakes.Server(x -> new float[x.length],
                io.quantedge.api.tensor.TensorSpec.of("x", io.quantedge.api.tensor.DataType.FP32, 1, 4));
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        PipelineWorker worker = new PipelineWorker(settings(Map.of("summarySeconds", 0, "postprocessing", "anomaly",
                "scoreThreshold", 5.0, "publish", "finding")), server, (m, v) -> Optional.empty(), results::add,
                () -> "gw", QUIET);
        worker.start();
        try {
            worker.onFrame(window(0, 1, 2, 3, 4));   // (1 + 4 + 9 + 16) / 4 = 7.5: a finding
            worker.onFrame(window(1, 0, 0, 0, 1));   // 0.25: not published
            worker.onFrame(window(2, 1, 2));         // two readings for a four-reading input: a bad frame
            awaitProcessed(worker, 3);
            assertEquals(1, results.size());
            assertEquals(7.5, results.get(0).anomalyScore().getAsDouble(), 1e-9);
            assertEquals(1, worker.snapshot().badFrames());
        } finally {
            worker.stop();
        }
    }

    private static io.quantedge.api.sensor.Frame window(long sequence, float... values) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new io.quantedge.api.sensor.Frame("wave", sequence, java.time.Instant.EPOCH,
                io.quantedge.api.sensor.Frame.FLOAT32, bytes, Map.of());
    }
}
