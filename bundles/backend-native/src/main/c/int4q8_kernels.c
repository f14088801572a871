/*
 * 4-bit weights times int8 activations (BlockwiseInt4Int8Kernel), compiled once per ISA like
 * float_kernels.c. Work goes in chunks of 64 weight bytes (128 values): the low nibbles meet the
 * chunk's even activations and the high nibbles its odd ones, and the products are summed in 16
 * int32 lanes of 8 values each, exactly as vpdpbusd and sdot sum 4-byte groups. Blocks are whole
 * lanes, so each lane is then scaled by its block's weight and activation scales and added in
 * float; the zero point comes off as zero x (the lane's activation sum), precomputed per row.
 */
#include "kernels.h"
#include "vector_types.h"

/* How far ahead of the current chunk to prefetch. */
#define PREFETCH_BYTES 1024

/* Rows that share one pass over the weights. */
#define ROWS 4

/* dot[l] = sum over the 4 bytes b of lane l of lo(w[4l + b]) * even[4l + b] + hi(w[4l + b]) * odd[4l + b]. */
static inline __attribute__((always_inline)) void dot_chunk(const uint8_t *w, const int8_t *even, const int8_t *odd,
                                                            v16i *dot) {
#if defined(__AVX512VNNI__)
    __m512i packed = _mm512_loadu_si512(w);
    __m512i nibble = _mm512_set1_epi8(0x0F);
    __m512i low = _mm512_and_si512(packed, nibble);
    __m512i high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble);
    __m512i sum = _mm512_dpbusd_epi32(_mm512_setzero_si512(), low, _mm512_loadu_si512(even));
    sum = _mm512_dpbusd_epi32(sum, high, _mm512_loadu_si512(odd));
    *dot = (v16i) sum;
#elif defined(__AVX2__)
    __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i ones = _mm256_set1_epi16(1);
    for (int half = 0; half < 2; half++) {
        __m256i packed = _mm256_loadu_si256((const __m256i *) (w + 32 * half));
        __m256i low = _mm256_and_si256(packed, nibble);
        __m256i high = _mm256_and_si256(_mm256_srli_epi16(packed, 4), nibble);
        /* Two int16 pair sums, each at most 2 x 15 x 127, add without overflow before widening. */
        __m256i pairs = _mm256_add_epi16(
                _mm256_maddubs_epi16(low, _mm256_loadu_si256((const __m256i *) (even + 32 * half))),
                _mm256_maddubs_epi16(high, _mm256_loadu_si256((const __m256i *) (odd + 32 * half))));
        _mm256_storeu_si256((__m256i *) ((int32_t *) dot + 8 * half), _mm256_madd_epi16(pairs, ones));
    }
#elif defined(__ARM_FEATURE_DOTPROD)
    uint8x16_t nibble = vdupq_n_u8(0x0F);
    for (int quarter = 0; quarter < 4; quarter++) {
        uint8x16_t packed = vld1q_u8(w + 16 * quarter);
        int8x16_t low = vreinterpretq_s8_u8(vandq_u8(packed, nibble));
        int8x16_t high = vreinterpretq_s8_u8(vshrq_n_u8(packed, 4));
        int32x4_t sum = vdotq_s32(vdupq_n_s32(0), low, vld1q_s8(even + 16 * quarter));
        sum = vdotq_s32(sum, high, vld1q_s8(odd + 16 * quarter));
        vst1q_s32((int32_t *) dot + 4 * quarter, sum);
    }
#elif defined(__ARM_NEON)
    uint8x16_t nibble = vdupq_n_u8(0x0F);
    for (int quarter = 0; quarter < 4; quarter++) {
        uint8x16_t packed = vld1q_u8(w + 16 * quarter);
        int8x16_t low = vreinterpretq_s8_u8(vandq_u8(packed, nibble));
        int8x16_t high = vreinterpretq_s8_u8(vshrq_n_u8(packed, 4));
        int8x16_t e = vld1q_s8(even + 16 * quarter);
        int8x16_t o = vld1q_s8(odd + 16 * quarter);
        int16x8_t first = vmlal_s8(vmull_s8(vget_low_s8(low), vget_low_s8(e)), vget_low_s8(high), vget_low_s8(o));
        int16x8_t second = vmlal_s8(vmull_s8(vget_high_s8(low), vget_high_s8(e)), vget_high_s8(high),
                                    vget_high_s8(o));
        vst1q_s32((int32_t *) dot + 4 * quarter, vpaddq_s32(vpaddlq_s16(first), vpaddlq_s16(second)));
    }
