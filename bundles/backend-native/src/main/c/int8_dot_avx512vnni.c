/*
 * Int8 products with AVX-512 VNNI: vpdpbusd multiplies the 64 unsigned weight bytes of a group
 * (4 K rows x 16 columns) by 4 signed bytes of A broadcast to every lane and adds each lane's four
 * products to its int32 accumulator, wrapping. A register tile is 8 rows x 2 panels: 16
 * accumulators, 2 weight vectors and a broadcast stay within the 32 zmm registers.
 */
#include <immintrin.h>
#include <string.h>
#include "kernels.h"

#define VNNI_ROWS 8

static inline __attribute__((always_inline)) void vnni_tile(const int8_t *a, long a_stride, int k_groups, int rows,
                                                            const uint8_t *b0, const uint8_t *b1, int panels,
                                                            int32_t *dot, long ld) {
    __m512i acc[VNNI_ROWS][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = _mm512_setzero_si512();
        acc[r][1] = _mm512_setzero_si512();
    }
    for (int g = 0; g < k_groups; g++) {
        __m512i w0 = _mm512_load_si512((const void *) (b0 + (long) g * 64));
        __m512i w1 = panels == 2 ? _mm512_load_si512((const void *) (b1 + (long) g * 64)) : w0;
        for (int r = 0; r < rows; r++) {
            int32_t four;
            memcpy(&four, a + r * a_stride + (long) g * QE_KGROUP, sizeof four);
            __m512i x = _mm512_set1_epi32(four);
            acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], w0, x);
            if (panels == 2) {
                acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], w1, x);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm512_storeu_si512((void *) (dot + r * ld), acc[r][0]);
        if (panels == 2) {
            _mm512_storeu_si512((void *) (dot + r * ld + QE_PANEL), acc[r][1]);
        }
    }
}

#define VNNI_TILE_CASE(n, panels) \
    case n: vnni_tile(a, a_stride, k_groups, n, b0, b1, panels, dot, ld); return;

static void vnni_tile_any(const int8_t *a, long a_stride, int k_groups, int rows, const uint8_t *b0,
                          const uint8_t *b1, int panels, int32_t *dot, long ld) {
    if (panels == 2) {
        switch (rows) {
            VNNI_TILE_CASE(8, 2) VNNI_TILE_CASE(7, 2) VNNI_TILE_CASE(6, 2) VNNI_TILE_CASE(5, 2)
            VNNI_TILE_CASE(4, 2) VNNI_TILE_CASE(3, 2) VNNI_TILE_CASE(2, 2) default: VNNI_TILE_CASE(1, 2)
        }
    }
    switch (rows) {
        VNNI_TILE_CASE(8, 1) VNNI_TILE_CASE(7, 1) VNNI_TILE_CASE(6, 1) VNNI_TILE_CASE(5, 1)
        VNNI_TILE_CASE(4, 1) VNNI_TILE_CASE(3, 1) VNNI_TILE_CASE(2, 1) default: VNNI_TILE_CASE(1, 1)
    }
}

void qe_int8_dot_avx512vnni(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                            int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    long panel_bytes = (long) b->k_groups * 64;
    for (int q = 0; q < panel_count; q += 2) {
        int panels = panel_count - q >= 2 ? 2 : 1;
        const uint8_t *b0 = b->data + (first_panel + q) * panel_bytes;
        for (int i = 0; i < m; i += VNNI_ROWS) {
            int rows = m - i < VNNI_ROWS ? m - i : VNNI_ROWS;
            vnni_tile_any(a + i * a_stride, a_stride, b->k_groups, rows, b0, b0 + panel_bytes, panels,
                          dot + i * ld + q * QE_PANEL, ld);
        }
    }
}
