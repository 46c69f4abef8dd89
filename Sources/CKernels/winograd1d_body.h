// One dispatch level's 1-D Winograd transforms F(4, 3) and F(2, 7), included by winograd1d.c once
// per level with LEVEL_TARGET, LANES and SUFFIX defined. No fused multiply-adds and the same
// operations in the same order on every lane, so every level gives the same bits (and the bits
// of the Swift SIMD4 code this replaced).

#define CONCAT_(a, b) a##b
#define CONCAT(a, b) CONCAT_(a, b)
#define VEC CONCAT(vec1d_, SUFFIX)

typedef float VEC __attribute__((ext_vector_type(LANES)));

static LEVEL_TARGET inline VEC CONCAT(load1d_, SUFFIX)(const float *p) {
    VEC v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static LEVEL_TARGET inline void CONCAT(store1d_, SUFFIX)(float *p, VEC v) { __builtin_memcpy(p, &v, sizeof v); }

// d[0..5] <- B^T d of F(4, 3) (the 2-D transform's line, winograd4x3_body.h), in place.
#define LINE_F4X3_INPUT(T, d) do {                                                           \
    T d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3], d4 = d[4], d5 = d[5];                     \
    d[0] = (T)2 * (d0 + d4) + (T)3 * (d3 - d1) - (T)4 * d2;                                 \
    d[1] = (T)2 * (d4 - d1) + d2 + (T)5 * d3;                                                \
    d[2] = (T)5 * d2 - d3 - (T)2 * (d1 + d4);                                                \
    d[3] = (T)2 * (d1 - d3) + d2 - d4;                                                       \
    d[4] = d1 - d3 + (T)2 * (d4 - d2);                                                       \
    d[5] = (T)2 * (d1 + d5) + (T)3 * (d4 - d2) - (T)4 * d3;                                 \
} while (0)

// y[0..3] <- A^T p of F(4, 3).
#define LINE_F4X3_OUTPUT(T, p, y) do {                                                       \
    T sum_ = p[1] + p[2], difference_ = p[1] - p[2];                                          \
    y[0] = p[0] + sum_ + p[3] + p[4];                                                         \
    y[1] = difference_ + (T)0.5f * p[3] - (T)2 * p[4];                                        \
    y[2] = sum_ + (T)0.25f * p[3] + (T)4 * p[4];                                              \
    y[3] = difference_ + (T)0.125f * p[3] - (T)8 * p[4] + p[5];                               \
} while (0)

// d[0..7] <- B^T d of F(2, 7), points 0, ±1, ±2, ±1/2, infinity, in place.
#define LINE_F2X7_INPUT(T, d) do {                                                           \
    T d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3], d4 = d[4], d5 = d[5], d6 = d[6], d7 = d[7]; \
    T even1 = (T)17 * d4 - (T)4 * (d2 + d6), odd1 = (T)4 * (d1 + d5) - (T)17 * d3;          \
    T even2 = d2 - (T)5 * d4 + (T)4 * d6, odd2 = (T)2 * d1 - (T)10 * d3 + (T)8 * d5;        \
    T evenHalf = (T)8 * d2 - (T)10 * d4 + (T)2 * d6, oddHalf = (T)4 * d1 - (T)5 * d3 + d5;  \
    d[0] = (T)4 * (d0 - d6) + (T)21 * (d4 - d2);                                             \
    d[1] = even1 - odd1; d[2] = even1 + odd1;                                                 \
    d[3] = even2 + odd2; d[4] = even2 - odd2;                                                 \
    d[5] = evenHalf + oddHalf; d[6] = evenHalf - oddHalf;                                     \
    d[7] = (T)4 * (d7 - d1) + (T)21 * (d3 - d5);                                             \
} while (0)

// y[0..1] <- A^T p of F(2, 7).
#define LINE_F2X7_OUTPUT(T, p, y) do {                                                       \
    T one_ = p[1] - p[2], two_ = p[3] - p[4], half_ = p[5] - p[6];                           \
    y[0] = p[0] + (p[1] + p[2]) + (p[3] + p[4]) + (p[5] + p[6]);                              \
    y[1] = one_ + (T)2 * two_ + (T)0.5f * half_ + p[7];                                       \
} while (0)

#define SCALAR_LOAD(p) (*(p))
#define SCALAR_STORE(p, v) (*(p) = (v))

// Channels [c, c + width) of one run: the N taps through LINE into u's N positions.
#define INPUT_1D(T, LOAD, STORE, N, LINE)                                                    \
    T d[N];                                                                                  \
    for (int k = 0; k < N; k++) d[k] = LOAD(taps[k] + c);                                    \
    LINE(T, d);                                                                              \
    for (int k = 0; k < N; k++) STORE(u + k * stride + c, d[k]);

// Outputs [o, o + width) of one run: the N products through LINE into the M lines.
#define OUTPUT_1D(T, LOAD, STORE, N, M, LINE)                                                \
    T p[N], y[M];                                                                            \
    for (int k = 0; k < N; k++) p[k] = LOAD(m + k * stride + o);                             \
    LINE(T, p, y);                                                                           \
    for (int s = 0; s < M; s++) {                                                            \
        float *line = lines[s];                                                              \
        if (!line) continue;                                                                 \
        T value = accumulate ? y[s] + LOAD(line + o) : y[s];                                 \
        STORE(line + o, value);                                                              \
    }

#define DEFINE_1D(NAME, N, M, LINE_IN, LINE_OUT)                                                          \
LEVEL_TARGET static void CONCAT(NAME##_input_, SUFFIX)(const float *const *taps, float *u, long stride,   \
                                                          long channels) {                               \
    long c = 0;                                                                                          \
    for (; c + LANES <= channels; c += LANES) { INPUT_1D(VEC, CONCAT(load1d_, SUFFIX), CONCAT(store1d_, SUFFIX), N, LINE_IN) } \
    for (; c < channels; c++) { INPUT_1D(float, SCALAR_LOAD, SCALAR_STORE, N, LINE_IN) }                 \
}                                                                                                        \
LEVEL_TARGET static void CONCAT(NAME##_output_, SUFFIX)(const float *m, long stride, float *const *lines,  \
                                                           long channels, int accumulate) {              \
    long o = 0;                                                                                          \
    for (; o + LANES <= channels; o += LANES) { OUTPUT_1D(VEC, CONCAT(load1d_, SUFFIX), CONCAT(store1d_, SUFFIX), N, M, LINE_OUT) } \
    for (; o < channels; o++) { OUTPUT_1D(float, SCALAR_LOAD, SCALAR_STORE, N, M, LINE_OUT) }            \
}

DEFINE_1D(f4x3, 6, 4, LINE_F4X3_INPUT, LINE_F4X3_OUTPUT)
DEFINE_1D(f2x7, 8, 2, LINE_F2X7_INPUT, LINE_F2X7_OUTPUT)

#undef LINE_F4X3_INPUT
#undef LINE_F4X3_OUTPUT
#undef LINE_F2X7_INPUT
#undef LINE_F2X7_OUTPUT
#undef SCALAR_LOAD
#undef SCALAR_STORE
#undef INPUT_1D
#undef OUTPUT_1D
#undef DEFINE_1D
#undef VEC
