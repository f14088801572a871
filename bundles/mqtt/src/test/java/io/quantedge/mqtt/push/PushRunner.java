package io.quantedge.mqtt.push;

import java.io.PrintStream;
import java.util.List;

/** Runs quantedge push in the test's JVM, as the launcher would. */
public final class PushRunner {

    private PushRunner() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        return new PushCommand().execute(args, out, err);
    }
}
