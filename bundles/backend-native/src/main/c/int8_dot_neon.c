/*
 * Int8 products on aarch64. NEON has no unsigned x signed byte product before i8mm, so the weight
 * bytes B' (unsigned) are flipped to B' - 128 (signed) as they are loaded, multiplied signed x
 * signed, and 128 x the row sum of A' is added back:  sum A' B' = sum A' (B' - 128) + 128 sum A'.
 *
 * Two variants from this file: with -march=armv8.2-a+dotprod (QE_DOTPROD) sdot sums four products
 * per lane; without it, vmull_s8 products (exact in int16) are pair-added into int32 lanes.
 */
#include <arm_neon.h>
#include <string.h>
#include "kernels.h"

static int32_t row_sum(const int8_t *row, long length) {
    uint32_t sum = 0;
    for (long p = 0; p < length; p++) {
        sum += (uint32_t) row[p];
    }
    return (int32_t) sum;
}

static inline int32_t load_four(const int8_t *a) {
    int32_t four;
    memcpy(&four, a, sizeof four);
    return four;
}

#ifdef QE_DOTPROD
void qe_int8_dot_dotprod(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                         int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    uint8x16_t flip = vdupq_n_u8(0x80);
    for (int q = 0; q < panel_count; q++) {
        const uint8_t *panel = b->data + (long) (first_panel + q) * b->k_groups * 64;
        for (int i = 0; i < m; i++) {
            const int8_t *row = a + i * a_stride;
            int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
            for (int g = 0; g < b->k_groups; g++) {
                int8x16_t x = vreinterpretq_s8_s32(vdupq_n_s32(load_four(row + g * QE_KGROUP)));
                for (int quarter = 0; quarter < 4; quarter++) {
                    int8x16_t w = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(panel + (long) g * 64 + 16 * quarter), flip));
                    acc[quarter] = vdotq_s32(acc[quarter], w, x);
                }
            }
            int32x4_t correction = vdupq_n_s32((int32_t) ((uint32_t) row_sum(row, a_stride) * 128u));
            for (int quarter = 0; quarter < 4; quarter++) {
                vst1q_s32(dot + i * ld + q * QE_PANEL + 4 * quarter, vaddq_s32(acc[quarter], correction));
            }
        }
    }
}
#else
void qe_int8_dot_neon(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                      int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    uint8x8_t flip = vdup_n_u8(0x80);
    for (int q = 0; q < panel_count; q++) {
        const uint8_t *panel = b->data + (long) (first_panel + q) * b->k_groups * 64;
        for (int i = 0; i < m; i++) {
            const int8_t *row = a + i * a_stride;
            /* acc[e] lanes: (column 2e, K rows 0-1), (2e, 2-3), (2e + 1, 0-1), (2e + 1, 2-3). */
            int32x4_t acc[8];
            for (int e = 0; e < 8; e++) {
                acc[e] = vdupq_n_s32(0);
            }
            for (int g = 0; g < b->k_groups; g++) {
                int8x8_t x = vreinterpret_s8_s32(vdup_n_s32(load_four(row + g * QE_KGROUP)));
                for (int e = 0; e < 8; e++) {
                    int8x8_t w = vreinterpret_s8_u8(veor_u8(vld1_u8(panel + (long) g * 64 + 8 * e), flip));
                    acc[e] = vpadalq_s16(acc[e], vmull_s8(w, x));
                }
            }
            int32x4_t correction = vdupq_n_s32((int32_t) ((uint32_t) row_sum(row, a_stride) * 128u));
            for (int quarter = 0; quarter < 4; quarter++) {
                int32x4_t columns = vpaddq_s32(acc[2 * quarter], acc[2 * quarter + 1]);
                vst1q_s32(dot + i * ld + q * QE_PANEL + 4 * quarter, vaddq_s32(columns, correction));
            }
        }
    }
}
#endif
