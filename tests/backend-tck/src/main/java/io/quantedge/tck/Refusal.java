package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;

/** A call the contract forbids must fail the way the scalar backend fails it: with the same exception type. */
final class Refusal {

    private Refusal() {
    }

    static void assertRefusedAlike(Executable scalarCall, Executable backendCall, String context) {
        Throwable expected = thrownBy(scalarCall);
        if (expected == null) {
            fail("kit error: the scalar backend accepts " + context);
        }
        Throwable actual = thrownBy(backendCall);
        if (actual == null) {
            fail(context + ": accepted; the scalar backend refuses it with " + describe(expected));
        }
        if (actual.getClass() != expected.getClass()) {
            AssertionError error = new AssertionError(context + ": refused with " + describe(actual)
                    + "; the scalar backend throws " + describe(expected));
            error.initCause(actual);
            throw error;
        }
    }

    private static Throwable thrownBy(Executable call) {
        try {
            call.execute();
            return null;
        } catch (Throwable thrown) {
            if (thrown instanceof VirtualMachineError error) {
                throw error;
            }
            return thrown;
        }
    }

    private static String describe(Throwable thrown) {
        return thrown.getClass().getName() + " (\"" + thrown.getMessage() + "\")";
    }
}
