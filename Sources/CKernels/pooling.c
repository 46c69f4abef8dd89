// Max and average pooling of one output pixel at each dispatch level (see pooling_body.h).
#pragma clang fp contract(off)

#include "ckernels.h"
#include "levels.h"

#define KERNEL_BODY "pooling_body.h"
#include "each_level.h"

typedef void (*max_fn)(const float *const *, long, float *, long);
typedef void (*mean_fn)(const float *const *, long, float *, long, float);
static const max_fn maxes[VIDTAG_LEVEL_COUNT] = {max_taps_baseline, max_taps_avx2, max_taps_avx512};
static const mean_fn means[VIDTAG_LEVEL_COUNT] = {mean_taps_baseline, mean_taps_avx2, mean_taps_avx512};

void vidtag_max_taps_at(int level, const float *const *taps, long count, float *out, long channels) {
    maxes[vidtag_checked_level(level)](taps, count, out, channels);
}

void vidtag_mean_taps_at(int level, const float *const *taps, long count, float *out, long channels, float divisor) {
    means[vidtag_checked_level(level)](taps, count, out, channels, divisor);
}

void vidtag_max_taps(const float *const *taps, long count, float *out, long channels) {
    maxes[vidtag_cpu_level()](taps, count, out, channels);
}

void vidtag_mean_taps(const float *const *taps, long count, float *out, long channels, float divisor) {
    means[vidtag_cpu_level()](taps, count, out, channels, divisor);
}
