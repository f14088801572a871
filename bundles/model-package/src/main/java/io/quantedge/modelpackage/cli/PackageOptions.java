package io.quantedge.modelpackage.cli;

import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Options of {@code quantedge package}. */
record PackageOptions(Path model, String name, String version, Optional<Path> key, Path out, Optional<Path> labels,
                      boolean testVectors, double tolerance, long seed, List<String> requires,
                      Optional<Preprocessing> preprocessing, int topK, boolean help) {

    static final double DEFAULT_TOLERANCE = 1e-3;

    static final String USAGE = """
            Usage: quantedge package --model FILE --name NAME --version VERSION --key FILE.key
                                     --out FILE.qmp [OPTIONS]

            Writes a model package: a zip of manifest.json (name, version, every file with its
            SHA-256 and size, the model's inputs and outputs, test vectors, required capabilities),
            manifest.sig (the Ed25519 signature over manifest.json) and the files. The model is
            loaded first, so a package always holds a model this version of QuantEdge can run; its
            inputs and outputs are taken from it.

            Options:
              --model FILE       the model (.onnx); stored as model.onnx
              --name NAME        the model's name on gateways: 1 to 64 letters, digits, '.', '_'
                                 or '-', starting with a letter or digit
              --version VERSION  this version of it (the same characters)
              --key FILE         the private key to sign with (PREFIX.key from quantedge keygen)
              --unsigned         write no signature instead of --key (only gateways configured
                                 with allowUnsigned accept it: for development)
              --out FILE         the package to write; replaced if it exists
              --labels FILE      labels of the first output, one per line in class order (UTF-8);
                                 stored as labels.txt, and the output is marked a classification
              --test-vectors     run the model once on seeded random inputs and store the inputs
                                 and outputs (.npy), so a gateway can check it computes the same
              --tolerance T      largest absolute difference per output element a gateway accepts
                                 on the test vectors (default 0.001)
              --seed N           seed of the test vector inputs (default 1)
              --requires CAP     a capability a gateway needs to run the model; repeatable. The
                                 model's format (onnx) is always required
              --preprocessing P  how camera frames become the first input, for pipelines that
                                 leave it open: comma-separated KEY=VALUE of width, height,
                                 color (rgb, bgr, gray), layout (nchw, nhwc), scale, mean and
                                 std (one value per channel, separated by ':'), e.g.
                                 color=gray,layout=nchw,scale=0.00392156862745098,mean=0.286,std=0.353
              --top-k K          classes a pipeline reports for the first output (default 5);
                                 marks it a classification
              --help             show this help
            """ + ExitCodes.HELP;

    static PackageOptions parse(List<String> args) throws CommandLineException {
        Path model = null;
        String name = null;
        String version = null;
        Path key = null;
        boolean unsigned = false;
        Path out = null;
        Path labels = null;
        boolean testVectors = false;
        double tolerance = DEFAULT_TOLERANCE;
        long seed = 1;
        List<String> requires = new ArrayList<>();
        Preprocessing preprocessing = null;
        int topK = 0;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            switch (option) {
                case "--help", "-h" -> {
                    return new PackageOptions(null, null, null, Optional.empty(), null, Optional.empty(), false,
                            DEFAULT_TOLERANCE, seed, List.of(), Optional.empty(), 0, true);
                }
                case "--model" -> model = Path.of(value(args, ++i, option));
                case "--name" -> name = value(args, ++i, option);
                case "--version" -> version = value(args, ++i, option);
                case "--key" -> key = Path.of(value(args, ++i, option));
                case "--unsigned" -> unsigned = true;
                case "--out" -> out = Path.of(value(args, ++i, option));
                case "--labels" -> labels = Path.of(value(args, ++i, option));
                case "--test-vectors" -> testVectors = true;
                case "--tolerance" -> tolerance = number(value(args, ++i, option), option);
                case "--seed" -> seed = wholeNumber(value(args, ++i, option), option);
                case "--requires" -> requires.add(value(args, ++i, option));
                case "--preprocessing" -> preprocessing = preprocessing(value(args, ++i, option));
                case "--top-k" -> {
                    long k = wholeNumber(value(args, ++i, option), option);
                    if (k < 1 || k > 1000) {
                        throw new CommandLineException("--top-k must be 1 to 1000, got " + k);
                    }
                    topK = (int) k;
                }
                default -> throw new CommandLineException("unknown option '" + option + "'");
            }
        }
        if (model == null || name == null || version == null || out == null) {
            throw new CommandLineException("--model, --name, --version and --out are required");
        }
        if ((key == null) == !unsigned) {
            throw new CommandLineException("give either --key FILE (to sign) or --unsigned");
        }
        for (String text : List.of(name, version)) {
            if (!PackageManifest.isValidName(text)) {
                throw new CommandLineException("'" + text + "' cannot be a name or version: use 1 to 64 letters, "
                        + "digits, '.', '_' or '-', starting with a letter or digit");
            }
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new CommandLineException("--tolerance must be a number of at least 0");
        }
        return new PackageOptions(model, name, version, Optional.ofNullable(key), out, Optional.ofNullable(labels),
                testVectors, tolerance, seed, List.copyOf(requires), Optional.ofNullable(preprocessing), topK, false);
    }

    /** {@code width=W,height=H,color=C,layout=L,scale=S,mean=M[:M...],std=S[:S...]}, any subset. */
    static Preprocessing preprocessing(String text) throws CommandLineException {
        int width = 0;
        int height = 0;
        Preprocessing.Color color = null;
        Preprocessing.Layout layout = Preprocessing.Layout.NCHW;
        double scale = 1;
        List<Double> mean = List.of();
        List<Double> std = List.of();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new CommandLineException("--preprocessing needs KEY=VALUE pairs, got '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "width" -> width = Integer.parseInt(value);
                    case "height" -> height = Integer.parseInt(value);
                    case "color" -> color = Preprocessing.Color.valueOf(value.toUpperCase(Locale.ROOT));
                    case "layout" -> layout = Preprocessing.Layout.valueOf(value.toUpperCase(Locale.ROOT));
                    case "scale" -> scale = Double.parseDouble(value);
                    case "mean" -> mean = values(value);
                    case "std" -> std = values(value);
                    default -> throw new CommandLineException("--preprocessing has no key '" + key + "' (width, "
                            + "height, color, layout, scale, mean, std)");
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLineException("--preprocessing: '" + value + "' is not a valid " + key);
            }
        }
        if (color == null) {
            throw new CommandLineException("--preprocessing needs color=rgb, bgr or gray");
        }
        try {
            return new Preprocessing(width, height, color, layout, scale, mean, std);
        } catch (IllegalArgumentException e) {
            throw new CommandLineException("--preprocessing: " + e.getMessage());
        }
    }

    private static List<Double> values(String text) {
        return Arrays.stream(text.split(":")).map(String::trim).map(Double::valueOf).toList();
    }

    static String value(List<String> args, int index, String option) throws CommandLineException {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new CommandLineException(option + " needs a value");
        }
        return args.get(index);
    }

    private static long wholeNumber(String text, String option) throws CommandLineException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CommandLineException(option + " needs a whole number, got '" + text + "'");
        }
    }

    private static double number(String text, String option) throws CommandLineException {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new CommandLineException(option + " needs a number, got '" + text + "'");
        }
    }
}
