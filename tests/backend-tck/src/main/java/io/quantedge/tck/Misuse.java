package io.quantedge.tck;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One forbidden call to a kernel of type {@code K}, which writes (if it wrongly goes ahead) into an
 * output array the harness creates and watches: a refused call must leave it untouched.
 */
record Misuse<K>(String name, Supplier<Object> output, Call<K> call) {

    /** The call, made against {@code kernel} with {@code output} as its destination. */
    @FunctionalInterface
    interface Call<K> {
        void on(K kernel, Object output);
    }

    /** Refused by {@code kernel} as by the scalar kernel, and its output untouched. */
    void assertRefused(K kernel, K oracle) {
        Object scalarOutput = output.get();
        Object backendOutput = output.get();
        Object untouched = output.get();
        Refusal.assertRefusedAlike(() -> call.on(oracle, scalarOutput), () -> call.on(kernel, backendOutput), name);
        if (!Objects.deepEquals(untouched, backendOutput)) {
            throw new AssertionError(name + ": refused, but only after writing part of the output");
        }
    }
}
