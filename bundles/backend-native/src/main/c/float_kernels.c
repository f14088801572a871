/*
 * Float GEMM and MatMulNBits, written once with GCC vector types and compiled once per ISA
 * (-DQE_SUFFIX=avx512vnni with -mavx512f, =avx2 with -mavx2 -mfma, =portable, =neon ...): a 16-lane
 * vector is one zmm, two ymm or four xmm/NEON registers, and a * b + c contracts to FMA where the
 * ISA has it. Summation order differs from the scalar reference, so results agree within tolerance.
 */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "vector_types.h"

/* Rows per register tile: 4 rows x 2 panels keeps 8 accumulators, within every ISA's registers. */
#define FLOAT_ROWS 4

static inline __attribute__((always_inline)) void float_tile(const float *a, int k, int rows, const float *b0,
                                                             const float *b1, int panels, float *c, long ldc) {
    v16f acc[FLOAT_ROWS][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = (v16f){0};
        acc[r][1] = (v16f){0};
    }
    for (int p = 0; p < k; p++) {
        v16f w0 = *(const v16f *) (b0 + (long) p * QE_PANEL);
        v16f w1 = panels == 2 ? *(const v16f *) (b1 + (long) p * QE_PANEL) : (v16f){0};
        for (int r = 0; r < rows; r++) {
            float x = a[(long) r * k + p];
            acc[r][0] += x * w0;
            if (panels == 2) {
                acc[r][1] += x * w1;
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        *(v16f_unaligned *) (c + r * ldc) = acc[r][0];
        if (panels == 2) {
            *(v16f_unaligned *) (c + r * ldc + QE_PANEL) = acc[r][1];
        }
    }
}

/* Dispatches to tiles whose row and panel counts are constants, so the accumulators stay in registers. */
static void float_tile_any(const float *a, int k, int rows, const float *b0, const float *b1, int panels, float *c,
                           long ldc) {
    if (panels == 2) {
        switch (rows) {
            case 4: float_tile(a, k, 4, b0, b1, 2, c, ldc); return;
            case 3: float_tile(a, k, 3, b0, b1, 2, c, ldc); return;
            case 2: float_tile(a, k, 2, b0, b1, 2, c, ldc); return;
            default: float_tile(a, k, 1, b0, b1, 2, c, ldc); return;
        }
    }
    switch (rows) {
        case 4: float_tile(a, k, 4, b0, b1, 1, c, ldc); return;
        case 3: float_tile(a, k, 3, b0, b1, 1, c, ldc); return;
        case 2: float_tile(a, k, 2, b0, b1, 1, c, ldc); return;
        default: float_tile(a, k, 1, b0, b1, 1, c, ldc); return;
    }
}

void QE_NAME(qe_float_gemm)(const qe_float_matrix *b, const float *a, int m, int first_panel, int panel_count,
                            float *c) {
    long ldc = (long) panel_count * QE_PANEL;
    long panel_floats = (long) b->k * QE_PANEL;
    for (int q = 0; q < panel_count; q += 2) {
        int panels = panel_count - q >= 2 ? 2 : 1;
        const float *b0 = b->data + (first_panel + q) * panel_floats;
        const float *b1 = b0 + panel_floats;
        for (int i = 0; i < m; i += FLOAT_ROWS) {
            int rows = m - i < FLOAT_ROWS ? m - i : FLOAT_ROWS;
            float_tile_any(a + (long) i * b->k, b->k, rows, b0, b1, panels, c + i * ldc + q * QE_PANEL, ldc);
        }
    }
}

/*
 * MatMulNBits: each weight is dequantized exactly as the reference computes it ((q - zero) * scale
 * in single precision; K padding is 0), then multiplied with every row of A. Each row keeps a
 * vector of partial sums for the whole column and reduces it once at the end: reducing per block
 * cost more than the products. Rows of A are padded to whole blocks.
 *
 * Byte t of a 32-weight chunk holds weight 2t in its low nibble and 2t + 1 in its high one. Rather
 * than interleave the unpacked nibbles (a shuffle per vector), A's rows are reordered once per call
 * to match, even elements then odd ones per chunk: 16 bytes then unpack into two vectors with a
 * widening load, a mask and a shift. Whole blocks of a multiple of 32 take that path; the rest
 * (16-weight blocks, the block holding the end of K) unpack one nibble at a time.
 * Returns without output when the scratch memory cannot be allocated (-1).
 */
static void pair_order(const float *a, long length, float *out) {
    for (long chunk = 0; chunk + 32 <= length; chunk += 32) {
        for (int t = 0; t < 16; t++) {
            out[chunk + t] = a[chunk + 2 * t];
            out[chunk + 16 + t] = a[chunk + 2 * t + 1];
        }
    }
}

/* 32 weights from 16 bytes: the low nibbles (even weights) and the high ones (odd weights). */
static inline __attribute__((always_inline)) void dequantize_chunk(const uint8_t *bytes, v16f zero, v16f scale,
                                                                   v16f *even, v16f *odd) {
    v16i q;
    qe_widen_bytes(bytes, 0, &q);
    *even = (__builtin_convertvector(q & 15, v16f) - zero) * scale;
    *odd = (__builtin_convertvector(q >> 4, v16f) - zero) * scale;
}

/*
 * One whole block times one row, into two partial sums; the caller alternates two pairs per block,
 * keeping four independent FMA chains, so the loop runs at the unpacking's rate, not FMA latency.
 */
static inline __attribute__((always_inline)) void int4_block_times_vector(const uint8_t *nibbles, int block_size,
                                                                          float zero, float scale,
                                                                          const float *pairs, v16f *even_sum,
                                                                          v16f *odd_sum) {
    v16f zero_lanes = (v16f){0} + zero;
    v16f scale_lanes = (v16f){0} + scale;
    for (int start = 0; start < block_size; start += 32) {
        v16f even, odd;
        dequantize_chunk(nibbles + start / 2, zero_lanes, scale_lanes, &even, &odd);
        *even_sum += *(const v16f_unaligned *) (pairs + start) * even;
        *odd_sum += *(const v16f_unaligned *) (pairs + start + 16) * odd;
    }
}

static inline __attribute__((always_inline)) void int4_whole_block(const uint8_t *nibbles, int block_size,
                                                                   float zero, float scale, const float *pairs,
                                                                   long a_stride, int m, v16f *sums) {
    v16f zero_lanes = (v16f){0} + zero;
    v16f scale_lanes = (v16f){0} + scale;
    for (int start = 0; start < block_size; start += 32) {
        v16f even, odd;
        dequantize_chunk(nibbles + start / 2, zero_lanes, scale_lanes, &even, &odd);
        for (int i = 0; i < m; i++) {
            const float *x = pairs + i * a_stride + start;
            sums[i] += *(const v16f_unaligned *) x * even + *(const v16f_unaligned *) (x + 16) * odd;
        }
    }
}

int QE_NAME(qe_int4_matmul)(const qe_int4_matrix *w, const float *a, int m, int j0, int j1, float *c) {
    enum { CHUNK = 64 };
    int block_size = w->block_size;
    long a_stride = (long) w->blocks * block_size;
    long ldc = j1 - j0;
    int bytes_per_block = block_size / 2;
    v16f weights[CHUNK / 16];
    v16f *sums = aligned_alloc(64, sizeof(v16f) * (size_t) m);
    int paired = block_size % 32 == 0;
    float *pairs = paired ? malloc(sizeof(float) * (size_t) (m * a_stride)) : NULL;
    if (sums == NULL || (paired && pairs == NULL)) {
        free(sums);
        free(pairs);
        return -1;
    }
    int whole_blocks = w->k / block_size;
    for (int i = 0; paired && i < m; i++) {
        pair_order(a + i * a_stride, a_stride, pairs + i * a_stride);
    }
    for (int j = j0; j < j1; j++) {
        const uint8_t *column = w->quantized + (long) j * w->blocks * bytes_per_block;
        for (int i = 0; i < m; i++) {
            sums[i] = (v16f){0};
        }
        int block = 0;
        if (paired && m == 1) {
            /* A matrix-vector product (decoding): the sum stays in a register across the column. */
            const uint8_t *zeros = w->zero_points + (long) j * w->blocks;
            const float *scales = w->scales + (long) j * w->blocks;
            v16f p0 = (v16f){0}, p1 = (v16f){0}, p2 = (v16f){0}, p3 = (v16f){0};
            for (; block + 2 <= whole_blocks; block += 2) {
                int4_block_times_vector(column + (long) block * bytes_per_block, block_size, zeros[block],
                                        scales[block], pairs + (long) block * block_size, &p0, &p1);
                int4_block_times_vector(column + (long) (block + 1) * bytes_per_block, block_size, zeros[block + 1],
                                        scales[block + 1], pairs + (long) (block + 1) * block_size, &p2, &p3);
            }
            if (block < whole_blocks) {
                int4_block_times_vector(column + (long) block * bytes_per_block, block_size, zeros[block],
                                        scales[block], pairs + (long) block * block_size, &p0, &p1);
                block++;
            }
            sums[0] = (p0 + p1) + (p2 + p3);
        }
        for (; block < w->blocks; block++) {
            float scale = w->scales[(long) j * w->blocks + block];
            int zero = w->zero_points[(long) j * w->blocks + block];
            int valid = w->k - block * block_size;
            if (paired && valid >= block_size) {
                int4_whole_block(column + (long) block * bytes_per_block, block_size, (float) zero, scale,
                                 pairs + (long) block * block_size, a_stride, m, sums);
                continue;
            }
            for (int start = 0; start < block_size; start += CHUNK) {
                int length = block_size - start < CHUNK ? block_size - start : CHUNK;
                float *values = (float *) weights;
                const uint8_t *nibbles = column + (long) block * bytes_per_block + start / 2;
                for (int r = 0; r < length / 2; r++) {
                    values[2 * r] = (float) ((nibbles[r] & 0x0F) - zero) * scale;
                    values[2 * r + 1] = (float) ((nibbles[r] >> 4) - zero) * scale;
                }
                if (valid - start < length) {
                    for (int r = valid - start < 0 ? 0 : valid - start; r < length; r++) {
                        values[r] = 0.0f;
                    }
                }
                int vectors = length / 16;
                for (int i = 0; i < m; i++) {
                    const float *x = a + i * a_stride + (long) block * block_size + start;
                    v16f sum = sums[i];
                    for (int v = 0; v < vectors; v++) {
                        sum += *(const v16f_unaligned *) (x + 16 * v) * weights[v];
                    }
                    sums[i] = sum;
                }
            }
        }
        for (int i = 0; i < m; i++) {
            float total = 0.0f;
            for (int lane = 0; lane < 16; lane++) {
                total += sums[i][lane];
            }
            c[i * ldc + (j - j0)] = total;
        }
    }
    free(sums);
    free(pairs);
    return 0;
}
