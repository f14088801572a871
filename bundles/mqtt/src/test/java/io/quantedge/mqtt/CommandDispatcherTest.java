package io.quantedge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.api.mqtt.GatewayCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands over MQTT 5 request/response, asked by Mosquitto's own mosquitto_rr: a client no one
 * here wrote must get its answer on its response topic.
 */
class CommandDispatcherTest {

    @TempDir
    Path dir;

    private Mosquitto broker;
    private MqttGatewayConnection connection;
    private CommandDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.start(dir);
        GatewayStatus status = new GatewayStatus("4.5.6");
        connection = new MqttGatewayConnection(TestOptions.mqtt(Map.of("serverUris", new String[] {broker.uri()},
                "gatewayId", "gw-cmd")), status, TestOptions.loggers());
        dispatcher = new CommandDispatcher(connection, TestOptions.loggers());
        dispatcher.addCommand(new StatusCommand(status), Map.of(GatewayCommand.NAME_PROPERTY, "status"));
        dispatcher.addCommand(request -> {
            throw new CommandException("NOT_FOUND", "no model 'x'");
        }, Map.of(GatewayCommand.NAME_PROPERTY, "rollback"));
        try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-cmd/status")) {
            watcher.await("quantedge/gw-cmd/status", "online", 15);
        }
        Thread.sleep(300); // the command subscription follows the birth
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.stop();
        connection.stop();
        broker.close();
    }

    @Test
    void answersStatusOnTheResponseTopic() throws Exception {
        JsonObject reply = ask("status", "{}");
        assertEquals("online", reply.get("state").getAsString());
        assertEquals("4.5.6", reply.get("version").getAsString());
    }

    @Test
    void repliesWithTheCommandsErrorCode() throws Exception {
        JsonObject error = ask("rollback", "{\"model\":\"x\"}").getAsJsonObject("error");
        assertEquals("NOT_FOUND", error.get("code").getAsString());
        assertEquals("no model 'x'", error.get("message").getAsString());
    }

    @Test
    void namesTheKnownCommandsWhenAskedForAnUnknownOne() throws Exception {
        JsonObject error = ask("reboot", "{}").getAsJsonObject("error");
        assertEquals("UNKNOWN_COMMAND", error.get("code").getAsString());
        assertTrue(error.get("message").getAsString().contains("[rollback, status]"), error.toString());
    }

    @Test
    void aRequestGoesToEachCommandOfItsNameUntilOneKnowsIt() throws Exception {
        // Update jobs and calibration jobs both answer cmd/cancel, each for its own jobs.
        GatewayCommand updates = request -> {
            if (request.contains("\"u-1\"")) {
                return "{\"job\":\"u-1\",\"state\":\"FAILED\"}";
            }
            throw new CommandException("NOT_FOUND", "no update job");
        };
        GatewayCommand calibrations = request -> {
            if (request.contains("\"c-1\"")) {
                throw new CommandException("INVALID_STATE", "c-1 is ACTIVE already");
            }
            throw new CommandException("NOT_FOUND", "no calibration job");
        };
        dispatcher.addCommand(updates, Map.of(GatewayCommand.NAME_PROPERTY, "cancel"));
        dispatcher.addCommand(calibrations, Map.of(GatewayCommand.NAME_PROPERTY, "cancel"));
        assertEquals("FAILED", JsonParser.parseString(dispatcher.reply("cancel", "{\"job\":\"u-1\"}"))
                .getAsJsonObject().get("state").getAsString());
        assertEquals("INVALID_STATE", code(dispatcher.reply("cancel", "{\"job\":\"c-1\"}")));
        assertEquals("NOT_FOUND", code(dispatcher.reply("cancel", "{\"job\":\"x\"}")));
        dispatcher.removeCommand(updates, Map.of(GatewayCommand.NAME_PROPERTY, "cancel"));
        assertEquals("NOT_FOUND", code(dispatcher.reply("cancel", "{\"job\":\"u-1\"}")));
        dispatcher.removeCommand(calibrations, Map.of(GatewayCommand.NAME_PROPERTY, "cancel"));
        assertEquals("UNKNOWN_COMMAND", code(dispatcher.reply("cancel", "{\"job\":\"u-1\"}")));
    }

    private static String code(String reply) {
        return JsonParser.parseString(reply).getAsJsonObject().getAsJsonObject("error").get("code").getAsString();
    }

    @Test
    void refusesARequestThatIsNotJson() throws Exception {
        assertEquals("BAD_REQUEST", ask("status", "status please").getAsJsonObject("error").get("code").getAsString());
    }

    /** mosquitto_rr publishes the request with a response topic and correlation data, and prints the reply. */
    private JsonObject ask(String command, String body) throws Exception {
        Process rr = new ProcessBuilder("mosquitto_rr", "-h", "127.0.0.1", "-p", String.valueOf(broker.port),
                "-t", "quantedge/gw-cmd/cmd/" + command, "-e", "replies/test-" + command, "-m", body, "-W", "10")
                .redirectErrorStream(true).start();
        assertTrue(rr.waitFor(15, TimeUnit.SECONDS), "mosquitto_rr did not finish");
        String out = new String(rr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, rr.exitValue(), "mosquitto_rr: " + out);
        List<String> lines = out.lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }
}
