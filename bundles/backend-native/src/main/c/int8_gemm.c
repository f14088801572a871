/*
 * The int8 product around the dot kernels. The kernels compute sum A'B' for signed A' and unsigned
 * B' (what vpdpbusd multiplies); with A = A' + a_offset and B = B' - b_offset,
 *
 *   sum (A - za)(B - zb_j) = sum (A' - alpha)(B' - beta_j)
 *                          = dot - beta_j rowsum(A')_i - alpha colsum(B')_j + K alpha beta_j,
 *
 * alpha = za - a_offset, beta_j = zb_j + b_offset. Every step is a ring operation modulo 2^32 (done in
 * uint32, where C defines the wrap), so the result equals the wrapping direct definition bit for bit.
 */
#include "kernels.h"

long qe_int8_a_stride(const qe_int8_matrix *b) {
    return (long) b->k_groups * QE_KGROUP;
}

void qe_int8_prepare_a(const qe_int8_matrix *b, const int8_t *a, long lda, int m, int a_signed, int8_t *a_prime,
                       int32_t *row_sums) {
    long stride = qe_int8_a_stride(b);
    /* uint8 x becomes x - 128: the same byte with its top bit flipped, read as int8. */
    uint8_t flip = a_signed ? 0x00 : 0x80;
    for (int i = 0; i < m; i++) {
        const uint8_t *row = (const uint8_t *) a + i * lda;
        int8_t *out = a_prime + i * stride;
        uint32_t sum = 0;
        for (int p = 0; p < b->k; p++) {
            int8_t value = (int8_t) (row[p] ^ flip);
            out[p] = value;
            sum += (uint32_t) value;
        }
        for (long p = b->k; p < stride; p++) {
            out[p] = 0;
        }
        row_sums[i] = (int32_t) sum;
    }
}

void qe_int8_finish(const qe_int8_matrix *b, const int32_t *dot, long ld_dot, const int32_t *row_sums, int m,
                    int j0, int j1, int a_signed, int32_t a_zero_point, int32_t *c, long ldc) {
    uint32_t alpha = (uint32_t) a_zero_point - (a_signed ? 0u : 128u);
    uint32_t k = (uint32_t) b->k;
    for (int i = 0; i < m; i++) {
        uint32_t row_sum = (uint32_t) row_sums[i];
        for (int j = j0; j < j1; j++) {
            uint32_t beta = (uint32_t) b->zero_points[j] + (uint32_t) b->b_offset;
            uint32_t value = (uint32_t) dot[i * ld_dot + (j - j0)] - beta * row_sum
                    - alpha * (uint32_t) b->column_sums[j] + k * alpha * beta;
            c[i * ldc + (j - j0)] = (int32_t) value;
        }
    }
}
