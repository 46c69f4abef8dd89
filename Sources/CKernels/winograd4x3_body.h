// One dispatch level's Winograd F(4x4, 3x3) transforms, included by winograd4x3.c once per level
// with LEVEL_TARGET (a target attribute), LANES (floats per vector) and SUFFIX defined. No fused
// multiply-adds and the same operations in the same order on every lane, so every level gives
// the same bits (and the bits of the Swift SIMD4 code this replaced). The matrices are in
// WinogradF4x3.swift's comments.

#define CONCAT_(a, b) a##b
#define CONCAT(a, b) CONCAT_(a, b)
#define VEC CONCAT(vec_, SUFFIX)

typedef float VEC __attribute__((ext_vector_type(LANES)));

// One column (or row) of B^T d: the six input taps -> the six transformed values.
#define INPUT_LINE(T, d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5) do { \
    r0 = (T)2 * (d0 + d4) + (T)3 * (d3 - d1) - (T)4 * d2;                  \
    r1 = (T)2 * (d4 - d1) + d2 + (T)5 * d3;                                 \
    r2 = (T)5 * d2 - d3 - (T)2 * (d1 + d4);                                 \
    r3 = (T)2 * (d1 - d3) + d2 - d4;                                        \
    r4 = d1 - d3 + (T)2 * (d4 - d2);                                        \
    r5 = (T)2 * (d1 + d5) + (T)3 * (d4 - d2) - (T)4 * d3;                  \
} while (0)

// One column (or row) of A^T M: six products -> four outputs.
#define OUTPUT_LINE(T, m0, m1, m2, m3, m4, m5, y0, y1, y2, y3) do { \
    T sum_ = m1 + m2, difference_ = m1 - m2;                          \
    y0 = m0 + sum_ + m3 + m4;                                         \
    y1 = difference_ + (T)0.5f * m3 - (T)2 * m4;                      \
    y2 = sum_ + (T)0.25f * m3 + (T)4 * m4;                            \
    y3 = difference_ + (T)0.125f * m3 - (T)8 * m4 + m5;               \
} while (0)

static LEVEL_TARGET inline VEC CONCAT(load_, SUFFIX)(const float *p) {
    VEC v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static LEVEL_TARGET inline void CONCAT(store_, SUFFIX)(float *p, VEC v) { __builtin_memcpy(p, &v, sizeof v); }

// The transforms of channels [c, c + width) with element type T (VEC for whole vectors, float
// for the last channels), loading and storing through LOAD / STORE.
#define INPUT_BODY(T, LOAD, STORE)                                                                 \
    T work[36];                                                                                    \
    for (int j = 0; j < 6; j++) {                                                                  \
        T d0 = LOAD(taps[j] + c), d1 = LOAD(taps[6 + j] + c), d2 = LOAD(taps[12 + j] + c);        \
        T d3 = LOAD(taps[18 + j] + c), d4 = LOAD(taps[24 + j] + c), d5 = LOAD(taps[30 + j] + c);  \
        INPUT_LINE(T, d0, d1, d2, d3, d4, d5, work[j], work[6 + j], work[12 + j], work[18 + j],    \
                   work[24 + j], work[30 + j]);                                                    \
    }                                                                                              \
    for (int i = 0; i < 6; i++) {                                                                  \
        const T *row = work + 6 * i;                                                               \
        T r0, r1, r2, r3, r4, r5;                                                                  \
        INPUT_LINE(T, row[0], row[1], row[2], row[3], row[4], row[5], r0, r1, r2, r3, r4, r5);     \
        float *base = u + 6 * i * stride + c;                                                      \
        STORE(base, r0); STORE(base + stride, r1); STORE(base + 2 * stride, r2);                   \
        STORE(base + 3 * stride, r3); STORE(base + 4 * stride, r4); STORE(base + 5 * stride, r5);  \
    }

#define OUTPUT_BODY(T, LOAD, STORE)                                                                \
    T work[24];                                                                                    \
    for (int j = 0; j < 6; j++) {                                                                  \
        const float *p = m + j * stride + o;                                                       \
        OUTPUT_LINE(T, LOAD(p), LOAD(p + 6 * stride), LOAD(p + 12 * stride), LOAD(p + 18 * stride), \
                    LOAD(p + 24 * stride), LOAD(p + 30 * stride),                                  \
                    work[j], work[6 + j], work[12 + j], work[18 + j]);                             \
    }                                                                                              \
    for (int a = 0; a < 4; a++) {                                                                  \
        const T *row = work + 6 * a;                                                               \
        T y[4];                                                                                    \
        OUTPUT_LINE(T, row[0], row[1], row[2], row[3], row[4], row[5], y[0], y[1], y[2], y[3]);    \
        for (int b = 0; b < 4; b++) {                                                              \
            float *line = lines[4 * a + b];                                                        \
            if (!line) continue;                                                                   \
            T value = accumulate ? y[b] + LOAD(line + o) : y[b];                                   \
            STORE(line + o, value);                                                                \
        }                                                                                          \
    }

#define SCALAR_LOAD(p) (*(p))
#define SCALAR_STORE(p, v) (*(p) = (v))

LEVEL_TARGET void CONCAT(winograd4x3_input_, SUFFIX)(const float *const *taps, float *u, long stride, long channels) {
    long c = 0;
    for (; c + LANES <= channels; c += LANES) {
        INPUT_BODY(VEC, CONCAT(load_, SUFFIX), CONCAT(store_, SUFFIX))
    }
    for (; c < channels; c++) {
        INPUT_BODY(float, SCALAR_LOAD, SCALAR_STORE)
    }
}

LEVEL_TARGET void CONCAT(winograd4x3_output_, SUFFIX)(const float *m, long stride, float *const *lines, long channels,
                                                      int accumulate) {
    long o = 0;
    for (; o + LANES <= channels; o += LANES) {
        OUTPUT_BODY(VEC, CONCAT(load_, SUFFIX), CONCAT(store_, SUFFIX))
    }
    for (; o < channels; o++) {
        OUTPUT_BODY(float, SCALAR_LOAD, SCALAR_STORE)
    }
}

#undef INPUT_LINE
#undef OUTPUT_LINE
#undef INPUT_BODY
#undef OUTPUT_BODY
#undef SCALAR_LOAD
#undef SCALAR_STORE
#undef VEC
