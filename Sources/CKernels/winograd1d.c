// 1-D Winograd transforms F(4, 3) and F(2, 7) at each dispatch level (see winograd1d_body.h).
#pragma clang fp contract(off)

#include "ckernels.h"
#include "levels.h"

#define KERNEL_BODY "winograd1d_body.h"
#include "each_level.h"

typedef void (*input_fn)(const float *const *, float *, long, long);
typedef void (*output_fn)(const float *, long, float *const *, long, int);
// [form][level], forms in VIDTAG_WINOGRAD1D_* order
static const input_fn inputs[2][VIDTAG_LEVEL_COUNT] = {
    {f4x3_input_baseline, f4x3_input_avx2, f4x3_input_avx512},
    {f2x7_input_baseline, f2x7_input_avx2, f2x7_input_avx512},
};
static const output_fn outputs[2][VIDTAG_LEVEL_COUNT] = {
    {f4x3_output_baseline, f4x3_output_avx2, f4x3_output_avx512},
    {f2x7_output_baseline, f2x7_output_avx2, f2x7_output_avx512},
};

void vidtag_winograd1d_input_at(int level, int form, const float *const *taps, float *u, long stride, long channels) {
    inputs[vidtag_checked_form(form)][vidtag_checked_level(level)](taps, u, stride, channels);
}

void vidtag_winograd1d_output_at(int level, int form, const float *m, long stride, float *const *lines, long channels,
                                 int accumulate) {
    outputs[vidtag_checked_form(form)][vidtag_checked_level(level)](m, stride, lines, channels, accumulate);
}

void vidtag_winograd1d_input(int form, const float *const *taps, float *u, long stride, long channels) {
    inputs[vidtag_checked_form(form)][vidtag_cpu_level()](taps, u, stride, channels);
}

void vidtag_winograd1d_output(int form, const float *m, long stride, float *const *lines, long channels,
                              int accumulate) {
    outputs[vidtag_checked_form(form)][vidtag_cpu_level()](m, stride, lines, channels, accumulate);
}
