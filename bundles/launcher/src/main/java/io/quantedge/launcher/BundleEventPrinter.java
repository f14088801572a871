package io.quantedge.launcher;

import java.io.PrintStream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Tells the operator when bundles come and go once the gateway is up (a bundle dropped into
 * load/, say). Quiet during start and stop, where the ready line and the exit code say it all.
 */
final class BundleEventPrinter implements SynchronousBundleListener {

    private final PrintStream out;
    private volatile boolean announcing;

    BundleEventPrinter(PrintStream out) {
        this.out = out;
    }

    void announce(boolean on) {
        announcing = on;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (!announcing) {
            return;
        }
        String what = switch (event.getType()) {
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what != null) {
            Bundle b = event.getBundle();
            out.println("Bundle " + what + ": " + b.getSymbolicName() + " " + b.getVersion() + " (" + b.getLocation() + ")");
            out.flush();
        }
    }
}
