package io.quantedge.sensor.mqtt;

import static io.quantedge.sensor.frames.TestFrames.await;
import static io.quantedge.sensor.frames.TestFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.mqtt.GatewayStatus;
import io.quantedge.mqtt.Mosquitto;
import io.quantedge.mqtt.MqttGatewayConnection;
import io.quantedge.sensor.frames.TestImages;
import io.quantedge.sensor.frames.TestOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices publish with Mosquitto's own client to a real Mosquitto; the input receives through the
 * gateway's connection.
 */
class MqttInputTest {

    @TempDir
    Path temp;

    private Mosquitto broker;
    private MqttGatewayConnection connection;
    private final List<Frame> frames = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        broker = Mosquitto.start(temp);
        connection = new MqttGatewayConnection(io.quantedge.mqtt.TestOptions.mqtt(Map.of(
                "serverUris", new String[] {broker.uri()}, "gatewayId", "gw-sensor", "reconnectMinSeconds", 1,
                "reconnectMaxSeconds", 2)), new GatewayStatus("test"), TestOptions.loggers());
        await(connection::isConnected, "the gateway's connection");
    }

    @AfterEach
    void disconnect() throws Exception {
        connection.stop();
        broker.close();
    }

    private MqttInput input(Map<String, Object> more) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("quantedge_sensor_id", "door-cam", "topic", "site/+/camera"));
        values.putAll(more);
        return new MqttInput(TestOptions.of(MqttInputOptions.class, values), connection, TestOptions.logger());
    }

    /** mosquitto_pub, MQTT 5, QoS 1, with {@code extra} arguments (-m, -f, -D ...). */
    private void publish(String topic, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(broker.port), "-V", "mqttv5", "-q", "1", "-t", topic));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "mosquitto_pub did not finish");
        assertEquals(0, process.exitValue(), new String(process.getInputStream().readAllBytes()));
    }

    private Path file(String name, byte[] data) throws Exception {
        return Files.write(temp.resolve(name), data);
    }

    /** Publishes small probes until the subscription is in place on the broker; returns how many frames they made. */
    private long subscribed(MqttInput input) throws Exception {
        for (int attempt = 0; attempt < 100 && frames.isEmpty(); attempt++) {
            publish("site/probe/camera", "-m", "[0]");
            Thread.sleep(100);
        }
        await(() -> !frames.isEmpty(), "the subscription");
        Thread.sleep(300);
        frames.clear();
        return input.statistics().delivered();
    }

    private static byte[] float32(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    @Test
    void imagesAndReadingsBecomeFramesAndBadPayloadsAreCounted() throws Exception {
        byte[] jpeg = TestImages.encoded(3, "jpeg").get(2);
        byte[] png = TestImages.encoded(5, "png").get(4);
        MqttInput input = input(Map.of());
        input.start(frames::add);
        try {
            long probes = subscribed(input);
            publish("site/door/camera", "-f", file("door.jpg", jpeg).toString());
            publish("site/yard/camera", "-f", file("yard.png", png).toString());
            publish("site/pump/camera", "-m", " [1.5, -2, 3.25e2, 0]");
            publish("site/pump/camera", "-f", file("raw.bin", float32(0.5f, -7.25f, 1e-3f)).toString(),
                    "-D", "publish", "content-type", Frame.FLOAT32);
            publish("site/fan/camera", "-f", file("raw2.bin", float32(42f, 43f)).toString(),
                    "-D", "publish", "user-property", "content-type", Frame.FLOAT32);
            // The bad ones: text, a corrupt JPEG, a JSON array with a string, float32 with a stray byte.
            publish("site/door/camera", "-m", "hello camera");
            publish("site/door/camera", "-f", file("bad.jpg", TestImages.corruptJpeg(jpeg)).toString());
            publish("site/pump/camera", "-m", "[1, \"two\", 3]");
            publish("site/pump/camera", "-f", file("odd.bin", new byte[] {0, 0, (byte) 0x80, 0x3f, 1}).toString(),
                    "-D", "publish", "content-type", Frame.FLOAT32);
            await(() -> frames.size() >= 5 && input.statistics().rejected() >= 4, "5 frames and 4 rejections");
            Thread.sleep(300);
            assertEquals(5, frames.size(), frames.toString());
            assertEquals(4, input.statistics().rejected(), input.statistics().toString());
            assertEquals(probes + 5, input.statistics().delivered());
        } finally {
            input.stop();
        }
        Frame door = frames.get(0);
        assertEquals(Frame.JPEG, door.mediaType());
        assertEquals("site/door/camera", door.attributes().get(MqttInput.TOPIC));
        assertEquals("28", door.attributes().get(Frame.HEIGHT));
        assertArrayEquals(jpeg, bytes(door.payload()));
        assertEquals(Frame.PNG, frames.get(1).mediaType());
        assertArrayEquals(png, bytes(frames.get(1).payload()));
        assertEquals(Frame.FLOAT32, frames.get(2).mediaType());
        assertArrayEquals(float32(1.5f, -2f, 325f, 0f), bytes(frames.get(2).payload()));
        assertArrayEquals(float32(0.5f, -7.25f, 1e-3f), bytes(frames.get(3).payload()));
        assertArrayEquals(float32(42f, 43f), bytes(frames.get(4).payload()));
        assertEquals("site/fan/camera", frames.get(4).attributes().get(MqttInput.TOPIC));
        for (int i = 1; i < frames.size(); i++) {
            assertEquals(frames.get(i - 1).sequence() + 1, frames.get(i).sequence());
        }
    }

    @Test
    void theInputKeepsReceivingAfterTheBrokerRestarts() throws Exception {
        MqttInput input = input(Map.of());
        input.start(frames::add);
        try {
            subscribed(input);
            broker.kill();
            await(() -> !connection.isConnected(), "the connection to notice the broker is gone");
            broker.start(); // same port, no persistence: only a renewed subscription brings messages
            await(connection::isConnected, "the reconnection");
            for (int attempt = 0; attempt < 100 && frames.isEmpty(); attempt++) {
                publish("site/door/camera", "-m", "[7, 8]");
                Thread.sleep(100);
            }
            await(() -> !frames.isEmpty(), "a reading after the restart");
        } finally {
            input.stop();
        }
        assertArrayEquals(float32(7f, 8f), bytes(frames.get(0).payload()));
    }

    @Test
    void afterStopNothingArrives() throws Exception {
        MqttInput input = input(Map.of());
        input.start(frames::add);
        subscribed(input);
        input.stop();
        publish("site/door/camera", "-m", "[1, 2]");
        Thread.sleep(500);
        assertEquals(0, frames.size());
    }

    @Test
    void aConfiguredFormatOverridesTheFirstBytes() throws Exception {
        MqttInput input = input(Map.of("topic", "site/raw", "format", "float32"));
        input.start(frames::add);
        try {
            for (int attempt = 0; attempt < 100 && frames.isEmpty(); attempt++) {
                publish("site/raw", "-f", file("probe.bin", float32(9f)).toString());
                Thread.sleep(100);
            }
            await(() -> !frames.isEmpty(), "a raw reading");
        } finally {
            input.stop();
        }
        assertArrayEquals(float32(9f), bytes(frames.get(0).payload()));
    }

    @Test
    void badOptionsAreRefusedWithTheirCode() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("topic", ""), Map.of("topic", "a/#/b"),
                Map.of("qos", 3), Map.of("format", "bmp"))) {
            SensorConfigurationException e = assertThrows(SensorConfigurationException.class, () -> input(bad),
                    bad.toString());
            assertEquals(SensorConfigurationException.BAD_SENSOR_CONFIG, e.code());
        }
    }
}
