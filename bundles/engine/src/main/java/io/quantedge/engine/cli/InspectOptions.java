package io.quantedge.engine.cli;

import java.nio.file.Path;
import java.util.List;

/** Options of {@code quantedge inspect}. */
record InspectOptions(Path model, boolean help) {

    static final String USAGE = """
            Usage: quantedge inspect --model FILE

            Loads a model and prints its report: inputs and outputs, the operators in the file and
            their counts, QDQ patterns fused into integer kernels, nodes that run in float between
            dequantize and quantize, the kernel backend of every node, weight bytes, and the planned
            peak activation bytes for a batch of one.

            Options:
              --model FILE   the model (.onnx)
              --help         show this help
            """ + ExitCodes.HELP;

    static InspectOptions parse(List<String> args) throws CommandLineException {
        Path model = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--help", "-h" -> {
                    return new InspectOptions(null, true);
                }
                case "--model" -> model = Path.of(value(args, ++i, "--model"));
                default -> throw new CommandLineException("unknown option '" + args.get(i) + "'");
            }
        }
        if (model == null) {
            throw new CommandLineException("--model FILE is required");
        }
        return new InspectOptions(model, false);
    }

    static String value(List<String> args, int index, String option) throws CommandLineException {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new CommandLineException(option + " needs a value");
        }
        return args.get(index);
    }
}
