package io.quantedge.launcher;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly framework stop. A JVM shutdown hook would also run,
 * but the JVM then exits with 128+signal; systemd and scripts expect a clean stop to exit 0.
 */
final class StopSignals {

    private StopSignals() {
    }

    static void install(Thread stopper) {
        Runnable begin = () -> {
            synchronized (stopper) {
                if (stopper.getState() == Thread.State.NEW) {
                    stopper.start();
                }
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> begin.run());
            } catch (IllegalArgumentException alreadyUsedByTheJvm) {
                // -Xrs or an ignored signal: the shutdown hook below still stops the framework.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            begin.run();
            try {
                stopper.join(GatewayDaemon.STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "quantedge-shutdown"));
    }
}
