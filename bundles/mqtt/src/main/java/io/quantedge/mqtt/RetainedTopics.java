package io.quantedge.mqtt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest retained message the gateway published on each topic, to publish again after a
 * reconnect: a broker without persistence (the embedded one, a restarted Mosquitto) forgets them,
 * and controllers read a gateway's job and model state from them. An empty payload forgets the topic.
 */
final class RetainedTopics {

    record Message(String topic, byte[] payload, int qos) {
    }

    private final Map<String, Message> latest = new LinkedHashMap<>();

    synchronized void remember(String topic, byte[] payload, int qos) {
        latest.remove(topic); // re-inserted last, so a replay keeps the order they were published in
        if (payload.length > 0) {
            latest.put(topic, new Message(topic, payload.clone(), qos));
        }
    }

    synchronized List<Message> all() {
        return List.copyOf(latest.values());
    }
}
