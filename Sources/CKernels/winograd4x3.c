// Winograd F(4x4, 3x3) transforms at each dispatch level (see winograd4x3_body.h).
#pragma clang fp contract(off)

#include "ckernels.h"
#include "levels.h"

#define KERNEL_BODY "winograd4x3_body.h"
#include "each_level.h"

typedef void (*input_fn)(const float *const *, float *, long, long);
typedef void (*output_fn)(const float *, long, float *const *, long, int);
static const input_fn inputs[VIDTAG_LEVEL_COUNT] = {winograd4x3_input_baseline, winograd4x3_input_avx2,
                                                    winograd4x3_input_avx512};
static const output_fn outputs[VIDTAG_LEVEL_COUNT] = {winograd4x3_output_baseline, winograd4x3_output_avx2,
                                                      winograd4x3_output_avx512};

void vidtag_winograd4x3_input_at(int level, const float *const *taps, float *u, long stride, long channels) {
    inputs[vidtag_checked_level(level)](taps, u, stride, channels);
}

void vidtag_winograd4x3_output_at(int level, const float *m, long stride, float *const *lines, long channels,
                                  int accumulate) {
    outputs[vidtag_checked_level(level)](m, stride, lines, channels, accumulate);
}

void vidtag_winograd4x3_input(const float *const *taps, float *u, long stride, long channels) {
    inputs[vidtag_cpu_level()](taps, u, stride, channels);
}

void vidtag_winograd4x3_output(const float *m, long stride, float *const *lines, long channels, int accumulate) {
    outputs[vidtag_cpu_level()](m, stride, lines, channels, accumulate);
}
