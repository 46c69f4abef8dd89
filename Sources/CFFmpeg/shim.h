#ifndef VIDTAG_CFFMPEG_SHIM_H
#define VIDTAG_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// Macros Swift cannot import, as prefixed inline functions.
static inline int vidtag_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int vidtag_averror_eof(void) { return AVERROR_EOF; }
static inline int vidtag_averror_exit(void) { return AVERROR_EXIT; }
static inline int vidtag_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int vidtag_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int vidtag_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int vidtag_avprobe_padding_size(void) { return AVPROBE_PADDING_SIZE; }
static inline int vidtag_avprobe_score_retry(void) { return AVPROBE_SCORE_RETRY; }
static inline int64_t vidtag_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int vidtag_av_time_base(void) { return AV_TIME_BASE; }

/// The FFmpeg error text for `code` written into `buffer` (at least 64 bytes).
static inline const char *vidtag_av_err2str(int code, char *buffer, size_t size) {
    av_strerror(code, buffer, size);
    return buffer;
}
#endif
