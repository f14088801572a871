package io.quantedge.engine.cli;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code quantedge inspect}: a model's report, for people. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=inspect",
    CliCommand.SUMMARY_PROPERTY + "=print a model's operators, fusion, backends and memory"
})
public final class InspectCommand implements CliCommand {

    private final InferenceEngine engine;

    @Activate
    public InspectCommand(@Reference InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        InspectOptions options;
        try {
            options = InspectOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge inspect: " + e.getMessage());
            err.print(InspectOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(InspectOptions.USAGE);
            return ExitCodes.OK;
        }
        try (Model model = engine.load(options.model())) {
            print(model.report(), out);
            return ExitCodes.OK;
        } catch (ModelLoadException e) {
            err.println("quantedge inspect: " + options.model() + ": " + e.getMessage());
            return ExitCodes.MODEL_NOT_LOADED;
        }
    }

    static void print(ModelReport report, PrintStream out) {
        out.println("Model: " + report.model());
        out.println("Inputs:");
        report.inputs().forEach(i -> out.println("  " + i));
        out.println("Outputs:");
        report.outputs().forEach(o -> out.println("  " + o));
        out.println("Operators in the file: " + report.opCounts().entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        out.println("Fused into integer kernels (" + report.fused().size() + "):");
        report.fused().forEach(f -> out.println("  " + f));
        out.println("Float fallback between dequantize and quantize (" + report.floatFallback().size() + "):");
        report.floatFallback().forEach(f -> out.println("  " + f));
        out.println("Computed ahead of time or absorbed: " + report.foldedNodes() + " nodes");
        out.println("Nodes that run (" + report.nodes().size() + "): name, op, backend, precision");
        int width = report.nodes().stream().mapToInt(n -> n.name().length()).max().orElse(4);
        int opWidth = report.nodes().stream().mapToInt(n -> n.opType().length()).max().orElse(4);
        for (ModelReport.NodeReport node : report.nodes()) {
            out.printf("  %-" + width + "s  %-" + opWidth + "s  %-8s %s%n", node.name(), node.opType(), node.backend(),
                    node.integer() ? "integer" : "float");
        }
        Map<String, Long> perBackend = report.nodes().stream()
                .collect(Collectors.groupingBy(ModelReport.NodeReport::backend, java.util.TreeMap::new,
                        Collectors.counting()));
        out.println("Backends: " + perBackend);
        out.printf("Weight bytes: %,d%n", report.weightBytes());
        out.printf("Planned peak activation bytes (batch 1): %,d%n", report.plannedActivationBytes());
    }
}
