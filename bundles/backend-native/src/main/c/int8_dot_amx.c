/*
 * Int8 products with AMX. TDPBSUD multiplies a tile of signed A' bytes (up to 16 rows x 64 bytes,
 * that is 16 K groups) by a tile of unsigned B' bytes (16 K groups x 16 columns x 4 bytes) into a
 * 16 x 16 int32 tile, wrapping as vpdpbusd does. A packed panel (kernels.h) already is a B tile:
 * group g of the panel is tile row g, 64 bytes apart. So B tiles load straight from the panel and
 * A tiles straight from A' at its row stride; nothing is repacked.
 *
 * The eight tiles hold a block of 32 rows x 2 panels: four accumulators, two A and two B tiles.
 * A tile's shape is part of the tile configuration, so the last rows (fewer than 32) and the last
 * K groups (fewer than 16) run under configurations of their own. Loading a configuration clears
 * every tile, so the K tail is a second pass over the panel pair that reloads the accumulators
 * from dot rather than a step inside the first.
 */
#include <immintrin.h>
#include <string.h>
#include "kernels.h"

/* Tile registers, as the literal numbers the intrinsics paste into the instruction. */
#define C_TOP_0 0    /* rows 0-15 of the block x first panel */
#define C_TOP_1 1    /* rows 0-15 x second panel */
#define C_BOTTOM_0 2 /* rows 16-31 x first panel */
#define C_BOTTOM_1 3 /* rows 16-31 x second panel */
#define A_TOP 4
#define A_BOTTOM 5
#define B_0 6
#define B_1 7

#define TILE_ROWS 16
#define TILE_GROUPS 16                               /* K groups in one A or B tile */
#define TILE_BYTES_PER_ROW 64
#define BLOCK_ROWS (2 * TILE_ROWS)
#define CHUNK_A_BYTES (TILE_GROUPS * QE_KGROUP)      /* one A tile row: 16 groups of 4 K values */
#define CHUNK_B_BYTES (TILE_GROUPS * 64)             /* one B tile: 16 groups of a panel */

/* The 64-byte operand of ldtilecfg (palette 1). */
typedef struct __attribute__((aligned(64))) {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
} tile_config;

/* What a configuration depends on: rows in the top and bottom halves of a block, K groups per step. */
typedef struct {
    int top_rows, bottom_rows, groups;
} block_shape;

static void shape_tile(tile_config *config, int tile, int rows, int bytes_per_row) {
    config->rows[tile] = (uint8_t) rows;
    config->bytes_per_row[tile] = (uint16_t) bytes_per_row;
}

/* Loads the configuration for a block shape unless it is the one loaded last. */
static void configure(block_shape *loaded, block_shape wanted) {
    if (loaded->top_rows == wanted.top_rows && loaded->bottom_rows == wanted.bottom_rows
            && loaded->groups == wanted.groups) {
        return;
    }
    tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    int a_bytes = wanted.groups * QE_KGROUP;
    shape_tile(&config, C_TOP_0, wanted.top_rows, TILE_BYTES_PER_ROW);
    shape_tile(&config, C_TOP_1, wanted.top_rows, TILE_BYTES_PER_ROW);
    shape_tile(&config, A_TOP, wanted.top_rows, a_bytes);
    if (wanted.bottom_rows > 0) {
        shape_tile(&config, C_BOTTOM_0, wanted.bottom_rows, TILE_BYTES_PER_ROW);
        shape_tile(&config, C_BOTTOM_1, wanted.bottom_rows, TILE_BYTES_PER_ROW);
        shape_tile(&config, A_BOTTOM, wanted.bottom_rows, a_bytes);
    }
    shape_tile(&config, B_0, wanted.groups, TILE_BYTES_PER_ROW);
    shape_tile(&config, B_1, wanted.groups, TILE_BYTES_PER_ROW);
    /* The intrinsic's operand covers only the first 8 bytes; this one tells the compiler all 64 are read. */
    __asm__ volatile("ldtilecfg %0" ::"m"(config));
    *loaded = wanted;
}

/*
 * dot (+)= A' x B' for one block over `chunks` steps of the configured K groups. a, b0 and b1 point
 * at the first step; `resume` starts from the sums already in dot instead of zero.
 */
