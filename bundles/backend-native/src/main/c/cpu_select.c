/*
 * Which kernel variants this CPU can run. On x86-64 an instruction set is usable only when the CPU
 * has it (cpuid) and the OS saves its registers on a context switch (xgetbv): a kernel that has
 * AVX-512 in cpuid but not in XCR0 would die with SIGILL. On aarch64 the kernel reports features
 * through the auxiliary vector.
 */
#include <stddef.h>
#include "kernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux hands out the 8 KiB AMX tile state only to processes that ask (arch_prctl(2)). */
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static uint64_t enabled_register_state(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t) edx << 32) | eax;
}

static uint32_t detect(void) {
    uint32_t eax, ebx, ecx, edx;
    uint32_t supported = 1u << QE_VARIANT_PORTABLE;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        return supported;
    }
    int has_fma = (ecx >> 12) & 1;
    int has_osxsave = (ecx >> 27) & 1;
    if (!has_osxsave || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return supported;
    }
    uint64_t xcr0 = enabled_register_state();
    int os_saves_ymm = (xcr0 & 0x6) == 0x6;            /* SSE and AVX state */
    int os_saves_zmm = (xcr0 & 0xE6) == 0xE6;          /* plus opmask and both halves of zmm */
    int has_avx2 = (ebx >> 5) & 1;
    int has_avx512f = (ebx >> 16) & 1;
    int has_avx512bw = (ebx >> 30) & 1;
    int has_avx512_vnni = (ecx >> 11) & 1;
    int has_amx_int8 = (edx >> 24 & 1) && (edx >> 25 & 1);  /* amx-tile, amx-int8 */
    int os_saves_tiles = (xcr0 & 0x60000) == 0x60000;       /* XTILECFG and XTILEDATA */
    if (os_saves_ymm && has_avx2 && has_fma) {
        supported |= 1u << QE_VARIANT_AVX2;
    }
    if (os_saves_zmm && has_avx512f && has_avx512bw && has_avx512_vnni && has_fma) {
        supported |= 1u << QE_VARIANT_AVX512_VNNI;
    }
    /* The permission is process-wide and must come before the first tile instruction, else SIGILL. */
    if ((supported >> QE_VARIANT_AVX512_VNNI & 1) && has_amx_int8 && os_saves_tiles
            && syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0) {
        supported |= 1u << QE_VARIANT_AMX;
    }
    return supported;
}

static const qe_kernel_set KERNEL_SETS[QE_VARIANT_COUNT] = {
    [QE_VARIANT_PORTABLE] = {"portable", qe_int8_dot_portable, qe_float_gemm_portable, qe_int4_matmul_portable,
                              qe_int4q8_matmul_portable, qe_depthwise_prepare_portable, qe_depthwise_portable},
    [QE_VARIANT_AVX2] = {"avx2", qe_int8_dot_avx2, qe_float_gemm_avx2, qe_int4_matmul_avx2, qe_int4q8_matmul_avx2,
                         qe_depthwise_prepare_avx2, qe_depthwise_avx2},
    [QE_VARIANT_AVX512_VNNI] = {"avx512vnni", qe_int8_dot_avx512vnni, qe_float_gemm_avx512vnni,
                                qe_int4_matmul_avx512vnni, qe_int4q8_matmul_avx512vnni,
                                qe_depthwise_prepare_avx512vnni, qe_depthwise_avx512vnni},
    [QE_VARIANT_AMX] = {"amx", qe_int8_dot_amx, qe_float_gemm_avx512vnni, qe_int4_matmul_avx512vnni,
                        qe_int4q8_matmul_avx512vnni, qe_depthwise_prepare_avx512vnni, qe_depthwise_avx512vnni},
};

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif

static uint32_t detect(void) {
    /* Advanced SIMD is part of every aarch64 Linux target. */
    uint32_t supported = (1u << QE_VARIANT_PORTABLE) | (1u << QE_VARIANT_NEON);
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) {
        supported |= 1u << QE_VARIANT_DOTPROD;
        /* Its float and int4 kernels are dotprod's, so it needs that too. */
        if (getauxval(AT_HWCAP2) & HWCAP2_I8MM) {
            supported |= 1u << QE_VARIANT_I8MM;
        }
    }
    return supported;
}

static const qe_kernel_set KERNEL_SETS[QE_VARIANT_COUNT] = {
    [QE_VARIANT_PORTABLE] = {"portable", qe_int8_dot_portable, qe_float_gemm_portable, qe_int4_matmul_portable,
                              qe_int4q8_matmul_portable, qe_depthwise_prepare_portable, qe_depthwise_portable},
    [QE_VARIANT_NEON] = {"neon", qe_int8_dot_neon, qe_float_gemm_neon, qe_int4_matmul_neon, qe_int4q8_matmul_neon,
                         qe_depthwise_prepare_neon, qe_depthwise_neon},
    [QE_VARIANT_DOTPROD] = {"dotprod", qe_int8_dot_dotprod, qe_float_gemm_dotprod, qe_int4_matmul_dotprod,
                              qe_int4q8_matmul_dotprod, qe_depthwise_prepare_dotprod, qe_depthwise_dotprod},
    [QE_VARIANT_I8MM] = {"i8mm", qe_int8_dot_i8mm, qe_float_gemm_dotprod, qe_int4_matmul_dotprod,
                         qe_int4q8_matmul_dotprod, qe_depthwise_prepare_dotprod, qe_depthwise_dotprod},
};

#else
static uint32_t detect(void) {
    return 1u << QE_VARIANT_PORTABLE;
}

static const qe_kernel_set KERNEL_SETS[QE_VARIANT_COUNT] = {
    [QE_VARIANT_PORTABLE] = {"portable", qe_int8_dot_portable, qe_float_gemm_portable, qe_int4_matmul_portable,
                              qe_int4q8_matmul_portable, qe_depthwise_prepare_portable, qe_depthwise_portable},
};
#endif

uint32_t qe_supported_variants(void) {
    /* cpuid can trap to the hypervisor in a VM, so it runs once; every thread computes the same value. */
    static uint32_t cached;
    uint32_t supported = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (supported == 0) {
        supported = detect();
        __atomic_store_n(&cached, supported, __ATOMIC_RELAXED);
    }
    return supported;
}

const qe_kernel_set *qe_kernel_set_for(int variant) {
    if (variant < 0 || variant >= QE_VARIANT_COUNT || !(qe_supported_variants() >> variant & 1u)) {
        return NULL;
    }
    return &KERNEL_SETS[variant];
}
