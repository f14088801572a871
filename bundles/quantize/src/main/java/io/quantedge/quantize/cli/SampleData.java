package io.quantedge.quantize.cli;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.pipeline.image.FrameException;
import io.quantedge.pipeline.image.ImageFolder;
import io.quantedge.quantize.ModelFiles;
import io.quantedge.quantize.QuantizeException;
import io.quantedge.quantize.QuantizeException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The samples {@code --calibration} or {@code --data} names: a {@code .npy} of N inputs, or a
 * folder of PNG/JPEG images made into inputs exactly as a pipeline would, by the preprocessing of a
 * package's manifest ({@code --preprocessing} a {@code .qmp} or its {@code manifest.json}); with
 * one sub-folder per class, the images' labels too.
 */
final class SampleData {

    /** The samples, their labels (null when the data has none), and what they were, for reports. */
    record Loaded(Tensor samples, long[] labels, String description) {
    }

    private SampleData() {
    }

    static Loaded load(Path data, String what, Optional<Path> preprocessing, Optional<Path> classes, TensorSpec input,
                       ModelPackages packages) throws QuantizeException {
        if (!Files.isDirectory(data)) {
            if (preprocessing.isPresent() || classes.isPresent()) {
                throw new QuantizeException(Code.BAD_DATA, "--preprocessing and --classes go with a folder of images; "
                        + data + " is not one");
            }
            return new Loaded(ModelFiles.readNpy(data, what), null, data.toString());
        }
        if (preprocessing.isEmpty()) {
            throw new QuantizeException(Code.BAD_DATA, "the " + what + " " + data + " is a folder of images: give "
                    + "--preprocessing PACKAGE.qmp or manifest.json to say how images become the model's input");
        }
        if (packages == null) {
            throw new QuantizeException(Code.BAD_DATA, "image folders need the model-package bundle to read "
                    + preprocessing.get());
        }
        Preprocessing spec = preprocessing(packages, preprocessing.get(), input);
        try {
            List<String> names = classes.isEmpty() ? List.of() : Files.readAllLines(classes.get(),
                    StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            ImageFolder.Samples images = ImageFolder.read(data, ImageFolder.settings(spec, input), names);
            String description = data + " (" + images.files().size() + " images"
                    + (images.labels() == null ? "" : " in " + images.classes().size() + " class folders") + ")";
            return new Loaded(images.samples(), images.labels(), description);
        } catch (IOException e) {
            throw new QuantizeException(Code.MISSING_FILE, "cannot read the images of " + data + ": " + e.getMessage(),
                    e);
        } catch (FrameException | IllegalArgumentException e) {
            throw new QuantizeException(Code.BAD_DATA, "the " + what + " " + data + ": " + e.getMessage(), e);
        }
    }

    /** The preprocessing the manifest gives {@code input} (by name, else the first input that has one). */
    private static Preprocessing preprocessing(ModelPackages packages, Path file, TensorSpec input)
            throws QuantizeException {
        PackageManifest manifest;
        try {
            manifest = packages.readManifest(file);
        } catch (PackageException e) {
            throw new QuantizeException(Code.BAD_DATA, "--preprocessing " + file + ": " + e.getMessage(), e);
        }
        return manifest.inputs().stream().filter(i -> i.name().equals(input.name()))
                .flatMap(i -> i.preprocessing().stream()).findFirst()
                .or(() -> manifest.inputs().stream().flatMap(i -> i.preprocessing().stream()).findFirst())
                .orElseThrow(() -> new QuantizeException(Code.BAD_DATA, "the manifest " + file + " says nothing about "
                        + "preprocessing (inputs[].preprocessing); package the model with --preprocessing"));
    }
}
