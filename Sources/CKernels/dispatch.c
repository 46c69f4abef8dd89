// Which level of the vector loops this CPU runs (ckernels.h), detected once.
#include <stdio.h>
#include <stdlib.h>

#include "ckernels.h"
#include "levels.h"

static int detect(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // __builtin_cpu_supports also checks that the operating system saves the wider registers.
    if (__builtin_cpu_supports("avx512f")) return VIDTAG_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2")) return VIDTAG_LEVEL_AVX2;
#endif
    return VIDTAG_LEVEL_BASELINE;
}

int vidtag_cpu_level(void) {
    // Detected on first use; threads that race there each store the same value (relaxed atomics).
    static int level = -1;
    int known = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (known < 0) {
        known = detect();
        __atomic_store_n(&level, known, __ATOMIC_RELAXED);
    }
    return known;
}

const char *vidtag_level_name(int level) {
    switch (level) {
    case VIDTAG_LEVEL_AVX512: return "AVX-512F";
    case VIDTAG_LEVEL_AVX2: return "AVX2";
    default: return "baseline x86-64 (SSE2)";
    }
}

int vidtag_checked_level(int level) {
    if (level < 0 || level > vidtag_cpu_level()) {
        fprintf(stderr, "vidtag: kernel level %d asked for, this CPU runs at most %d\n", level, vidtag_cpu_level());
        abort();
    }
    return level;
}

int vidtag_checked_form(int form) {
    if (form != VIDTAG_WINOGRAD1D_F4X3 && form != VIDTAG_WINOGRAD1D_F2X7) {
        fprintf(stderr, "vidtag: unknown 1-D Winograd form %d\n", form);
        abort();
    }
    return form;
}
