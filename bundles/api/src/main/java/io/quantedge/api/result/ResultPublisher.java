package io.quantedge.api.result;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends results to whoever consumes them (MQTT, usually). Never blocks on the network: a result
 * that cannot be sent now is queued (and counted when the queue has to drop it).
 */
@ProviderType
public interface ResultPublisher {

    void publish(InferenceResult result);

    /** What this publisher has done so far; publishers that count nothing answer {@link PublisherCounts#NONE}. */
    default PublisherCounts counts() {
        return PublisherCounts.NONE;
    }
}
