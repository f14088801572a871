package io.quantedge.mqtt.update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One update job as the gateway remembers it (in memory and in its job.json): what is coming,
 * which chunks arrived, and where it stands.
 */
final class UpdateJob {

    final String id;
    final UpdateRequest request;
    final BitSet received;
    JobState state;
    String errorCode;
    String errorMessage;
    Instant updatedAt;

    UpdateJob(String id, UpdateRequest request, BitSet received, JobState state, String errorCode,
              String errorMessage, Instant updatedAt) {
        this.id = id;
        this.request = request;
        this.received = received;
        this.state = state;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.updatedAt = updatedAt;
    }

    static UpdateJob begun(String id, UpdateRequest request) {
        return new UpdateJob(id, request, new BitSet(request.chunks()), JobState.RECEIVING, null, null, Instant.now());
    }

    List<Integer> missing() {
        List<Integer> missing = new ArrayList<>();
        for (int index = received.nextClearBit(0); index < request.chunks(); index = received.nextClearBit(index + 1)) {
            missing.add(index);
        }
        return missing;
    }

    boolean complete() {
        return received.cardinality() == request.chunks();
    }

    /** The share of the package received, 0 to 1. */
    double progress() {
        if (request.url().isPresent()) {
            return state == JobState.RECEIVING ? 0 : 1;
        }
        return (double) received.cardinality() / request.chunks();
    }

    void moveTo(JobState next) {
        state = next;
        updatedAt = Instant.now();
    }

    /** Ends the job in {@code end} (FAILED or ROLLED_BACK) with the error that ended it. */
    void endWith(JobState end, String code, String message) {
        if (end != JobState.FAILED && end != JobState.ROLLED_BACK) {
            throw new IllegalArgumentException("a job ends with an error only as FAILED or ROLLED_BACK, not " + end);
        }
        state = end;
        errorCode = code;
        errorMessage = message;
        updatedAt = Instant.now();
    }
}
