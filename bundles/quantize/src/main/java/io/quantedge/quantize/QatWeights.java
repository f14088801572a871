package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.graph.FakeQuantWeightFolding;
import java.util.List;
import java.util.Map;

/**
 * The {@code qat} scheme: a model trained with quantization-aware training keeps the scales its
 * training chose; only its fake-quantized weights are stored as the integers they stand for (see
 * {@link FakeQuantWeightFolding}). Nothing is calibrated, so no data is needed.
 */
public final class QatWeights {

    public static final String NAME = "qat";

    private QatWeights() {
    }

    public static QuantizationResult store(Graph model) throws QuantizeException {
        FakeQuantWeightFolding.Result folded = FakeQuantWeightFolding.apply(model);
        if (folded.foldedWeights().isEmpty()) {
            boolean quantized = isQuantized(model);
            throw new QuantizeException(Code.UNSUPPORTED, quantized
                    ? "the model's quantized weights are already stored as integers: nothing to do"
                    : "the model has no fake-quantized weights (QuantizeLinear on a float weight); --scheme qat is for"
                    + " QAT exports, quantize an FP32 model with w8a8, w8-dynamic, w4 or nf4");
        }
        return new QuantizationResult(folded.graph(), NAME, "none", List.of(), Map.of(), List.of(), Map.of(),
                List.of("stored as int8, as the model's own QuantizeLinear computes them: "
                        + String.join(", ", folded.foldedWeights())));
    }

    /** Whether the model has QuantizeLinear nodes already, as QAT and QDQ exports do. */
    public static boolean isQuantized(Graph model) {
        return model.nodes().stream().anyMatch(n -> n.domain().isEmpty() && n.opType().equals("QuantizeLinear"));
    }
}
