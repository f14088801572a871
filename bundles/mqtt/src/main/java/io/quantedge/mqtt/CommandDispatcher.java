package io.quantedge.mqtt;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.api.mqtt.GatewayCommand;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.mqtt.IncomingMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Answers {@code {root}/{gateway}/cmd/{name}} (and the group's) with the {@link GatewayCommand}
 * registered under that name, replying on the request's response topic with its correlation data:
 * the command's JSON, or {@code {"error":{"code","message"}}}. Several services may share a name
 * (update jobs and calibration jobs both answer {@code cancel}): each is asked in turn, and one that
 * answers {@code NOT_FOUND} (not its job) passes the request to the next.
 */
@Component(service = {}, immediate = true)
public final class CommandDispatcher {

    /** The code with which a command says a request is not for it (a job it does not know). */
    private static final String NOT_FOUND = "NOT_FOUND";

    private final Logger log;
    private final Map<String, List<GatewayCommand>> commands = new ConcurrentHashMap<>();
    private final GatewayConnection connection;
    private final java.util.List<GatewayConnection.Subscription> subscriptions = new java.util.ArrayList<>();

    @Activate
    public CommandDispatcher(@Reference GatewayConnection connection, @Reference LoggerFactory loggers) {
        this.connection = connection;
        this.log = loggers.getLogger(CommandDispatcher.class);
        subscriptions.add(connection.subscribe(connection.topic("cmd/+"), 1, this::answer));
        for (String group : connection.groupTopics("cmd/+")) {
            subscriptions.add(connection.subscribe(group, 1, this::answer));
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addCommand(GatewayCommand command, Map<String, Object> properties) {
        Object name = properties.get(GatewayCommand.NAME_PROPERTY);
        if (name instanceof String text && !text.isBlank()) {
            commands.computeIfAbsent(text, k -> new CopyOnWriteArrayList<>()).add(command);
        } else {
            log.warn("A GatewayCommand without a {} property is ignored: {}", GatewayCommand.NAME_PROPERTY, command);
        }
    }

    void removeCommand(GatewayCommand command, Map<String, Object> properties) {
        List<GatewayCommand> named = commands.get(String.valueOf(properties.get(GatewayCommand.NAME_PROPERTY)));
        if (named != null) {
            named.remove(command);
        }
    }

    @Deactivate
    void stop() {
        subscriptions.forEach(GatewayConnection.Subscription::close);
    }

    void answer(IncomingMessage request) {
        String name = request.topic().substring(request.topic().lastIndexOf('/') + 1);
        String reply = reply(name, new String(request.payload(), StandardCharsets.UTF_8));
        if (!connection.respond(request, reply.getBytes(StandardCharsets.UTF_8))) {
            log.warn("cmd/{}: no reply sent ({}); MQTT 5 clients set a response topic", name,
                    request.responseTopic().isEmpty() ? "the request has no response topic" : "not connected");
        }
    }

    String reply(String name, String body) {
        List<GatewayCommand> named = commands.getOrDefault(name, List.of());
        if (named.isEmpty()) {
            return error("UNKNOWN_COMMAND", "no command '" + name + "'; known: " + commands.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).sorted().toList());
        }
        String request = body.isBlank() ? "{}" : body;
        try {
            JsonParser.parseString(request).getAsJsonObject();
        } catch (JsonSyntaxException | IllegalStateException e) {
            return error("BAD_REQUEST", "the request is not a JSON object: " + e.getMessage());
        }
        String notFound = null;
        for (GatewayCommand command : named) {
            try {
                return command.execute(request);
            } catch (CommandException e) {
                if (!e.code().equals(NOT_FOUND)) {
                    return error(e.code(), e.getMessage());
                }
                notFound = e.getMessage();
            } catch (RuntimeException e) {
                log.error("cmd/" + name + " failed", e);
                return error("INTERNAL", e.toString());
            }
        }
        return error(NOT_FOUND, notFound);
    }

    private static String error(String code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        JsonObject reply = new JsonObject();
        reply.add("error", error);
        return reply.toString();
    }
}
