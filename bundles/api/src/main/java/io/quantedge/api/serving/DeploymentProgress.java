package io.quantedge.api.serving;

import org.osgi.annotation.versioning.ConsumerType;

/** Told each step of a deployment as it begins, with a line saying what happens. */
@ConsumerType
@FunctionalInterface
public interface DeploymentProgress {

    enum Step {
        /** Loading the version and running its test vectors (or a smoke run). */
        VALIDATING,
        /** Swapping it in and recording it as active. */
        ACTIVATING,
        /** Watching the health window. */
        WATCHING
    }

    void step(Step step, String detail);
}
