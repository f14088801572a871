package io.quantedge.api.modelpackage;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What goes into a package being written: the manifest's fields, with the files given as the local
 * files to copy, by their path in the package (in the order they are to be written). The writer
 * computes each file's size and SHA-256 into the manifest.
 */
public record PackageContents(String name, String version, String model, Map<String, Path> files,
                              List<InputSpec> inputs, List<OutputSpec> outputs, Optional<TestVectors> testVectors,
                              List<String> requires) {

    public PackageContents {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(model, "model");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(testVectors, "testVectors");
        requires = List.copyOf(requires);
    }

    /** The manifest these contents have once each file's hash and size are known. */
    public PackageManifest manifest(List<PackageFile> describedFiles) {
        return new PackageManifest(name, version, model, describedFiles, inputs, outputs, testVectors, requires);
    }
}
