package io.quantedge.api.modelpackage;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@code manifest.json} says about a package: the model's name and version, which file is the
 * model, every file with its SHA-256 and size, the model's inputs and outputs with their pre- and
 * postprocessing, optional test vectors, and the capabilities a gateway needs to run it. The
 * constructor checks that everything it refers to is consistent: the model, labels and test
 * vectors are listed files, test cases name declared inputs and outputs, names are unique.
 */
public record PackageManifest(String name, String version, String model, List<PackageFile> files,
                              List<InputSpec> inputs, List<OutputSpec> outputs, Optional<TestVectors> testVectors,
                              List<String> requires) {

    /** The manifest format this API describes; the {@code format} field of manifest.json. */
    public static final int FORMAT = 1;
    /** The manifest's entry in the package; the bytes the signature covers. */
    public static final String MANIFEST_ENTRY = "manifest.json";
    /** The signature's entry in the package. */
    public static final String SIGNATURE_ENTRY = "manifest.sig";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public PackageManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(model, "model");
        files = List.copyOf(files);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(testVectors, "testVectors");
        requires = List.copyOf(requires);
        if (!isValidName(name)) {
            throw new IllegalArgumentException("name '" + name + "' is not 1 to 64 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit");
        }
        if (!isValidName(version)) {
            throw new IllegalArgumentException("version '" + version + "' is not 1 to 64 letters, digits, '.', '_' "
                    + "or '-' starting with a letter or digit");
        }
        Set<String> paths = unique(files, PackageFile::path, "file");
        for (String reserved : List.of(MANIFEST_ENTRY, SIGNATURE_ENTRY)) {
            if (paths.contains(reserved)) {
                throw new IllegalArgumentException("'" + reserved + "' is the package's own entry, not a file");
            }
        }
        requireListed(paths, model, "the model");
        Set<String> inputNames = unique(inputs, InputSpec::name, "input");
        Set<String> outputNames = unique(outputs, OutputSpec::name, "output");
        outputs.forEach(o -> o.labels().ifPresent(l -> requireListed(paths, l, "labels of output '" + o.name() + "'")));
        testVectors.ifPresent(t -> t.cases().forEach(c -> {
            checkCase(c.inputs(), inputNames, paths, "input");
            checkCase(c.outputs(), outputNames, paths, "output");
            if (!c.inputs().keySet().equals(inputNames)) {
                throw new IllegalArgumentException("a test case must give every input: " + inputNames);
            }
        }));
        if (requires.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a required capability is blank");
        }
    }

    /** Whether {@code text} can be a model name or version: 1 to 64 letters, digits, '.', '_', '-', not starting with '.', '_' or '-'. */
    public static boolean isValidName(String text) {
        return text != null && NAME.matcher(text).matches();
    }

    /** The listed file at {@code path}. */
    public Optional<PackageFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The model file's entry. */
    public PackageFile modelFile() {
        return file(model).orElseThrow();
    }

    /** The sum of the listed files' sizes. */
    public long totalSize() {
        return files.stream().mapToLong(PackageFile::size).sum();
    }

    private static <T> Set<String> unique(List<T> items, Function<T, String> key, String what) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            if (!seen.add(key.apply(item))) {
                throw new IllegalArgumentException(what + " '" + key.apply(item) + "' is listed twice");
            }
        }
        return seen;
    }

    private static void requireListed(Set<String> paths, String path, String what) {
        if (!paths.contains(path)) {
            throw new IllegalArgumentException(what + " '" + path + "' is not among the files");
        }
    }

    private static void checkCase(Map<String, String> tensors, Set<String> declared, Set<String> paths, String kind) {
        Set<String> unknown = tensors.keySet().stream().filter(n -> !declared.contains(n)).collect(Collectors.toSet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("a test case names " + kind + "s the model does not declare: " + unknown);
        }
        tensors.values().forEach(p -> requireListed(paths, p, "test vector"));
    }
}
