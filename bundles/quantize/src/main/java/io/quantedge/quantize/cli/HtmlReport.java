package io.quantedge.quantize.cli;

import io.quantedge.quantize.eval.ModelMetrics;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Evaluation figures as one self-contained page: the table and two scatter charts (accuracy, or
 * agreement without labels, against weight size and against p50 latency) drawn as inline SVG. No
 * script and nothing fetched, so the file opens offline and can be mailed as it is. It is XHTML
 * (every element closed, every text escaped) so any XML parser reads it too; each row and each
 * point carries its exact figures in {@code data-*} attributes, the same numbers as the JSON.
 */
final class HtmlReport {

    private static final int WIDTH = 440;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 20;
    private static final int BOTTOM = 48;
    private static final int TICKS = 5;

    private HtmlReport() {
    }

    /** The page; {@code context} lines (data, labels, backends) are shown under the title. */
    static String render(String title, List<String> context, List<ModelMetrics> metrics) {
        boolean accuracy = !metrics.isEmpty() && metrics.stream().allMatch(m -> m.accuracy() != null);
        String yName = accuracy ? "accuracy" : "agreement with " + (metrics.isEmpty() ? "" : metrics.get(0).model());
        ToDoubleFunction<ModelMetrics> y = accuracy ? ModelMetrics::accuracy : ModelMetrics::agreement;
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\nbody{font-family:sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #ccc}\n")
                .append("td.n,th.n{text-align:right}svg{margin:1em 1em 0 0;border:1px solid #ddd}\n")
                .append("svg text{font-size:11px;font-family:sans-serif}\n</style>\n</head>\n<body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n");
        for (String line : context) {
            h.append("<p>").append(escape(line)).append("</p>\n");
        }
        table(h, metrics);
        h.append("<h2>").append(escape(capitalized(yName))).append(" against size and latency</h2>\n");
        h.append("<p>Each point is one model. Up is better; left is smaller (weight KiB, the file's initializers)"
                + " or faster (p50 latency, one sample per run). A quantized model near the reference's height and"
                + " far to its left has lost little and gained much.</p>\n<div>\n");
        chart(h, "size", "weight KiB", m -> m.weightBytes() / 1024.0, yName, y, metrics);
        chart(h, "latency", "p50 latency ms", ModelMetrics::p50Ms, yName, y, metrics);
        h.append("</div>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, List<ModelMetrics> metrics) {
        h.append("<table>\n<thead><tr><th>model</th><th class=\"n\">file KiB</th><th class=\"n\">weight KiB</th>")
                .append("<th class=\"n\">planned activation KiB</th><th class=\"n\">accuracy</th>")
                .append("<th class=\"n\">agreement</th><th class=\"n\">SNR dB</th><th class=\"n\">p50 ms</th>")
                .append("<th class=\"n\">p99 ms</th><th>backends</th></tr></thead>\n<tbody>\n");
        for (ModelMetrics m : metrics) {
            h.append("<tr data-model=\"").append(escape(m.model()))
                    .append("\" data-file-bytes=\"").append(m.fileBytes())
                    .append("\" data-weight-bytes=\"").append(m.weightBytes())
                    .append("\" data-planned-activation-bytes=\"")
                    .append(m.plannedActivationBytes() < 0 ? "" : Long.toString(m.plannedActivationBytes()))
                    .append("\" data-accuracy=\"").append(m.accuracy() == null ? "" : Double.toString(m.accuracy()))
                    .append("\" data-agreement=\"").append(m.agreement())
                    .append("\" data-snr-db=\"").append(Double.isInfinite(m.snrDb()) ? "" : Double.toString(m.snrDb()))
                    .append("\" data-latency-p50-ms=\"").append(m.p50Ms())
                    .append("\" data-latency-p99-ms=\"").append(m.p99Ms()).append("\">");
            h.append("<td>").append(escape(m.model())).append("</td>");
            cell(h, format("%.1f", m.fileBytes() / 1024.0));
            cell(h, format("%.1f", m.weightBytes() / 1024.0));
            cell(h, m.plannedActivationBytes() < 0 ? "-" : format("%.1f", m.plannedActivationBytes() / 1024.0));
            cell(h, m.accuracy() == null ? "-" : format("%.2f%%", 100 * m.accuracy()));
            cell(h, format("%.2f%%", 100 * m.agreement()));
            cell(h, Double.isInfinite(m.snrDb()) ? "inf" : format("%.1f", m.snrDb()));
            cell(h, format("%.3f", m.p50Ms()));
            cell(h, format("%.3f", m.p99Ms()));
            h.append("<td>").append(escape(m.backends())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (!metrics.isEmpty()) {
            h.append("<p>").append(metrics.get(0).samples()).append(" samples; agreement (top-1) and SNR against ")
                    .append(escape(metrics.get(0).model()))
                    .append("; planned activation: the engine's planned peak of intermediate values for one sample.</p>\n");
        }
    }

    private static void cell(StringBuilder h, String text) {
        h.append("<td class=\"n\">").append(escape(text)).append("</td>");
    }

    /** One scatter panel; x starts at 0 so distances read as ratios, y spans the measured range. */
    private static void chart(StringBuilder h, String id, String xName, ToDoubleFunction<ModelMetrics> x,
                              String yName, ToDoubleFunction<ModelMetrics> y, List<ModelMetrics> metrics) {
        double xMax = 0;
        double yMin = 1;
        double yMax = 0;
        for (ModelMetrics m : metrics) {
            xMax = Math.max(xMax, x.applyAsDouble(m));
            yMin = Math.min(yMin, y.applyAsDouble(m));
            yMax = Math.max(yMax, y.applyAsDouble(m));
        }
        xMax = xMax > 0 ? xMax * 1.15 : 1;
        // Whole percentage points around the measured values: a 0.3 pt drop stays visible.
        double yLow = Math.max(0, Math.floor(yMin * 100 - 0.5) / 100);
        double yHigh = Math.min(1, Math.ceil(yMax * 100 + 0.5) / 100);
        if (yHigh <= yLow) {
            yLow = Math.max(0, yHigh - 0.01);
        }
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-").append(id).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\">\n<title>").append(escape(yName + " against " + xName))
                .append("</title>\n");
        for (int t = 0; t <= TICKS; t++) {
            double gx = LEFT + plotW * t / (double) TICKS;
            double gy = TOP + plotH - plotH * t / (double) TICKS;
            h.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", gx, TOP, gx, TOP + plotH))
                    .append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", gx, TOP + plotH + 16,
                            format("%.3g", xMax * t / TICKS)));
            h.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, gy, LEFT + plotW, gy))
                    .append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6, gy + 4,
                            format("%.1f%%", 100 * (yLow + (yHigh - yLow) * t / TICKS))));
        }
        h.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n", LEFT, TOP,
                plotW, plotH));
        h.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", LEFT + plotW / 2, HEIGHT - 10,
                escape(xName)));
        h.append(format("<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
                TOP + plotH / 2, TOP + plotH / 2, escape(yName)));
        for (int i = 0; i < metrics.size(); i++) {
            ModelMetrics m = metrics.get(i);
            double vx = x.applyAsDouble(m);
            double vy = y.applyAsDouble(m);
            double px = LEFT + plotW * vx / xMax;
            double py = TOP + plotH - plotH * (vy - yLow) / (yHigh - yLow);
            h.append(format("<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"", px, py,
                            i == 0 ? "#777" : "#1f5fbf"))
                    .append(" data-model=\"").append(escape(m.model())).append("\" data-x=\"").append(vx)
                    .append("\" data-y=\"").append(vy).append("\"><title>")
                    .append(escape(format("%s: %s %.3g, %.2f%%", m.model(), xName, vx, 100 * vy)))
                    .append("</title></circle>\n");
            // Names on the right half run leftwards, so they stay inside the picture.
            boolean right = px > LEFT + plotW / 2.0;
            h.append(format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", right ? px - 8 : px + 8,
                    py - 6 - 12 * (i % 2), right ? "end" : "start", escape(m.model())));
        }
        h.append("</svg>\n");
    }

    /** Text for element content and attribute values alike. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                // XML 1.0 has no form for most control characters; a file name could still hold one.
                default -> s.append(c < 0x20 && c != '\t' && c != '\n' ? '\uFFFD' : c);
            }
        }
        return s.toString();
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
