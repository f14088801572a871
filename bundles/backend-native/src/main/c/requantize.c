/*
 * Requantization, bit for bit as the scalar reference (and Java) computes it: the int32 sum wraps,
 * the product is single precision, rounding then saturating to int exactly as Java's Math.rint /
 * Math.round casts do (NaN -> 0), and only then the output zero point and the 8-bit saturation.
 *
 * ONNX's half-to-even rounding with an output zero point inside the output range (every real
 * model) takes a branch-free loop the compiler vectorises; the general loop below keeps the other
 * cases (TFLite's rounding, zero points outside the range) exact.
 */
#include <math.h>
#include "kernels.h"

/* Java's float -> int conversion: NaN is 0, out-of-range values saturate. */
static int32_t java_float_to_int(float value) {
    if (value != value) {
        return 0;
    }
    if (value >= 2147483648.0f) {
        return INT32_MAX;
    }
    if (value <= -2147483648.0f) {
        return INT32_MIN;
    }
    return (int32_t) value;
}

/* Math.round(float) for a non-negative or NaN value: the nearest int, ties up; roundf ties away, same here. */
static int32_t java_round(float value) {
    return java_float_to_int(roundf(value));
}

static int32_t round_half_away_from_zero(float value) {
    /* As the reference: -Math.round(-v) for negatives, so a saturated magnitude negates to -INT32_MAX. */
    return value < 0 ? -java_round(-value) : java_round(value);
}

static int32_t round_half_to_even(float value) {
    /* rintf rounds in the default mode, to nearest with ties to even, as Math.rint does. */
    return java_float_to_int(rintf(value));
}

/*
 * Clamping the product to [low - zero, high - zero] before rounding gives the reference's result:
 * both bounds are integers, so rounding commutes with the clamp, and the clamp then replaces the
 * reference's two saturations. The bounds are within 383 of zero, so the magic rounding is exact.
 */
static inline __attribute__((always_inline)) void requantize_row_to_even(
        int n, const int32_t *acc, const int32_t *bias, const float *multiplier, int per_column, float lowest,
        float highest, int32_t zero_point, int8_t *out) {
    for (int j = 0; j < n; j++) {
        uint32_t sum = (uint32_t) acc[j];
        if (bias != NULL) {
            sum += (uint32_t) bias[j];
        }
        float scaled = (float) (int32_t) sum * multiplier[per_column ? j : 0];
        scaled = scaled != scaled ? 0.0f : scaled;
        scaled = scaled < lowest ? lowest : scaled;
        scaled = scaled > highest ? highest : scaled;
        float rounded = (scaled + QE_ROUNDING_MAGIC) - QE_ROUNDING_MAGIC;
        out[j] = (int8_t) ((int32_t) rounded + zero_point);
    }
}

static void requantize_to_even(int m, int n, const int32_t *acc, long ld_acc, const int32_t *bias,
                               const float *multiplier, int per_column, int zero_point, int low, int high,
                               int8_t *out, long ld_out) {
    float lowest = (float) (low - zero_point);
    float highest = (float) (high - zero_point);
    for (int i = 0; i < m; i++) {
        const int32_t *row = acc + i * ld_acc;
        int8_t *target = out + i * ld_out;
        /* Constant flags per call, so each of the four loops is specialised and vectorised. */
        if (bias != NULL && per_column) {
            requantize_row_to_even(n, row, bias, multiplier, 1, lowest, highest, zero_point, target);
        } else if (bias != NULL) {
            requantize_row_to_even(n, row, bias, multiplier, 0, lowest, highest, zero_point, target);
        } else if (per_column) {
            requantize_row_to_even(n, row, NULL, multiplier, 1, lowest, highest, zero_point, target);
        } else {
            requantize_row_to_even(n, row, NULL, multiplier, 0, lowest, highest, zero_point, target);
        }
    }
}

void qe_requantize(int m, int n, const int32_t *acc, long ld_acc, const int32_t *bias, const float *multiplier,
                   int per_column_multiplier, int out_zero_point, int out_signed, int half_to_even, int8_t *out,
                   long ld_out) {
    int64_t low = out_signed ? -128 : 0;
    int64_t high = out_signed ? 127 : 255;
    if (half_to_even && out_zero_point >= low && out_zero_point <= high) {
        requantize_to_even(m, n, acc, ld_acc, bias, multiplier, per_column_multiplier, out_zero_point, (int) low,
                           (int) high, out, ld_out);
        return;
    }
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            uint32_t sum = (uint32_t) acc[i * ld_acc + j];
            if (bias != NULL) {
                sum += (uint32_t) bias[j];
            }
            float scaled = (float) (int32_t) sum * multiplier[per_column_multiplier ? j : 0];
            int32_t rounded = half_to_even ? round_half_to_even(scaled) : round_half_away_from_zero(scaled);
            int64_t shifted = (int64_t) rounded + out_zero_point;
            out[i * ld_out + j] = (int8_t) (shifted < low ? low : shifted > high ? high : shifted);
        }
    }
}
