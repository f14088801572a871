package io.quantedge.quantize.cli;

import io.quantedge.quantize.Progress;
import java.io.PrintStream;

/**
 * A one-line progress bar on standard error, redrawn in place with a carriage return; a new phase
 * starts a new line. Redraws only when the shown percentage changes, so a fast loop does not
 * flood a slow terminal or a log.
 */
final class ProgressBar implements Progress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private String phase;
    private int shown = -1;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void update(String newPhase, long done, long total) {
        if (!newPhase.equals(phase)) {
            if (phase != null && shown < 100) {
                err.println();
            }
            phase = newPhase;
            shown = -1;
        }
        int percent = total <= 0 ? 100 : (int) (100 * done / total);
        if (percent == shown) {
            return;
        }
        shown = percent;
        int filled = WIDTH * percent / 100;
        err.print("\r" + phase + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% ("
                + done + "/" + total + ")");
        if (percent >= 100) {
            err.println();
        }
        err.flush();
    }
}
