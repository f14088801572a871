package io.quantedge.quantize;

import java.util.List;

/**
 * What cross-layer equalization did before calibration: the layer pairs whose channels it
 * rescaled, the sweeps over them until the scales settled, how well each layer's weights use one
 * per-tensor range before and after, and what it left alone and why.
 */
public record Equalization(List<Pair> pairs, int sweeps, List<RangeUse> rangeUse, List<String> notes) {

    public Equalization {
        pairs = List.copyOf(pairs);
        rangeUse = List.copyOf(rangeUse);
        notes = List.copyOf(notes);
    }

    /**
     * An equalized pair: the two layers, the ops between them, the number of channels, and the
     * overall scale each channel's first-layer weights were divided by (smallest, largest).
     */
    public record Pair(String first, String second, List<String> between, int channels, double minScale,
                       double maxScale) {
        public Pair {
            between = List.copyOf(between);
        }
    }

    /**
     * How well a layer's weights use one per-tensor int8 range: the mean over its output channels
     * of the channel's max |w| over the tensor's max |w| (1 is perfect), before and after.
     */
    public record RangeUse(String node, double before, double after) {
    }
}
