package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;

/**
 * The edge of a load, where every way it can fail becomes a {@link ModelLoadException} with a
 * code. The decoders check sizes before they allocate and report every problem they know of
 * themselves, so the unchecked cases here are the last line of defence, not the plan: a
 * RuntimeException reaching this point is a bug in the reader and is reported as one.
 */
final class LoadBoundary {

    /** Work that may fail with a ModelLoadException. */
    @FunctionalInterface
    interface Load<T> {
        T run() throws ModelLoadException;
    }

    private LoadBoundary() {
    }

    static <T> T call(String what, Load<T> load) throws ModelLoadException {
        try {
            return load.run();
        } catch (OutOfMemoryError e) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " does not fit in the memory available to QuantEdge", e);
        } catch (StackOverflowError e) {
            throw new ModelLoadException(Code.MALFORMED, what + " is nested too deeply to read", e);
        } catch (InternalError e) {
            // What the JVM throws when a mapped file shrinks under it: someone rewrote it in place.
            throw new ModelLoadException(Code.IO, what + " changed while it was being read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(Code.MALFORMED, what + " could not be read because of an error in the ONNX"
                    + " reader (please report it with the file): " + e, e);
        }
    }
}
