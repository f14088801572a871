package io.quantedge.sensor.mqtt;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "QuantEdge MQTT input",
        description = "Images or numeric readings that other devices publish on an MQTT topic, received through the "
                + "gateway's MQTT connection. One factory configuration per topic; each is a sensor a pipeline "
                + "selects by its id.")
public @interface MqttInputOptions {

    @AttributeDefinition(name = "Sensor id", description = "The id pipelines select this input by "
            + "(service property quantedge.sensor.id): letters, digits, '.', '_' and '-'.")
    String quantedge_sensor_id();

    @AttributeDefinition(name = "Topic filter", description = "The full topic (or filter with + and #) the devices "
            + "publish on, e.g. factory/line1/camera or sensors/+/vibration.")
    String topic();

    @AttributeDefinition(name = "QoS", description = "Subscription quality of service: 0, 1 or 2.", min = "0",
            max = "2")
    int qos() default 1;

    @AttributeDefinition(name = "Payload format", description = "auto: the MQTT 5 content type (or a user property "
            + "content-type) decides, else the payload's first bytes (JPEG, PNG, '[' for JSON); raw float32 needs "
            + "the content type application/x-float32le or this option.", options = {
                @Option(value = "auto", label = "auto"),
                @Option(value = "jpeg", label = "JPEG image"),
                @Option(value = "png", label = "PNG image"),
                @Option(value = "json", label = "JSON array of numbers"),
                @Option(value = "float32", label = "raw little-endian float32")})
    String format() default "auto";

    @AttributeDefinition(name = "Largest payload, KiB", description = "Larger payloads are counted as bad, not "
            + "looked at.", min = "1")
    int maxPayloadKib() default 4096;
}
