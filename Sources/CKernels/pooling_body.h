// One dispatch level's pooling of one output pixel, included by pooling.c once per level with
// LEVEL_TARGET and SUFFIX defined. Plain loops over the channels, which the compiler vectorises
// at the level's width; each channel sees the same operations in the same order on every level
// (Pooling.swift's: a running max from -infinity, a running sum from 0 divided once).

#define CONCAT_(a, b) a##b
#define CONCAT(a, b) CONCAT_(a, b)

LEVEL_TARGET static void CONCAT(max_taps_, SUFFIX)(const float *const *taps, long count, float *restrict out,
                                                     long channels) {
    for (long c = 0; c < channels; c++) out[c] = -__builtin_inff();
    for (long k = 0; k < count; k++) {
        const float *restrict tap = taps[k];
        // The new value unless the running one is greater (maxps; Swift.max(running, new) too,
        // but for a NaN, which Swift's max dropped and this keeps).
        for (long c = 0; c < channels; c++) out[c] = out[c] > tap[c] ? out[c] : tap[c];
    }
}

LEVEL_TARGET static void CONCAT(mean_taps_, SUFFIX)(const float *const *taps, long count, float *restrict out,
                                                      long channels, float divisor) {
    for (long c = 0; c < channels; c++) out[c] = 0;
    for (long k = 0; k < count; k++) {
        const float *restrict tap = taps[k];
        for (long c = 0; c < channels; c++) out[c] = out[c] + tap[c];
    }
    for (long c = 0; c < channels; c++) out[c] = out[c] / divisor;
}
