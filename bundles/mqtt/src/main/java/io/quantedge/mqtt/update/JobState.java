package io.quantedge.mqtt.update;

/** The states a job goes through, as its job topic reports them. */
public enum JobState {
    RECEIVING, VERIFYING, VALIDATING, ACTIVATING, ACTIVE, FAILED, ROLLED_BACK;

    boolean finished() {
        return this == ACTIVE || this == FAILED || this == ROLLED_BACK;
    }
}
