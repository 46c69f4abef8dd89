#ifndef VIDTAG_CKERNELS_H
#define VIDTAG_CKERNELS_H
// vidtag's own vector loops in C, each compiled for baseline x86-64 (SSE2), AVX2 and AVX-512F,
// one of them chosen at run time by the CPU's features (dispatch.c). Every path computes the
// same bits: no fused multiply-adds, the same operations in the same order, lane by lane.

#ifdef __cplusplus
extern "C" {
#endif

/// The dispatch levels: 0 baseline x86-64 (4 float lanes), 1 AVX2 (8), 2 AVX-512F (16).
enum { VIDTAG_LEVEL_BASELINE = 0, VIDTAG_LEVEL_AVX2 = 1, VIDTAG_LEVEL_AVX512 = 2, VIDTAG_LEVEL_COUNT = 3 };

/// The highest level this CPU (and its operating system) supports.
int vidtag_cpu_level(void);

/// The name of a level, e.g. "AVX-512F".
const char *vidtag_level_name(int level);

/// Winograd F(4x4, 3x3) input transform: u[xi * stride + c] = (B^T d B)_xi for the 6x6 patch d
/// whose tap xi = 6i + j reads taps[xi][c], for c < channels. At the CPU's level.
void vidtag_winograd4x3_input(const float *const *taps, float *u, long stride, long channels);

/// Winograd F(4x4, 3x3) output transform: lines[4a + b][o] = (A^T M A)_ab (plus its previous value
/// when accumulate), M_xi[o] = m[xi * stride + o], for o < channels; a NULL line is skipped.
void vidtag_winograd4x3_output(const float *m, long stride, float *const *lines, long channels, int accumulate);

/// The same at a given level (for tests; the level must not exceed vidtag_cpu_level()).
void vidtag_winograd4x3_input_at(int level, const float *const *taps, float *u, long stride, long channels);
void vidtag_winograd4x3_output_at(int level, const float *m, long stride, float *const *lines, long channels,
                                  int accumulate);

/// The 1-D Winograd forms: F(4, 3) (6 points, 4 outputs per run) and F(2, 7) (8 points, 2 outputs).
enum { VIDTAG_WINOGRAD1D_F4X3 = 0, VIDTAG_WINOGRAD1D_F2X7 = 1 };

/// 1-D Winograd input transform of one run: u[k * stride + c] = (B^T d)_k, d_k = taps[k][c], for
/// the form's points k and c < channels. At the CPU's level.
void vidtag_winograd1d_input(int form, const float *const *taps, float *u, long stride, long channels);

/// 1-D Winograd output transform of one run: lines[s][o] = (A^T p)_s (plus its previous value when
/// accumulate), p_k = m[k * stride + o], for the form's outputs s and o < channels; a NULL line is skipped.
void vidtag_winograd1d_output(int form, const float *m, long stride, float *const *lines, long channels, int accumulate);

/// The same at a given level (for tests; the level must not exceed vidtag_cpu_level()).
void vidtag_winograd1d_input_at(int level, int form, const float *const *taps, float *u, long stride, long channels);
void vidtag_winograd1d_output_at(int level, int form, const float *m, long stride, float *const *lines, long channels,
                                 int accumulate);

/// One output pixel of max pooling: out[c] = the largest taps[k][c] over k < count (-infinity for
/// none), for c < channels. At the CPU's level.
void vidtag_max_taps(const float *const *taps, long count, float *out, long channels);

/// One output pixel of average pooling: out[c] = (sum of taps[k][c] over k < count, in order) / divisor.
void vidtag_mean_taps(const float *const *taps, long count, float *out, long channels, float divisor);

/// The same at a given level (for tests; the level must not exceed vidtag_cpu_level()).
void vidtag_max_taps_at(int level, const float *const *taps, long count, float *out, long channels);
void vidtag_mean_taps_at(int level, const float *const *taps, long count, float *out, long channels, float divisor);

#ifdef __cplusplus
}
#endif
#endif
