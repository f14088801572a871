package io.quantedge.engine.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of {@code quantedge infer}. */
record InferOptions(Path model, Map<String, Path> inputs, Path outputDir, boolean help) {

    static final String USAGE = """
            Usage: quantedge infer --model FILE --input NAME=FILE.npy [--input ...] --output DIR

            Runs a model once on inputs read from NumPy .npy files and writes every output as
            DIR/NAME.npy (characters other than letters, digits, '.', '_' and '-' in an output's
            name become '_'). Element types: float32, int8, uint8, int32, int64, bool.

            Options:
              --model FILE          the model (.onnx)
              --input NAME=FILE     one per model input
              --output DIR          where to write the outputs (created if missing)
              --help                show this help
            """ + ExitCodes.HELP;

    static InferOptions parse(List<String> args) throws CommandLineException {
        Path model = null;
        Path output = null;
        Map<String, Path> inputs = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--help", "-h" -> {
                    return new InferOptions(null, Map.of(), null, true);
                }
                case "--model" -> model = Path.of(InspectOptions.value(args, ++i, "--model"));
                case "--output" -> output = Path.of(InspectOptions.value(args, ++i, "--output"));
                case "--input" -> {
                    String pair = InspectOptions.value(args, ++i, "--input");
                    int equals = pair.indexOf('=');
                    if (equals <= 0 || equals == pair.length() - 1) {
                        throw new CommandLineException("--input takes NAME=FILE.npy, got '" + pair + "'");
                    }
                    if (inputs.put(pair.substring(0, equals), Path.of(pair.substring(equals + 1))) != null) {
                        throw new CommandLineException("input '" + pair.substring(0, equals) + "' is given twice");
                    }
                }
                default -> throw new CommandLineException("unknown option '" + args.get(i) + "'");
            }
        }
        if (model == null || output == null) {
            throw new CommandLineException("--model FILE and --output DIR are required");
        }
        return new InferOptions(model, inputs, output, false);
    }
}