static inline __attribute__((always_inline)) void amx_block(const int8_t *a, long a_stride, const uint8_t *b0,
                                                           const uint8_t *b1, int chunks, int32_t *dot, long ld,
                                                           int resume, int bottom, int two_panels) {
    long dot_stride = ld * (long) sizeof(int32_t);
    int32_t *dot_bottom = dot + TILE_ROWS * ld;
    const int8_t *a_bottom = a + TILE_ROWS * a_stride;
    if (resume) {
        _tile_loadd(C_TOP_0, dot, dot_stride);
        if (two_panels) _tile_loadd(C_TOP_1, dot + QE_PANEL, dot_stride);
        if (bottom) _tile_loadd(C_BOTTOM_0, dot_bottom, dot_stride);
        if (bottom && two_panels) _tile_loadd(C_BOTTOM_1, dot_bottom + QE_PANEL, dot_stride);
    } else {
        _tile_zero(C_TOP_0);
        if (two_panels) _tile_zero(C_TOP_1);
        if (bottom) _tile_zero(C_BOTTOM_0);
        if (bottom && two_panels) _tile_zero(C_BOTTOM_1);
    }
    for (int step = 0; step < chunks; step++) {
        _tile_loadd(B_0, b0 + (long) step * CHUNK_B_BYTES, TILE_BYTES_PER_ROW);
        if (two_panels) _tile_loadd(B_1, b1 + (long) step * CHUNK_B_BYTES, TILE_BYTES_PER_ROW);
        _tile_loadd(A_TOP, a + (long) step * CHUNK_A_BYTES, a_stride);
        if (bottom) _tile_loadd(A_BOTTOM, a_bottom + (long) step * CHUNK_A_BYTES, a_stride);
        _tile_dpbsud(C_TOP_0, A_TOP, B_0);
        if (two_panels) _tile_dpbsud(C_TOP_1, A_TOP, B_1);
        if (bottom) _tile_dpbsud(C_BOTTOM_0, A_BOTTOM, B_0);
        if (bottom && two_panels) _tile_dpbsud(C_BOTTOM_1, A_BOTTOM, B_1);
    }
    _tile_stored(C_TOP_0, dot, dot_stride);
    if (two_panels) _tile_stored(C_TOP_1, dot + QE_PANEL, dot_stride);
    if (bottom) _tile_stored(C_BOTTOM_0, dot_bottom, dot_stride);
    if (bottom && two_panels) _tile_stored(C_BOTTOM_1, dot_bottom + QE_PANEL, dot_stride);
}

/* One copy of the block per combination of halves present, so the loop has no tests in it. */
static void amx_block_any(const int8_t *a, long a_stride, const uint8_t *b0, const uint8_t *b1, int chunks,
                          int32_t *dot, long ld, int resume, int bottom, int two_panels) {
    if (bottom && two_panels) {
        amx_block(a, a_stride, b0, b1, chunks, dot, ld, resume, 1, 1);
    } else if (bottom) {
        amx_block(a, a_stride, b0, b1, chunks, dot, ld, resume, 1, 0);
    } else if (two_panels) {
        amx_block(a, a_stride, b0, b1, chunks, dot, ld, resume, 0, 1);
    } else {
        amx_block(a, a_stride, b0, b1, chunks, dot, ld, resume, 0, 0);
    }
}

void qe_int8_dot_amx(const qe_int8_matrix *b, const int8_t *a, int m, int first_panel, int panel_count,
                     int32_t *dot) {
    long a_stride = (long) b->k_groups * QE_KGROUP;
    long ld = (long) panel_count * QE_PANEL;
    long panel_bytes = (long) b->k_groups * 64;
    if (b->k_groups == 0) {
        memset(dot, 0, sizeof(int32_t) * (size_t) m * (size_t) ld); /* no tile has zero columns */
        return;
    }
    int full_steps = b->k_groups / TILE_GROUPS;
    int tail_groups = b->k_groups % TILE_GROUPS;
    block_shape loaded = {0, 0, 0};
    for (int q = 0; q < panel_count; q += 2) {
        int two_panels = panel_count - q >= 2;
        const uint8_t *b0 = b->data + (first_panel + q) * panel_bytes;
        for (int tail = 0; tail < 2; tail++) {
            int groups = tail ? tail_groups : TILE_GROUPS;
            int steps = tail ? 1 : full_steps;
            if (groups == 0 || steps == 0) {
                continue;
            }
            long first_step = tail ? full_steps : 0;
            for (int i = 0; i < m; i += BLOCK_ROWS) {
                int rows = m - i < BLOCK_ROWS ? m - i : BLOCK_ROWS;
                int top = rows < TILE_ROWS ? rows : TILE_ROWS;
                configure(&loaded, (block_shape) {top, rows - top, groups});
                amx_block_any(a + i * a_stride + first_step * CHUNK_A_BYTES, a_stride,
                              b0 + first_step * CHUNK_B_BYTES, b0 + panel_bytes + first_step * CHUNK_B_BYTES,
                              steps, dot + i * ld + q * QE_PANEL, ld, tail && full_steps > 0, rows > top, two_panels);
            }
        }
    }
    /* Back to the init state, so the OS need not save this thread's 8 KiB of tiles on every switch. */
    _tile_release();
}
