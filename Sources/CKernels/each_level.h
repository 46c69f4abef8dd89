// Includes KERNEL_BODY (a file name) once per dispatch level, with LEVEL_TARGET (the level's
// target attribute), LANES (floats per vector) and SUFFIX (the level's name in function names).
// Not guarded: meant to be included once per kernel file. Elsewhere than on x86 the wider levels
// are compiled without a target attribute (and never chosen: vidtag_cpu_level() is 0 there).

#if defined(__x86_64__) || defined(__i386__)
#define AVX2_TARGET __attribute__((target("avx2")))
#define AVX512_TARGET __attribute__((target("avx512f")))
#else
#define AVX2_TARGET
#define AVX512_TARGET
#endif

#define LEVEL_TARGET
#define LANES 4
#define SUFFIX baseline
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX

#define LEVEL_TARGET AVX2_TARGET
#define LANES 8
#define SUFFIX avx2
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX

#define LEVEL_TARGET AVX512_TARGET
#define LANES 16
#define SUFFIX avx512
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX

#undef AVX2_TARGET
#undef AVX512_TARGET
