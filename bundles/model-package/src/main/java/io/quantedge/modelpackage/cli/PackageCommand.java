package io.quantedge.modelpackage.cli;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.modelpackage.FileTrees;
import io.quantedge.modelpackage.KeyFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code quantedge package}: a signed model package from a model, its labels and test vectors. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=package",
    CliCommand.SUMMARY_PROPERTY + "=write a signed model package (.qmp) for gateways to install"
})
public final class PackageCommand implements CliCommand {

    static final String LABELS_PATH = "labels.txt";

    private final InferenceEngine engine;
    private final ModelPackages packages;

    @Activate
    public PackageCommand(@Reference InferenceEngine engine, @Reference ModelPackages packages) {
        this.engine = engine;
        this.packages = packages;
    }

    /** An input file (key, labels) that cannot be used; the message says why. */
    private static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }

    private static Postprocessing classification(PackageOptions options) {
        return options.topK() > 0 ? new Postprocessing(Postprocessing.Kind.CLASSIFICATION, options.topK(),
                Postprocessing.DEFAULT_SCORE_THRESHOLD, Postprocessing.DEFAULT_IOU_THRESHOLD)
                : Postprocessing.of(Postprocessing.Kind.CLASSIFICATION);
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        PackageOptions options;
        try {
            options = PackageOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge package: " + e.getMessage());
            err.print(PackageOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(PackageOptions.USAGE);
            return ExitCodes.OK;
        }
        String format = extension(options.model());
        if (format.isEmpty()) {
            err.println("quantedge package: " + options.model() + " has no extension; the extension (.onnx) says "
                    + "the model's format");
            return ExitCodes.USAGE;
        }
        Optional<PrivateKey> key;
        try {
            key = signingKey(options);
        } catch (BadInputException e) {
            err.println("quantedge package: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        Path work = null;
        try (Model model = engine.load(options.model())) {
            Map<String, Path> files = new LinkedHashMap<>();
            String modelPath = "model." + format;
            files.put(modelPath, options.model());
            List<InputSpec> inputs = new ArrayList<>(
                    model.inputs().stream().map(s -> new InputSpec(s.name(), Optional.empty())).toList());
            if (options.preprocessing().isPresent()) {
                inputs.set(0, new InputSpec(inputs.get(0).name(), options.preprocessing()));
            }
            List<OutputSpec> outputs = new ArrayList<>(
                    model.outputs().stream().map(s -> new OutputSpec(s.name(), Optional.empty(), Optional.empty())).toList());
            if (options.labels().isPresent()) {
                checkLabels(options.labels().get(), model.outputs().get(0));
                files.put(LABELS_PATH, options.labels().get());
                outputs.set(0, new OutputSpec(outputs.get(0).name(), Optional.of(classification(options)),
                        Optional.of(LABELS_PATH)));
            } else if (options.topK() > 0) {
                outputs.set(0, new OutputSpec(outputs.get(0).name(), Optional.of(classification(options)),
                        Optional.empty()));
            }
            Optional<TestVectors> vectors = Optional.empty();
            if (options.testVectors()) {
                work = Files.createTempDirectory("quantedge-package-");
                TestVectorRecorder.Recorded recorded =
                        TestVectorRecorder.record(model, options.seed(), options.tolerance(), work);
                files.putAll(recorded.files());
                vectors = Optional.of(recorded.vectors());
            }
            LinkedHashSet<String> requires = new LinkedHashSet<>();
            requires.add(format);
            requires.addAll(options.requires());
            PackageManifest manifest = packages.write(new PackageContents(options.name(), options.version(), modelPath,
                    files, inputs, outputs, vectors, List.copyOf(requires)), key, options.out());
            report(manifest, options.out(), key, out);
            return ExitCodes.OK;
        } catch (ModelLoadException e) {
            err.println("quantedge package: " + options.model() + ": " + e.getMessage());
            return ExitCodes.MODEL_NOT_LOADED;
        } catch (BadInputException e) {
            err.println("quantedge package: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (InferenceException | IllegalArgumentException e) {
            err.println("quantedge package: recording the test vectors failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (PackageException e) {
            err.println("quantedge package: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("quantedge package: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            if (work != null) {
                FileTrees.deleteQuietly(work);
            }
        }
    }

    private static Optional<PrivateKey> signingKey(PackageOptions options) throws BadInputException {
        if (options.key().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyFiles.readPrivateKey(options.key().get()));
        } catch (IOException | GeneralSecurityException e) {
            throw new BadInputException("cannot read the signing key " + options.key().get() + ": " + e.getMessage());
        }
    }

    /** Labels are UTF-8 lines, none blank, as many as the output has classes when that is known. */
    private static void checkLabels(Path file, TensorSpec output) throws BadInputException {
        List<String> labels;
        try {
            labels = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException("cannot read labels " + file + ": " + e.getMessage());
        }
        if (labels.isEmpty() || labels.stream().anyMatch(String::isBlank)) {
            throw new BadInputException(file + " needs one label per line and no blank lines");
        }
        int classes = output.dims().isEmpty() ? TensorSpec.DYNAMIC : output.dims().get(output.dims().size() - 1);
        if (classes != TensorSpec.DYNAMIC && classes != labels.size()) {
            throw new BadInputException(file + " has " + labels.size() + " labels, but output '" + output.name()
                    + "' has " + classes + " classes");
        }
    }

    private static void report(PackageManifest manifest, Path file, Optional<PrivateKey> key, PrintStream out)
            throws PackageException {
        out.printf("Wrote %s: %s version %s, %d files, %,d bytes%n", file, manifest.name(), manifest.version(),
                manifest.files().size(), manifest.totalSize());
        out.println("Inputs: " + String.join(", ", manifest.inputs().stream().map(InputSpec::name).toList()));
        out.println("Outputs: " + String.join(", ", manifest.outputs().stream().map(OutputSpec::name).toList()));
        manifest.testVectors().ifPresent(v -> out.println("Test vectors: " + v.cases().size()
                + " case, tolerance " + v.tolerance()));
        if (key.isPresent()) {
            try {
                out.println("Signed by key " + KeyFiles.keyId(key.get()));
            } catch (GeneralSecurityException e) {
                throw new PackageException(PackageException.Code.BAD_SIGNATURE, e.getMessage(), e);
            }
        } else {
            out.println("Unsigned: only gateways configured with allowUnsigned accept it");
        }
    }

    static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
