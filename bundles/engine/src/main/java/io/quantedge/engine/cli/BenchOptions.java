package io.quantedge.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options of {@code quantedge bench}. */
record BenchOptions(Path model, List<String> backends, int threads, int iterations, boolean json, boolean help) {

    static final String USAGE = """
            Usage: quantedge bench --model FILE [--backend NAME ...] [--threads N] [--iterations K] [--json]

            Loads the model once per kernel backend (operations a backend does not compute fall back
            to the scalar reference) and runs it on seeded inputs (dynamic dimensions taken as 1),
            then prints, per backend, the latency p50 and p99 and the ratio to the fastest: what each
            backend brings on this machine.

            Options:
              --model FILE       the model (.onnx)
              --backend NAME     a backend to measure (repeatable; default: every installed one)
              --threads N        how many threads run the model at once, each measuring its own
                                 runs (default 1); backends keep their own kernel thread settings
              --iterations K     measured runs per thread, after K/5 (at least 3) warm-up runs
                                 (default 200)
              --json             print one JSON object: {"model", "results": [{"backend", "threads",
                                 "p50Ms", "p99Ms"}, ...]}
              --help             show this help
            """ + ExitCodes.HELP;

    static BenchOptions parse(List<String> args) throws CommandLineException {
        Path model = null;
        List<String> backends = new ArrayList<>();
        int threads = 1;
        int iterations = 200;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--help", "-h" -> {
                    return new BenchOptions(null, List.of(), 1, 1, false, true);
                }
                case "--model" -> model = Path.of(InspectOptions.value(args, ++i, "--model"));
                case "--backend" -> backends.add(InspectOptions.value(args, ++i, "--backend"));
                case "--threads" -> threads = positive(InspectOptions.value(args, ++i, "--threads"), "--threads");
                case "--iterations" -> iterations = positive(InspectOptions.value(args, ++i, "--iterations"),
                        "--iterations");
                case "--json" -> json = true;
                default -> throw new CommandLineException("unknown option '" + args.get(i) + "'");
            }
        }
        if (model == null) {
            throw new CommandLineException("--model FILE is required");
        }
        return new BenchOptions(model, List.copyOf(backends), threads, iterations, json, false);
    }

    private static int positive(String text, String option) throws CommandLineException {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLineException(option + " takes a whole number of at least 1, got '" + text + "'");
    }
}
