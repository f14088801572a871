package io.quantedge.sensor.mjpeg;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge MJPEG camera",
        description = "One IP camera serving MJPEG over HTTP (multipart/x-mixed-replace). One factory configuration "
                + "per camera; each is a sensor a pipeline selects by its id.")
public @interface MjpegCameraOptions {

    @AttributeDefinition(name = "Sensor id", description = "The id pipelines select this camera by "
            + "(service property quantedge.sensor.id): letters, digits, '.', '_' and '-'.")
    String quantedge_sensor_id();

    @AttributeDefinition(name = "Stream address", description = "http:// or https:// address of the camera's MJPEG "
            + "stream, e.g. http://192.168.1.20/mjpg/video.mjpg.")
    String url();

    @AttributeDefinition(name = "User", description = "User name for HTTP basic authentication; empty for none.")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD,
            description = "Password for HTTP basic authentication.")
    String password() default "";

    @AttributeDefinition(name = "Maximum frames per second", description = "Frames beyond this rate are skipped "
            + "(read and counted, not delivered); 0 for no limit.", min = "0")
    double maxFps() default 0;

    @AttributeDefinition(name = "Connect timeout, ms", min = "1")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout, ms", description = "A stream silent this long is taken as lost "
            + "and reconnected.", min = "1")
    int readTimeoutMillis() default 10000;

    @AttributeDefinition(name = "First reconnect delay, ms", description = "Delay before reconnecting after a "
            + "failure; doubles after each further failure up to the maximum, back to this after a good frame.",
            min = "1")
    int reconnectMinMillis() default 500;

    @AttributeDefinition(name = "Longest reconnect delay, ms", min = "1")
    int reconnectMaxMillis() default 30000;

    @AttributeDefinition(name = "Largest frame, KiB", description = "A part larger than this is skipped unread "
            + "and counted as bad, so a broken stream cannot exhaust memory.", min = "1")
    int maxFrameKib() default 4096;
}
