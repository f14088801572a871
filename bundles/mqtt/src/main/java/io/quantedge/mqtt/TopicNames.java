package io.quantedge.mqtt;

import java.util.List;

/** The gateway's topic layout: {@code {root}/{gateway}/...} and {@code {root}/group/{group}/...}. */
record TopicNames(String root, String gatewayId, List<String> groups) {

    TopicNames {
        requireLevel("topic root", root);
        requireLevel("gateway id", gatewayId);
        groups = List.copyOf(groups);
        groups.forEach(group -> requireLevel("group", group));
    }

    String gateway(String relative) {
        return root + "/" + gatewayId + "/" + relative;
    }

    List<String> groups(String relative) {
        return groups.stream().map(group -> root + "/group/" + group + "/" + relative).toList();
    }

    /** A name used as a topic level: not empty, and no wildcard or separator that would change the topic's meaning. */
    private static void requireLevel(String what, String level) {
        if (level == null || level.isEmpty() || level.contains("/") || level.contains("+") || level.contains("#")) {
            throw new IllegalArgumentException(what + " '" + level + "' cannot be a topic level (empty, or has / + #)");
        }
    }
}
