/*
 * The activation side of the int4 x int8 product: each row of A quantized per block exactly as
 * BlockwiseInt4Int8Kernel defines (so every variant and the Java reference see the same int8
 * values), once per call, in the order the kernels read it.
 */
#include <math.h>
#include <string.h>
#include "kernels.h"

void qe_int4q8_prepare_rows(const qe_int4q8_matrix *w, const float *a, long lda, int m, qe_int4q8_rows *rows) {
    int k = w->k;
    int block_size = w->block_size;
    long values_per_row = (long) w->chunks * 128;
    long lanes_per_row = (long) w->chunks * 16;
    for (int i = 0; i < m; i++) {
        const float *x = a + i * lda;
        int8_t *values = rows->values + i * values_per_row;
        float *lane_scales = rows->lane_scales + i * lanes_per_row;
        int32_t *lane_sums = rows->lane_sums + i * lanes_per_row;
        memset(values, 0, (size_t) values_per_row);
        memset(lane_scales, 0, sizeof(float) * (size_t) lanes_per_row);
        memset(lane_sums, 0, sizeof(int32_t) * (size_t) lanes_per_row);
        for (int first = 0; first < k; first += block_size) {
            int end = k - first < block_size ? k : first + block_size;
            float amax = 0.0f;
            for (int p = first; p < end; p++) {
                float magnitude = fabsf(x[p]);
                amax = magnitude > amax ? magnitude : amax;
            }
            float scale = amax / 127.0f;
            float inverse = scale == 0.0f ? 0.0f : 1.0f / scale;
            /* Lanes cover 8 values and blocks whole lanes; padding lanes keep scale 0. */
            for (int lane = first / 8; lane * 8 < end; lane++) {
                lane_scales[lane] = scale;
            }
            for (int p = first; p < end; p++) {
                /* nearbyintf rounds half to even in the default rounding mode, as Math.rint does. */
                float level = nearbyintf(x[p] * inverse);
                level = level > 127.0f ? 127.0f : level < -127.0f ? -127.0f : level;
                /* Chunk p / 128; even values first, then odd ones, each at its byte's position. */
                long at = (long) (p / 128) * 128 + (p % 2) * 64 + (p % 128) / 2;
                values[at] = (int8_t) level;
                lane_sums[p / 8] += (int32_t) level;
            }
        }
    }
}
