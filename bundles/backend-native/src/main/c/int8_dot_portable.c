/*
 * The int8 products in plain C over the packed layout: the fallback for CPUs without a SIMD variant
 * and the variant a test can force to check the others. Unsigned arithmetic so the int32 wrap-around
 * is defined behaviour, as it is in the SIMD instructions.
 */
#include "kernels.h"

void qe_int8_dot_portable(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                          int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    for (int q = 0; q < panel_count; q++) {
        const uint8_t *panel = b->data + (long) (first_panel + q) * b->k_groups * 64;
        for (int i = 0; i < m; i++) {
            const int8_t *row = a + i * a_stride;
            uint32_t sums[QE_PANEL] = {0};
            for (int g = 0; g < b->k_groups; g++) {
                const uint8_t *group = panel + (long) g * 64;
                for (int col = 0; col < QE_PANEL; col++) {
                    for (int r = 0; r < QE_KGROUP; r++) {
                        sums[col] += (uint32_t) (row[g * QE_KGROUP + r] * group[col * QE_KGROUP + r]);
                    }
                }
            }
            for (int col = 0; col < QE_PANEL; col++) {
                dot[i * ld + q * QE_PANEL + col] = (int32_t) sums[col];
            }
        }
    }
}
