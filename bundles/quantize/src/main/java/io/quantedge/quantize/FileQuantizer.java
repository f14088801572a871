package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.QuantizeException.Code;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The {@link ModelQuantizer} service: the {@link Quantizer} between a model file and an ONNX file. */
@Component(service = ModelQuantizer.class)
public final class FileQuantizer implements ModelQuantizer {

    private final List<ModelLoader> loaders;
    private final InferenceEngine engine;

    @Activate
    public FileQuantizer(
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<ModelLoader> loaders,
            @Reference InferenceEngine engine) {
        this.loaders = List.copyOf(loaders);
        this.engine = engine;
    }

    @Override
    public QuantizationResult quantize(Path model, Path calibration, Path out, Scheme scheme, QuantizeOptions options,
                                       Progress progress) throws QuantizeException {
        Graph graph = ModelFiles.loadGraph(loaders, model);
        Tensor samples = calibration == null ? null : ModelFiles.readNpy(calibration, "calibration data");
        QuantizationResult result = new Quantizer(engine).quantize(graph, samples, scheme, options, progress);
        try {
            OnnxModelWriter.write(result.graph(), out);
        } catch (IOException e) {
            throw new QuantizeException(Code.WRITE, "writing " + out + " failed: " + e.getMessage(), e);
        }
        return result;
    }

    public List<ModelLoader> loaders() {
        return loaders;
    }
}
