/*
 * Int8 products with AVX2 (no VNNI): vpmaddubsw would saturate its int16 pair sums (255 x 127 x 2
 * exceeds 32767), so each 16-byte quarter of a group (4 columns x 4 K rows) is widened to int16 and
 * multiplied with vpmaddwd, whose int32 pair sums are exact. Each accumulator lane then holds half a
 * column's sum; the halves are added once at the end of the tile. Tile: 2 rows x 1 panel, 8
 * accumulators of the 16 ymm registers.
 */
#include <immintrin.h>
#include <string.h>
#include "kernels.h"

#define AVX2_ROWS 2

static inline __attribute__((always_inline)) __m256i broadcast_four(const int8_t *a) {
    int32_t four;
    memcpy(&four, a, sizeof four);
    return _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(four)));
}

/* Adds the column halves of two accumulators (columns 0-3 and 4-7) into 8 column sums in order. */
static inline __m256i column_sums(__m256i low_columns, __m256i high_columns) {
    return _mm256_permute4x64_epi64(_mm256_hadd_epi32(low_columns, high_columns), 0xD8);
}

static inline __attribute__((always_inline)) void avx2_tile(const int8_t *a, long a_stride, int k_groups, int rows,
                                                            const uint8_t *panel, int32_t *dot, long ld) {
    __m256i acc[AVX2_ROWS][4];
    for (int r = 0; r < rows; r++) {
        for (int quarter = 0; quarter < 4; quarter++) {
            acc[r][quarter] = _mm256_setzero_si256();
        }
    }
    for (int g = 0; g < k_groups; g++) {
        const uint8_t *group = panel + (long) g * 64;
        __m256i w[4];
        for (int quarter = 0; quarter < 4; quarter++) {
            w[quarter] = _mm256_cvtepu8_epi16(_mm_load_si128((const __m128i *) (group + 16 * quarter)));
        }
        for (int r = 0; r < rows; r++) {
            __m256i x = broadcast_four(a + r * a_stride + (long) g * QE_KGROUP);
            for (int quarter = 0; quarter < 4; quarter++) {
                acc[r][quarter] = _mm256_add_epi32(acc[r][quarter], _mm256_madd_epi16(w[quarter], x));
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm256_storeu_si256((__m256i *) (dot + r * ld), column_sums(acc[r][0], acc[r][1]));
        _mm256_storeu_si256((__m256i *) (dot + r * ld + 8), column_sums(acc[r][2], acc[r][3]));
    }
}

void qe_int8_dot_avx2(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                      int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    long panel_bytes = (long) b->k_groups * 64;
    for (int q = 0; q < panel_count; q++) {
        const uint8_t *panel = b->data + (first_panel + q) * panel_bytes;
        for (int i = 0; i < m; i += AVX2_ROWS) {
            if (m - i >= 2) {
                avx2_tile(a + i * a_stride, a_stride, b->k_groups, 2, panel, dot + i * ld + q * QE_PANEL, ld);
            } else {
                avx2_tile(a + i * a_stride, a_stride, b->k_groups, 1, panel, dot + i * ld + q * QE_PANEL, ld);
            }
        }
    }
}
