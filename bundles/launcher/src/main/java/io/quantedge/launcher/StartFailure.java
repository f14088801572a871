package io.quantedge.launcher;

/** A bundle of the distribution that did not start, and why. */
record StartFailure(String bundle, String location, boolean optional, String reason) {

    @Override
    public String toString() {
        return (optional ? "optional bundle " : "bundle ") + bundle + " (" + location + ") did not start: " + reason;
    }
}
