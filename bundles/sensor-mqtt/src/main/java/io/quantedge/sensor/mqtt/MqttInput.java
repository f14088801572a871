package io.quantedge.sensor.mqtt;

import static io.quantedge.sensor.frames.OptionChecks.require;

import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.mqtt.IncomingMessage;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorAdapter;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.sensor.frames.BadImageException;
import io.quantedge.sensor.frames.EncodedImage;
import io.quantedge.sensor.frames.FrameOutlet;
import io.quantedge.sensor.frames.OptionChecks;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Frames from an MQTT topic: what other devices publish, an encoded image (JPEG, PNG) or numeric
 * readings (a JSON array of numbers, or raw little-endian float32 announced by the MQTT 5 content
 * type). Received through the gateway's one connection, so the subscription survives reconnects;
 * frames are delivered on that connection's handler thread. A payload that is none of these, or
 * too large, is counted as rejected and logged.
 * <p>Immediate, so a refused configuration is logged as soon as it is read, and leaves no service
 * for a pipeline to find.
 */
@Component(service = SensorAdapter.class, immediate = true, configurationPid = MqttInput.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MqttInputOptions.class, factory = true)
public final class MqttInput implements SensorAdapter {

    static final String FACTORY_PID = "io.quantedge.sensor.mqtt";
    /** The attribute naming the topic a frame came on (a filter may match many). */
    static final String TOPIC = "topic";

    private final String id;
    private final String topic;
    private final int qos;
    private final PayloadFormat format;
    private final int maxPayloadBytes;
    private final GatewayConnection connection;
    private final Logger log;
    private final FrameOutlet outlet;
    private GatewayConnection.Subscription subscription;

    @Activate
    public MqttInput(MqttInputOptions options, @Reference GatewayConnection connection,
                     @Reference(service = LoggerFactory.class) Logger log) throws SensorConfigurationException {
        this.id = OptionChecks.sensorId(options.quantedge_sensor_id());
        this.topic = options.topic() == null ? "" : options.topic().trim();
        require(!topic.isEmpty() && !topic.contains("\u0000"), "topic of MQTT input " + id
                + " is missing: give the topic the devices publish on, e.g. factory/line1/camera");
        require(topic.indexOf('#') < 0 || topic.endsWith("#") && (topic.length() == 1 || topic.endsWith("/#")),
                "topic '" + topic + "' of MQTT input " + id + ": '#' may only be the last level");
        this.qos = options.qos();
        require(qos >= 0 && qos <= 2, "qos " + qos + " of MQTT input " + id + " must be 0, 1 or 2");
        try {
            this.format = PayloadFormat.valueOf(String.valueOf(options.format()).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SensorConfigurationException("format '" + options.format() + "' of MQTT input " + id
                    + " must be auto, jpeg, png, json or float32");
        }
        require(options.maxPayloadKib() > 0, "maxPayloadKib of MQTT input " + id + " must be positive");
        this.maxPayloadBytes = options.maxPayloadKib() * 1024;
        this.connection = connection;
        this.log = log;
        this.outlet = new FrameOutlet(id);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void start(FrameListener listener) {
        outlet.attach(listener);
        if (subscription == null) {
            subscription = connection.subscribe(topic, qos, this::receive);
            log.info("MQTT input {} started on {}", id, topic);
        }
    }

    @Override
    @Deactivate
    public synchronized void stop() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
            log.info("MQTT input {} stopped: {}", id, outlet.statistics());
        }
        outlet.detach(); // a message already handed to the handler thread is dropped from here on
    }

    @Override
    public SensorStatistics statistics() {
        return outlet.statistics();
    }

    void receive(IncomingMessage message) {
        byte[] payload = message.payload();
        if (payload.length > maxPayloadBytes) {
            reject(message, "a payload of " + payload.length + " bytes, above the limit of " + maxPayloadBytes);
            return;
        }
        Optional<PayloadFormat> kind = format != PayloadFormat.AUTO ? Optional.of(format)
                : declared(message).or(() -> PayloadFormat.sniff(payload));
        if (kind.isEmpty()) {
            reject(message, "a payload of " + payload.length + " bytes that is neither an image (JPEG, PNG) nor "
                    + "a JSON array, with no content type saying what it is");
            return;
        }
        try {
            switch (kind.get()) {
                case JPEG, PNG -> {
                    EncodedImage image = EncodedImage.inspect(payload, payload.length);
                    outlet.deliver(Instant.now(), image.mediaType(), payload, Map.of(TOPIC, message.topic(),
                            Frame.WIDTH, String.valueOf(image.width()), Frame.HEIGHT, String.valueOf(image.height())));
                }
                case JSON -> outlet.deliver(Instant.now(), Frame.FLOAT32, Readings.fromJson(payload),
                        Map.of(TOPIC, message.topic()));
                case FLOAT32 -> outlet.deliver(Instant.now(), Frame.FLOAT32, Readings.checkFloat32(payload),
                        Map.of(TOPIC, message.topic()));
                default -> throw new IllegalStateException("format " + kind.get());
            }
        } catch (BadImageException | Readings.BadReadingsException e) {
            reject(message, e.getMessage());
        }
    }

    /** The MQTT 5 content type, else the content-type user property, when it names a format we read. */
    private static Optional<PayloadFormat> declared(IncomingMessage message) {
        return message.contentType().or(() -> Optional.ofNullable(message.userProperties()
                .get(PayloadFormat.CONTENT_TYPE_PROPERTY))).flatMap(PayloadFormat::ofContentType);
    }

    private void reject(IncomingMessage message, String problem) {
        outlet.rejected(problem + " on " + message.topic());
        log.warn("MQTT input {}: skipped {} on {}", id, problem, message.topic());
    }
}
