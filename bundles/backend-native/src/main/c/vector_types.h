/*
 * What the kernels compiled once per ISA share: the QE_NAME suffix (-DQE_SUFFIX=avx512vnni, =avx2,
 * =portable, =neon, =dotprod) and GCC vector types of 16 lanes, which are one zmm, two ymm or four
 * xmm/NEON registers depending on the ISA the unit is compiled for.
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

#endif
