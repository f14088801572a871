package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.engine.npy.NpyFormatException;
import io.quantedge.quantize.QuantizeException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;

/** Reading the files a quantization or evaluation starts from, every failure with its code. */
public final class ModelFiles {

    private ModelFiles() {
    }

    public static Graph loadGraph(Collection<ModelLoader> loaders, Path file) throws QuantizeException {
        requireFile(file, "model");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (ModelLoader loader : loaders) {
            known.addAll(loader.extensions());
            if (loader.extensions().stream().anyMatch(e -> name.endsWith("." + e))) {
                try {
                    return loader.load(file);
                } catch (ModelLoadException e) {
                    throw new QuantizeException(Code.MODEL, file + ": " + e.getMessage() + " (" + e.code() + ")", e);
                }
            }
        }
        throw new QuantizeException(Code.MODEL, "no model loader reads " + file.getFileName() + "; known extensions: " + known);
    }

    public static Tensor readNpy(Path file, String what) throws QuantizeException {
        requireFile(file, what);
        try {
            return NpyFile.read(file);
        } catch (NpyFormatException e) {
            throw new QuantizeException(Code.BAD_DATA, what + " " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new QuantizeException(Code.MISSING_FILE, what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Labels: a 1-D integer .npy of class indices. */
    public static long[] readLabels(Path file) throws QuantizeException {
        Tensor labels = readNpy(file, "labels");
        if (labels.shape().rank() != 1 || labels.type().isFloatingPoint()) {
            throw new QuantizeException(Code.BAD_DATA, "labels " + file + " must be a 1-D array of integer class indices,"
                    + " not " + labels.type() + labels.shape());
        }
        return labels.toLongArray();
    }

    public static void requireFile(Path file, String what) throws QuantizeException {
        if (!Files.isRegularFile(file)) {
            throw new QuantizeException(Code.MISSING_FILE, "the " + what + " file " + file + " does not exist");
        }
        if (!Files.isReadable(file)) {
            throw new QuantizeException(Code.MISSING_FILE, "the " + what + " file " + file + " is not readable");
        }
    }
}
