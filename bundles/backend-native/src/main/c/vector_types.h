/*
 * What the kernels compiled once per ISA share: the QE_NAME suffix (-DQE_SUFFIX=avx512vnni, =avx2,
 * =portable, =neon, =dotprod), GCC vector types of 16 lanes, which are one zmm, two ymm or four
 * xmm/NEON registers depending on the ISA the unit is compiled for, and widening bytes into them.
 */
#ifndef QUANTEDGE_VECTOR_TYPES_H
#define QUANTEDGE_VECTOR_TYPES_H

#include <stdint.h>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#ifndef QE_SUFFIX
#error "compile with -DQE_SUFFIX=<variant>"
#endif
#define QE_CAT2(a, b) a##_##b
#define QE_CAT(a, b) QE_CAT2(a, b)
#define QE_NAME(base) QE_CAT(base, QE_SUFFIX)

typedef float v16f __attribute__((vector_size(64), aligned(64)));
typedef float v16f_unaligned __attribute__((vector_size(64), aligned(4)));
typedef int32_t v16i __attribute__((vector_size(64), aligned(64)));
typedef int32_t v16i_unaligned __attribute__((vector_size(64), aligned(4)));
typedef uint8_t v16u8_unaligned __attribute__((vector_size(16), aligned(1)));

/*
 * 16 bytes, each sign- (is_signed, a constant where this is inlined) or zero-extended to a
 * 32-bit lane. GCC's generic conversion of a byte vector extracts the bytes one by one (4x slower
 * than the products around it), so each ISA gets its widening move.
 */
static inline __attribute__((always_inline)) void qe_widen_bytes(const uint8_t *bytes, int is_signed, v16i *out) {
    v16i lanes;
#if defined(__AVX512F__)
    __m128i packed = _mm_loadu_si128((const __m128i *) bytes);
    __m512i wide = is_signed ? _mm512_cvtepi8_epi32(packed) : _mm512_cvtepu8_epi32(packed);
    __builtin_memcpy(&lanes, &wide, sizeof lanes);
#elif defined(__AVX2__)
    __m128i packed = _mm_loadu_si128((const __m128i *) bytes);
    __m128i upper = _mm_srli_si128(packed, 8);
    __m256i low = is_signed ? _mm256_cvtepi8_epi32(packed) : _mm256_cvtepu8_epi32(packed);
    __m256i high = is_signed ? _mm256_cvtepi8_epi32(upper) : _mm256_cvtepu8_epi32(upper);
    __builtin_memcpy(&lanes, &low, sizeof low);
    __builtin_memcpy((char *) &lanes + sizeof low, &high, sizeof high);
#elif defined(__ARM_NEON)
    int32x4_t quarters[4];
    if (is_signed) {
        int8x16_t packed = vld1q_s8((const int8_t *) bytes);
        int16x8_t low = vmovl_s8(vget_low_s8(packed));
        int16x8_t high = vmovl_s8(vget_high_s8(packed));
        quarters[0] = vmovl_s16(vget_low_s16(low));
        quarters[1] = vmovl_s16(vget_high_s16(low));
        quarters[2] = vmovl_s16(vget_low_s16(high));
        quarters[3] = vmovl_s16(vget_high_s16(high));
    } else {
        uint8x16_t packed = vld1q_u8(bytes);
        uint16x8_t low = vmovl_u8(vget_low_u8(packed));
        uint16x8_t high = vmovl_u8(vget_high_u8(packed));
        quarters[0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(low)));
        quarters[1] = vreinterpretq_s32_u32(vmovl_u16(vget_high_u16(low)));
        quarters[2] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(high)));
        quarters[3] = vreinterpretq_s32_u32(vmovl_u16(vget_high_u16(high)));
    }
    __builtin_memcpy(&lanes, quarters, sizeof lanes);
#else
    for (int i = 0; i < 16; i++) {
        lanes[i] = is_signed ? (int8_t) bytes[i] : bytes[i];
    }
#endif
    *out = lanes; /* through a pointer: returning a 64-byte vector by value would change the ABI */
}

#endif
