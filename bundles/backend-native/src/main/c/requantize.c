/*
 * Requantization, bit for bit as the scalar reference (and Java) computes it: the int32 sum wraps,
 * the product is single precision, rounding then saturating to int exactly as Java's Math.rint /
 * Math.round casts do (NaN -> 0), and only then the output zero point and the 8-bit saturation.
 * Plain C: it is O(m n) next to the O(m n k) product, and exactness matters more than speed here.
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

void qe_requantize(int m, int n, const int32_t *acc, long ld_acc, const int32_t *bias, const float *multiplier,
                   int per_column_multiplier, int out_zero_point, int out_signed, int half_to_even, int8_t *out,
                   long ld_out) {
    int64_t low = out_signed ? -128 : 0;
    int64_t high = out_signed ? 127 : 255;
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
