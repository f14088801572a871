package io.quantedge.mqtt.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.cli.CliCommand;
import io.quantedge.mqtt.TlsContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.osgi.service.component.annotations.Component;

/**
 * {@code quantedge push}: sends a package and follows its job to the end, resending what a gateway
 * reports missing and riding out broker restarts (it reconnects and asks the gateway what it still
 * needs).
 */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=push",
    CliCommand.SUMMARY_PROPERTY + "=send a model package to a gateway or group over MQTT and follow the job"
})
public final class PushCommand implements CliCommand {

    static final int OK = 0;
    static final int JOB_FAILED = 1;
    static final int TIMED_OUT = 3;
    private static final int MAX_RESEND_ROUNDS = 20;
    /** Silence this long means a message was lost (a gateway that was away, say): "end" again makes it report. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) throws Exception {
        PushOptions options;
        try {
            options = PushOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("quantedge push: " + e.getMessage());
            err.print(PushOptions.USAGE);
            return PushOptions.USAGE_ERROR;
        }
        if (options.help()) {
            out.print(PushOptions.USAGE);
            return OK;
        }
        PackageChunks pkg;
        try {
            pkg = PackageChunks.of(options.packageFile(), options.chunkBytes());
        } catch (IOException e) {
            err.println("quantedge push: " + e.getMessage());
            return JOB_FAILED;
        }
        out.printf("Pushing %s %s (%,d bytes, %s) as job %s to %s%n", pkg.model(), pkg.version(), pkg.size(),
                options.url().map(url -> "from " + url).orElse(pkg.chunks() + " chunks"), options.job(),
                options.gateway().map(g -> "gateway " + g).orElse("group " + options.group().orElse("")));
        return new Session(options, pkg, out, err).run();
    }

    /** A job report as it arrived. */
    private record Report(String topic, byte[] payload) {
    }

    /** One push: the connection, the gateways' reports, and what is left to do. */
    private static final class Session {
        private final PushOptions options;
        private final PackageChunks pkg;
        private final PrintStream out;
        private final PrintStream err;
        private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        private final Map<String, JsonObject> finished = new LinkedHashMap<>();
        private final long deadline;
        private MqttClient client;
        private int resent;

        Session(PushOptions options, PackageChunks pkg, PrintStream out, PrintStream err) {
            this.options = options;
            this.pkg = pkg;
            this.out = out;
            this.err = err;
            this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        }

        int run() throws Exception {
            try {
                connect();
                publish("update/" + options.job() + "/begin", pkg.begin(options.url()).toString()
                        .getBytes(StandardCharsets.UTF_8));
                if (options.url().isEmpty()) {
                    for (int index = 0; index < pkg.chunks(); index++) {
                        sendChunk(index);
                    }
                    publish("update/" + options.job() + "/end", "{}".getBytes(StandardCharsets.UTF_8));
                }
                return follow();
            } finally {
                if (client != null) {
                    try {
                        if (client.isConnected()) {
                            client.disconnect();
                        }
                        client.close();
                    } catch (MqttException e) {
                        // leaving anyway
                    }
                }
            }
        }

