package io.quantedge.quantize;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Quantization file to file, as a service of the gateway (and of {@code quantedge quantize}): reads
 * an FP32 model and a {@code .npy} file of calibration samples (N x the model's input), writes the
 * quantized model as standard ONNX, atomically. {@code calibration} may be null for a scheme that
 * calibrates nothing (W8 dynamic) without bias correction.
 */
@ProviderType
public interface ModelQuantizer {

    QuantizationResult quantize(Path model, Path calibration, Path out, Scheme scheme, QuantizeOptions options,
                                Progress progress) throws QuantizeException;
}
