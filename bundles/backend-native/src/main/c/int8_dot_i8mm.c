/*
 * Int8 products with the i8mm extension (-march=armv8.2-a+dotprod+i8mm). USMMLA multiplies a 2 x 8
 * matrix of unsigned bytes by the transpose of a 2 x 8 matrix of signed bytes into a 2 x 2 block of
 * int32 sums: 32 products an instruction against sdot's 16, and the unsigned side takes B' as
 * packed, so there is no flip to signed and no row-sum correction as in the dotprod variant.
 *
 * The unsigned operand is two columns of B' over 8 K values, from two consecutive groups: the 16
 * bytes at 4c of group g are columns c..c+3 over its 4 K rows, so zip1 of the 32-bit lanes of group
 * g and group g + 1 gives [c: k0-3, c: k4-7, c+1: k0-3, c+1: k4-7], and zip2 columns c+2 and c+3.
 * The signed operand is two rows of A' over the same 8 K. The sums come out columns x rows,
 * [c row 0, c row 1, c+1 row 0, c+1 row 1], and uzp1 / uzp2 of two of them give rows of 4 columns.
 *
 * A register tile is 4 rows (two row pairs) x 1 panel: 16 accumulators and 8 operands of B'.
 */
#include <arm_neon.h>
#include <string.h>
#include "kernels.h"

#define I8MM_ROWS 4
#define COLUMN_PAIRS (QE_PANEL / 2)

/* Two rows of A' over groups g and g + 1, or over g alone with zeros above it (K's odd last group). */
static inline int8x16_t two_rows(const int8_t *row0, const int8_t *row1, long offset, int last_group_alone) {
    if (last_group_alone) {
        /* 4 bytes each: reading 8 could run past the end of A'. */
        uint32_t four0, four1;
        memcpy(&four0, row0 + offset, sizeof four0);
        memcpy(&four1, row1 + offset, sizeof four1);
        return vcombine_s8(vcreate_s8(four0), vcreate_s8(four1));
    }
    return vcombine_s8(vld1_s8(row0 + offset), vld1_s8(row1 + offset));
}

/*
 * dot rows [0, rows) x one panel; rows[r] are the A' rows, rows 2 and 3 only when pairs == 2, a
 * missing odd row given as its pair's first (computed and not stored).
 */
static inline __attribute__((always_inline)) void i8mm_tile(const int8_t *const rows[I8MM_ROWS], int k_groups,
                                                            const uint8_t *panel, int pairs, int stored_rows,
                                                            int32_t *dot, long ld) {
    int32x4_t acc[2][COLUMN_PAIRS];
    for (int p = 0; p < pairs; p++) {
        for (int c = 0; c < COLUMN_PAIRS; c++) {
            acc[p][c] = vdupq_n_s32(0);
        }
    }
    for (int g = 0; g < k_groups; g += 2) {
        int alone = g + 1 == k_groups;
        uint8x16_t b[COLUMN_PAIRS];
        for (int quarter = 0; quarter < 4; quarter++) {
            uint32x4_t low = vreinterpretq_u32_u8(vld1q_u8(panel + (long) g * 64 + 16 * quarter));
            uint32x4_t high = alone ? vdupq_n_u32(0)
                                    : vreinterpretq_u32_u8(vld1q_u8(panel + (long) (g + 1) * 64 + 16 * quarter));
            b[2 * quarter] = vreinterpretq_u8_u32(vzip1q_u32(low, high));
            b[2 * quarter + 1] = vreinterpretq_u8_u32(vzip2q_u32(low, high));
        }
        long offset = (long) g * QE_KGROUP;
        for (int p = 0; p < pairs; p++) {
            int8x16_t a = two_rows(rows[2 * p], rows[2 * p + 1], offset, alone);
            for (int c = 0; c < COLUMN_PAIRS; c++) {
                acc[p][c] = vusmmlaq_s32(acc[p][c], b[c], a);
            }
        }
    }
    for (int p = 0; p < pairs; p++) {
        for (int quarter = 0; quarter < 4; quarter++) {
            int32x4_t left = acc[p][2 * quarter], right = acc[p][2 * quarter + 1];
            vst1q_s32(dot + (2 * p) * ld + 4 * quarter, vuzp1q_s32(left, right));
            if (2 * p + 1 < stored_rows) {
                vst1q_s32(dot + (2 * p + 1) * ld + 4 * quarter, vuzp2q_s32(left, right));
            }
        }
    }
}

void qe_int8_dot_i8mm(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                      int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    for (int q = 0; q < panel_count; q++) {
        const uint8_t *panel = b->data + (long) (first_panel + q) * b->k_groups * 64;
        for (int i = 0; i < m; i += I8MM_ROWS) {
            int count = m - i < I8MM_ROWS ? m - i : I8MM_ROWS;
            const int8_t *rows[I8MM_ROWS];
            for (int r = 0; r < I8MM_ROWS; r++) {
                /* A missing row repeats the one before it, so every load stays inside A'. */
                rows[r] = a + (i + (r < count ? r : count - 1)) * a_stride;
            }
            int32_t *out = dot + i * ld + q * QE_PANEL;
            if (count > 2) {
                i8mm_tile(rows, b->k_groups, panel, 2, count, out, ld);
            } else {
                i8mm_tile(rows, b->k_groups, panel, 1, count, out, ld);
            }
        }
    }
}