        /** Reads the job topic until every gateway expected has finished; resends what one misses. */
        private int follow() throws Exception {
            int rounds = 0;
            long lastReport = System.nanoTime();
            while (finished.size() < options.expect()) {
                long left = deadline - System.nanoTime();
                Report message = left <= 0 ? null : reports.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)),
                        TimeUnit.NANOSECONDS);
                if (left <= 0) {
                    err.println();
                    err.println("quantedge push: timed out after " + options.timeoutSeconds() + " s; finished: "
                            + finished.keySet());
                    return TIMED_OUT;
                }
                if (message == null) {
                    if (!client.isConnected() || System.nanoTime() - lastReport > QUIET_NANOS) {
                        reconnectAndAsk();
                        lastReport = System.nanoTime();
                    }
                    continue;
                }
                lastReport = System.nanoTime();
                String gateway = gatewayOf(message.topic());
                JsonObject report = JsonParser.parseString(new String(message.payload(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                String state = report.has("state") ? report.get("state").getAsString() : "?";
                showProgress(gateway, state, report);
                if (state.equals("ACTIVE") || state.equals("FAILED") || state.equals("ROLLED_BACK")) {
                    finished.put(gateway, report);
                } else if (state.equals("RECEIVING") && report.has("missing")) {
                    List<Integer> missing = report.getAsJsonArray("missing").asList().stream()
                            .map(JsonElement::getAsInt).toList();
                    if (missing.stream().anyMatch(index -> index < 0 || index >= pkg.chunks())) {
                        err.println();
                        err.println("quantedge push: " + gateway + " holds job " + options.job() + " with another "
                                + "chunk layout (it asks for chunk " + missing.get(missing.size() - 1) + " of "
                                + pkg.chunks() + "); push with the same --chunk-bytes or a new --job");
                        return JOB_FAILED;
                    }
                    if (!missing.isEmpty()) {
                        if (++rounds > MAX_RESEND_ROUNDS) {
                            err.println("quantedge push: " + gateway + " keeps missing chunks after " + MAX_RESEND_ROUNDS
                                    + " rounds; giving up");
                            return JOB_FAILED;
                        }
                        for (int index : missing) {
                            sendChunk(index);
                        }
                        resent += missing.size();
                        publish("update/" + options.job() + "/end", "{}".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            err.println();
            if (options.url().isEmpty()) {
                out.printf("%d chunks sent, %d resent on request%n", pkg.chunks(), resent);
            }
            int code = OK;
            for (Map.Entry<String, JsonObject> result : finished.entrySet()) {
                JsonObject report = result.getValue();
                String state = report.get("state").getAsString();
                if (state.equals("ACTIVE")) {
                    out.println(result.getKey() + ": ACTIVE " + pkg.model() + " " + pkg.version());
                } else {
                    JsonObject error = report.has("error") ? report.getAsJsonObject("error") : new JsonObject();
                    out.println(result.getKey() + ": " + state + " " + text(error, "code") + ": " + text(error, "message"));
                    code = JOB_FAILED;
                }
            }
            return code;
        }

        private void showProgress(String gateway, String state, JsonObject report) {
            double progress = report.has("progress") ? report.get("progress").getAsDouble() : 0;
            int filled = (int) Math.round(progress * 30);
            err.printf("\r%s [%-30s] %3.0f%% %-12s", gateway, "#".repeat(filled), 100 * progress, state);
            if (!state.equals("RECEIVING")) {
                err.println();
            }
        }

        private void sendChunk(int index) throws Exception {
            publish("update/" + options.job() + "/chunk/" + index, pkg.chunk(index));
        }

        /** Publishes at QoS 1, waiting out a broker that went away (reconnecting until the deadline). */
        private void publish(String relative, byte[] payload) throws Exception {
            while (true) {
                try {
                    client.publish(options.target() + relative, new MqttMessage(payload, 1, false, null));
                    return;
                } catch (MqttException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    err.println();
                    err.println("quantedge push: " + e.getMessage() + "; reconnecting");
                    reconnect();
                }
            }
        }

        private void reconnectAndAsk() throws Exception {
            reconnect();
            // The gateway kept what arrived; "end" makes it say what it still misses.
            publish("update/" + options.job() + "/end", "{}".getBytes(StandardCharsets.UTF_8));
        }

        private void connect() throws Exception {
            client = new MqttClient(options.broker(), "quantedge-push-" + options.job(), null);
            client.connect(connectOptions());
            subscribe();
        }

        private void reconnect() throws Exception {
            while (true) {
                try {
                    if (!client.isConnected()) {
                        client.connect(connectOptions());
                    }
                    subscribe();
                    return;
                } catch (MqttException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(1000);
                }
            }
        }

        private void subscribe() throws MqttException {
            String jobs = options.topicRoot() + "/" + options.gateway().orElse("+") + "/jobs/" + options.job();
            client.subscribe(new MqttSubscription[] {new MqttSubscription(jobs, 1)},
                    new IMqttMessageListener[] {(topic, message) -> reports.add(new Report(topic, message.getPayload()))});
        }

        private MqttConnectionOptions connectOptions() throws Exception {
            MqttConnectionOptions settings = new MqttConnectionOptions();
            settings.setCleanStart(true);
            settings.setConnectionTimeout(10);
            options.username().ifPresent(settings::setUserName);
            options.password().ifPresent(p -> settings.setPassword(p.getBytes(StandardCharsets.UTF_8)));
            if (options.broker().startsWith("ssl://")) {
                settings.setSocketFactory(TlsContext.socketFactory(options.caFile().map(Object::toString).orElse(""),
                        options.certFile().map(Object::toString).orElse(""),
                        options.keyFile().map(Object::toString).orElse("")));
            }
            return settings;
        }

        private String gatewayOf(String topic) {
            String rest = topic.substring(options.topicRoot().length() + 1);
            return rest.substring(0, rest.indexOf('/'));
        }

        private static String text(JsonObject json, String field) {
            return json.has(field) && !json.get(field).isJsonNull() ? json.get(field).getAsString() : "";
        }
    }
}
