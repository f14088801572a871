package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.quantize.calibration.ValueRange;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way of quantizing a graph (W8A8 static QDQ; later dynamic activations, block-wise INT4,
 * non-linear codebooks). The {@link Quantizer} prepares the FP32 graph (BatchNorm folded), asks
 * the scheme which activation values it needs ranges for, calibrates those, and has the scheme
 * rewrite the graph. A scheme is pure: the same graph, ranges and corrections give the same model.
 */
@ConsumerType
public interface Scheme {

    String name();

    /** The activation values whose ranges the scheme needs; empty when it needs no calibration. */
    Set<String> valuesToCalibrate(Graph graph) throws QuantizeException;

    /**
     * The quantized graph. {@code biasShift} maps a layer's node name to a per-output-channel
     * amount added to its bias before it is quantized (bias correction); usually empty.
     */
    Quantized quantize(Graph graph, Map<String, ValueRange> ranges, Map<String, float[]> biasShift)
            throws QuantizeException;

    /** A layer with weights whose output bias correction may shift. */
    record Layer(String node, String opType, String floatOutput, String quantizedGraphOutput, int channelAxis) {
    }

    /** The result: the graph, the layers quantized, and notes on what was left in float and why. */
    record Quantized(Graph graph, List<Layer> layers, List<String> notes) {
        public Quantized {
            layers = List.copyOf(layers);
            notes = List.copyOf(notes);
        }
    }
}