#else
    for (int lane = 0; lane < 16; lane++) {
        int32_t sum = 0;
        for (int b = 4 * lane; b < 4 * lane + 4; b++) {
            sum += (w[b] & 0x0F) * even[b] + (w[b] >> 4) * odd[b];
        }
        (*dot)[lane] = sum;
    }
#endif
}

static inline __attribute__((always_inline)) void column_rows(const qe_int4q8_matrix *w, const qe_int4q8_rows *a,
                                                              int first_row, int rows, int j, const v16i *lane_block,
                                                              float *c, long ldc) {
    const uint8_t *column = w->quantized + (long) j * w->chunks * 64;
    const float *scales = w->scales + (long) j * w->block_stride;
    const uint8_t *zeros = w->zero_points + (long) j * w->block_stride;
    long values_per_row = (long) w->chunks * 128;
    long lanes_per_row = (long) w->chunks * 16;
    v16f sums[ROWS];
    for (int r = 0; r < rows; r++) {
        sums[r] = (v16f){0};
    }
    v16i zero = (v16i){0} + 8;
    for (int chunk = 0; chunk < w->chunks; chunk++) {
        /* Two streams (nibbles, scales) per column: help the prefetcher run ahead on both. */
        __builtin_prefetch(column + (long) chunk * 64 + PREFETCH_BYTES);
        __builtin_prefetch(scales + (((long) chunk * 128) >> w->block_shift) + PREFETCH_BYTES / 4);
        int first_block = (int) (((long) chunk * 128) >> w->block_shift);
        v16f weight_scale = __builtin_shuffle(*(const v16f_unaligned *) (scales + first_block), *lane_block);
        if (!w->default_zero) {
            v16i given = __builtin_convertvector(*(const v16u8_unaligned *) (zeros + first_block), v16i);
            zero = __builtin_shuffle(given, *lane_block);
        }
        for (int r = 0; r < rows; r++) {
            long row = first_row + r;
            const int8_t *values = a->values + row * values_per_row + (long) chunk * 128;
            long lanes = row * lanes_per_row + (long) chunk * 16;
            v16i dot;
            dot_chunk(column + (long) chunk * 64, values, values + 64, &dot);
            dot -= zero * *(const v16i_unaligned *) (a->lane_sums + lanes);
            v16f scale = weight_scale * *(const v16f_unaligned *) (a->lane_scales + lanes);
            sums[r] += __builtin_convertvector(dot, v16f) * scale;
        }
    }
    for (int r = 0; r < rows; r++) {
        float total = 0.0f;
        for (int lane = 0; lane < 16; lane++) {
            total += sums[r][lane];
        }
        c[(first_row + r) * ldc] = total;
    }
}

void QE_NAME(qe_int4q8_matmul)(const qe_int4q8_matrix *w, const qe_int4q8_rows *a, int m, int j0, int j1,
                               float *c) {
    /* Lane l of a chunk holds values 8l..8l+7, in block 8l >> shift of the chunk's first (0 for long blocks). */
    v16i lane_block;
    for (int lane = 0; lane < 16; lane++) {
        lane_block[lane] = (8 * lane) >> w->block_shift;
    }
    long ldc = j1 - j0;
    for (int first_row = 0; first_row < m; first_row += ROWS) {
        int rows = m - first_row < ROWS ? m - first_row : ROWS;
        for (int j = j0; j < j1; j++) {
            float *out = c + (j - j0);
            /* Constant row counts keep the accumulators in registers. */
            switch (rows) {
                case 4: column_rows(w, a, first_row, 4, j, &lane_block, out, ldc); break;
                case 3: column_rows(w, a, first_row, 3, j, &lane_block, out, ldc); break;
                case 2: column_rows(w, a, first_row, 2, j, &lane_block, out, ldc); break;
                default: column_rows(w, a, first_row, 1, j, &lane_block, out, ldc); break;
            }
        }
    }
}
