package io.quantedge.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The operators the engine implements, by domain and op type. */
public final class OpRegistry {

    private final Map<String, OpFactory> factories = new HashMap<>();

    public OpRegistry register(String domain, String opType, OpFactory factory) {
        if (factories.putIfAbsent(key(domain, opType), factory) != null) {
            throw new IllegalStateException(domain + ":" + opType + " is registered twice");
        }
        return this;
    }

    public Optional<OpFactory> find(String domain, String opType) {
        return Optional.ofNullable(factories.get(key(domain, opType)));
    }

    /** "Op" for the default domain, "domain:Op" otherwise; sorted, for reports and docs. */
    public Set<String> supported() {
        return new TreeSet<>(factories.keySet());
    }

    private static String key(String domain, String opType) {
        String d = domain.equals("ai.onnx") ? "" : domain;
        return d.isEmpty() ? opType : d + ":" + opType;
    }
}
