package io.quantedge.pipeline.image;

import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.modelpackage.Preprocessing.Layout;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of PNG and JPEG images made into model inputs exactly as a pipeline makes its frames
 * (the same {@link ImagePreprocessor}), for calibrating and evaluating on image files. Two layouts:
 * images directly in the folder (no labels), or one sub-folder per class, ImageNet style, whose
 * name is the class (labels). Files are taken in name order; other files and hidden ones are
 * skipped.
 */
public final class ImageFolder {

    /**
     * The images as one FP32 tensor of N inputs, their files, and with the class layout each image's
     * class index and the class names in index order (empty without).
     */
    public record Samples(Tensor samples, List<Path> files, long[] labels, List<String> classes) {

        public Samples {
            files = List.copyOf(files);
            labels = labels == null ? null : labels.clone();
            classes = List.copyOf(classes);
        }

        /** The class index of each image, or null when the folder has no class sub-folders. */
        @Override
        public long[] labels() {
            return labels == null ? null : labels.clone();
        }
    }

    private ImageFolder() {
    }

    /**
     * How images become {@code input} by the manifest's {@code spec}: its size (else the input's),
     * colour, layout, scale, mean and std; stretched to the size, bilinear, as pipelines do by default.
     */
    public static ImageSettings settings(Preprocessing spec, TensorSpec input) {
        List<Integer> dims = input.dims();
        boolean nchw = spec.layout() == Layout.NCHW;
        int width = spec.width() > 0 ? spec.width() : dims.size() == 4 ? dims.get(nchw ? 3 : 2) : 0;
        int height = spec.height() > 0 ? spec.height() : dims.size() == 4 ? dims.get(nchw ? 2 : 1) : 0;
        int channels = spec.color().channels();
        double[] mean = spec.mean().isEmpty() ? new double[channels]
                : spec.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = spec.std().isEmpty() ? ones(channels)
                : spec.std().stream().mapToDouble(Double::doubleValue).toArray();
        return new ImageSettings(width, height, ImageSettings.Interpolation.BILINEAR, ImageSettings.Fit.STRETCH,
                spec.color(), spec.layout(), spec.scale(), mean, std, 0, 0, 0);
    }

    /**
     * Reads every image of {@code folder} as {@code settings} make it; with class sub-folders,
     * {@code classNames} (when not empty) gives each class its index by its position, else the
     * sub-folders' names in order do (as PyTorch's ImageFolder numbers them).
     *
     * @throws FrameException an image that does not decode, with its file named
     * @throws IllegalArgumentException a folder with no images, a class not among {@code classNames},
     *         images beside class folders, or more data than one tensor holds
     */
    public static Samples read(Path folder, ImageSettings settings, List<String> classNames)
            throws IOException, FrameException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is not a folder");
        }
        List<Path> classFolders = entries(folder).stream().filter(Files::isDirectory).toList();
        List<Path> files = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        if (classFolders.isEmpty()) {
            files.addAll(images(folder));
        } else {
            if (!images(folder).isEmpty()) {
                throw new IllegalArgumentException(folder + " holds images beside class sub-folders; put every image "
                        + "in its class's folder, or use a folder without sub-folders");
            }
            classes.addAll(classNames.isEmpty() ? classFolders.stream().map(p -> p.getFileName().toString()).toList()
                    : classNames);
            for (Path classFolder : classFolders) {
                String name = classFolder.getFileName().toString();
                int index = classes.indexOf(name);
                if (index < 0) {
                    throw new IllegalArgumentException("class folder '" + name + "' is not among the " + classes.size()
                            + " class names given");
                }
                for (Path image : images(classFolder)) {
                    files.add(image);
                    labels.add((long) index);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(folder + " holds no .png, .jpg or .jpeg images");
        }
        Shape one = settings.layout() == Layout.NCHW
                ? Shape.of(1, settings.channels(), settings.height(), settings.width())
                : Shape.of(1, settings.height(), settings.width(), settings.channels());
        long bytesPerImage = DataType.FP32.byteSize(one.elementCount());
        if (bytesPerImage * files.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(files.size() + " images of " + one + " take more than 2 GiB as floats; "
                    + "use fewer");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(settings, DataType.FP32, one);
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(bytesPerImage * files.size())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Frame frame = new Frame("folder", i, Instant.EPOCH, mediaType(file), ByteBuffer.wrap(Files.readAllBytes(file)),
                    Map.of());
            try {
                all.put(preprocessor.prepare(frame).data());
            } catch (FrameException e) {
                throw new FrameException(e.code(), file + ": " + e.getMessage());
            }
        }
        int[] dims = one.dims();
        dims[0] = files.size();
        Tensor samples = Tensor.of(DataType.FP32, Shape.of(dims), all.flip());
        return new Samples(samples, files, classFolders.isEmpty() ? null
                : labels.stream().mapToLong(Long::longValue).toArray(), classes);
    }

    private static List<Path> entries(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static List<Path> images(Path folder) throws IOException {
        return entries(folder).stream().filter(Files::isRegularFile).filter(p -> mediaType(p) != null).toList();
    }

    private static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return Frame.PNG;
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return Frame.JPEG;
        }
        return null;
    }

    private static double[] ones(int n) {
        double[] values = new double[n];
        Arrays.fill(values, 1);
        return values;
    }
}
