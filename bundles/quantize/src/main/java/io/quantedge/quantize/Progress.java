package io.quantedge.quantize;

/** Told how far a long step (calibration, evaluation) has come; the command line draws a bar. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase} are finished. */
    void update(String phase, long done, long total);
}
