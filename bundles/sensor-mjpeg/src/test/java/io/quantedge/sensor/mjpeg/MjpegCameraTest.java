package io.quantedge.sensor.mjpeg;

import static io.quantedge.sensor.frames.TestFrames.await;
import static io.quantedge.sensor.frames.TestFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.sensor.frames.TestImages;
import io.quantedge.sensor.frames.TestOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MjpegCameraTest {

    private static final List<byte[]> JPEGS = TestImages.encoded(40, "jpeg");

    private final List<Frame> frames = new CopyOnWriteArrayList<>();

    private static MjpegCamera camera(MjpegServer server, Map<String, Object> more) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("quantedge_sensor_id", "cam-test",
                "url", server.url().toString(), "reconnectMinMillis", 50, "reconnectMaxMillis", 200,
                "readTimeoutMillis", 3000));
        values.putAll(more);
        return new MjpegCamera(TestOptions.of(MjpegCameraOptions.class, values), TestOptions.logger());
    }

    @Test
    void recoversFromACutConnectionAndACorruptPartAndDeliversEveryGoodFrame() throws Exception {
        MjpegServer.Script first = c -> {
            for (int i = 0; i < 10; i++) {
                if (i % 2 == 0) {
                    c.part(JPEGS.get(i));
                } else {
                    c.partWithoutLength(JPEGS.get(i));
                }
            }
            c.part(TestImages.corruptJpeg(JPEGS.get(10)));
            for (int i = 10; i < 15; i++) {
                c.partWithoutLength(JPEGS.get(i));
            }
            c.cutInside(JPEGS.get(15));
        };
        MjpegServer.Script second = c -> {
            for (int i = 15; i < 30; i++) {
                c.part(JPEGS.get(i));
            }
            c.end();
        };
        try (MjpegServer server = new MjpegServer(List.of(first, second), null, null)) {
            MjpegCamera camera = camera(server, Map.of());
            camera.start(frames::add);
            try {
                await(() -> frames.size() >= 30 && server.connections.get() >= 3, "30 frames over two connections");
            } finally {
                camera.stop();
            }
            assertEquals(30, frames.size());
            for (int i = 0; i < 30; i++) {
                Frame frame = frames.get(i);
                assertEquals(i, frame.sequence());
                assertEquals("cam-test", frame.sensorId());
                assertEquals(Frame.JPEG, frame.mediaType());
                assertEquals("28", frame.attributes().get(Frame.WIDTH));
                assertArrayEquals(JPEGS.get(i), bytes(frame.payload()), "frame " + i);
            }
            SensorStatistics statistics = camera.statistics();
            assertEquals(30, statistics.delivered());
            assertEquals(1, statistics.rejected(), statistics.toString());
            assertTrue(statistics.reconnects() >= 2, statistics.toString());
        }
    }

    @Test
    void basicAuthenticationIsRefusedWithTheWrongPasswordAndAcceptedWithTheRightOne() throws Exception {
        MjpegServer.Script three = c -> {
            for (int i = 0; i < 3; i++) {
                c.part(JPEGS.get(i));
            }
            c.end();
        };
        try (MjpegServer server = new MjpegServer(List.of(three, three, three, three, three), "cam", "s3cret")) {
            MjpegCamera wrong = camera(server, Map.of("username", "cam", "password", "guess"));
            wrong.start(frames::add);
            try {
                await(() -> wrong.statistics().reconnects() >= 2, "two refused attempts");
            } finally {
                wrong.stop();
            }
            assertEquals(0, frames.size());
            assertTrue(wrong.statistics().lastProblem().contains("HTTP 401"), wrong.statistics().lastProblem());
            assertTrue(server.statuses.stream().allMatch(s -> s == 401), server.statuses.toString());

            MjpegCamera right = camera(server, Map.of("username", "cam", "password", "s3cret"));
            right.start(frames::add);
            try {
                await(() -> frames.size() >= 3, "three frames once logged in");
            } finally {
                right.stop();
            }
            assertArrayEquals(JPEGS.get(2), bytes(frames.get(2).payload()));
        }
    }

    @Test
    void framesBeyondTheRateLimitAreSkippedAndCounted() throws Exception {
        int sent = 40;
        MjpegServer.Script fast = c -> {
            for (int i = 0; i < sent; i++) {
                c.part(JPEGS.get(i));
                Thread.sleep(25);
            }
            c.end();
        };
        try (MjpegServer server = new MjpegServer(List.of(fast), null, null)) {
            MjpegCamera camera = camera(server, Map.of("maxFps", 4.0));
            long started = System.nanoTime();
            camera.start(frames::add);
            try {
                await(() -> camera.statistics().delivered() + camera.statistics().skipped() >= sent, "all parts read");
            } finally {
                camera.stop();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            SensorStatistics statistics = camera.statistics();
            assertEquals(sent, statistics.delivered() + statistics.skipped(), statistics.toString());
            assertTrue(statistics.delivered() >= 1 && statistics.delivered() <= 4 * seconds + 1,
                    statistics + " in " + seconds + " s at most 4 fps");
            assertTrue(statistics.skipped() > 0, statistics.toString());
        }
    }

    @Test
    void aPartAboveTheSizeLimitIsRejectedUnreadAndTheStreamGoesOn() throws Exception {
        byte[] large = new byte[5000]; // never looked at: refused by its size alone
        java.util.Arrays.fill(large, (byte) 'x');
        MjpegServer.Script script = c -> {
            c.part(JPEGS.get(0));
            c.partWithoutLength(large);
            c.part(large);
            c.part(JPEGS.get(1));
            c.end();
        };
        try (MjpegServer server = new MjpegServer(List.of(script), null, null)) {
            assertTrue(large.length > 1024 && JPEGS.get(0).length < 1024);
            MjpegCamera camera = camera(server, Map.of("maxFrameKib", 1));
            camera.start(frames::add);
            try {
                await(() -> frames.size() >= 2, "the two small frames");
            } finally {
                camera.stop();
            }
            assertEquals(2, camera.statistics().rejected(), camera.statistics().toString());
            assertArrayEquals(JPEGS.get(1), bytes(frames.get(1).payload()));
        }
    }

    @Test
    void aStreamThatFallsSilentIsReconnectedAfterTheReadTimeout() throws Exception {
        AtomicBoolean stalled = new AtomicBoolean();
        AtomicBoolean reconnectedDuringStall = new AtomicBoolean();
        MjpegServer.Script stalls = c -> {
            c.part(JPEGS.get(0));
            c.part(JPEGS.get(1));
            stalled.set(true); // headers sent, connection open, nothing more: a hung camera
            Thread.sleep(60_000);
        };
        MjpegServer.Script resumes = c -> {
            reconnectedDuringStall.set(stalled.get());
            c.part(JPEGS.get(2));
            c.end();
        };
        try (MjpegServer server = new MjpegServer(List.of(stalls, resumes), null, null)) {
            MjpegCamera camera = camera(server, Map.of("readTimeoutMillis", 400));
            camera.start(frames::add);
            try {
                await(() -> frames.size() >= 3, "the frame after the stall");
            } finally {
                camera.stop();
            }
            assertTrue(reconnectedDuringStall.get(), "the camera waited for the server instead of timing out");
            assertArrayEquals(JPEGS.get(2), bytes(frames.get(2).payload()));
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirCode() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("quantedge_sensor_id", "cam 1", "url", "http://camera/"),
                Map.of("quantedge_sensor_id", "cam1", "url", "rtsp://camera/stream"),
                Map.of("quantedge_sensor_id", "cam1", "url", "http://camera/", "maxFps", -1.0),
                Map.of("quantedge_sensor_id", "cam1", "url", "http://camera/", "reconnectMinMillis", 5000,
                        "reconnectMaxMillis", 100))) {
            SensorConfigurationException e = assertThrows(SensorConfigurationException.class,
                    () -> MjpegSettings.of(TestOptions.of(MjpegCameraOptions.class, bad)), bad.toString());
            assertEquals(SensorConfigurationException.BAD_SENSOR_CONFIG, e.code());
        }
    }

    @Test
    void theBoundaryIsTakenFromTheContentType() {
        assertEquals("frame", MultipartStream.boundaryOf("multipart/x-mixed-replace;boundary=frame").orElseThrow());
        assertEquals("--my b", MultipartStream.boundaryOf("Multipart/X-Mixed-Replace; Boundary=\"--my b\"")
                .orElseThrow());
        assertTrue(MultipartStream.boundaryOf("image/jpeg").isEmpty());
        assertTrue(MultipartStream.boundaryOf("multipart/x-mixed-replace").isEmpty());
    }
}
