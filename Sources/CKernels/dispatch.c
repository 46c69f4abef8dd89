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
    static int level = -1;  // a benign race: every thread computes the same value
    if (level < 0) level = detect();
    return level;
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
