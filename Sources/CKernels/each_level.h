// Includes KERNEL_BODY (a file name) once per dispatch level, with LEVEL_TARGET (the level's
// target attribute), LANES (floats per vector) and SUFFIX (the level's name in function names).
// Not guarded: meant to be included once per kernel file.

#define LEVEL_TARGET
#define LANES 4
#define SUFFIX baseline
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX

#define LEVEL_TARGET __attribute__((target("avx2")))
#define LANES 8
#define SUFFIX avx2
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX

#define LEVEL_TARGET __attribute__((target("avx512f")))
#define LANES 16
#define SUFFIX avx512
#include KERNEL_BODY
#undef LEVEL_TARGET
#undef LANES
#undef SUFFIX
