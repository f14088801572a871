package io.quantedge.quantize.eval;

/**
 * One model's figures in an evaluation; the field names are the JSON report's. {@code weightBytes}
 * is what the file's initializers hold (int8 codes, scales, int32 biases for a quantized model);
 * {@code runtimeWeightBytes} what the engine holds after pre-packing; {@code plannedActivationBytes}
 * the engine's planned peak of intermediate values for one sample (-1 when no plan can be made
 * before a run). {@code accuracy} is null
 * without labels; {@code agreement} (top-1 equal to the first model's) and {@code snrDb} (first
 * model's output power over the power of the difference, infinite when equal) compare with the
 * first model.
 */
public record ModelMetrics(String model, long fileBytes, long weightBytes, long runtimeWeightBytes,
                           long plannedActivationBytes, int samples,
                           Double accuracy, double agreement, double snrDb, double p50Ms, double p99Ms,
                           String backends) {
}
