/* log.h: levelled logging to stderr, for binaries only: library code returns
 * errors in a vouch_error_t and lets its caller decide what to say. */
#ifndef VOUCH_LOG_H
#define VOUCH_LOG_H

typedef enum { VOUCH_LOG_DEBUG, VOUCH_LOG_INFO, VOUCH_LOG_WARN, VOUCH_LOG_ERROR } vouch_log_level_t;

void vouch_log_init(const char *ident, vouch_log_level_t level);
/* "debug", "info", "warn", "error"; -1 when the name is unknown */
int vouch_log_level_parse(const char *name);
void vouch_log(vouch_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vouch_debug(...) vouch_log(VOUCH_LOG_DEBUG, __VA_ARGS__)
#define vouch_info(...) vouch_log(VOUCH_LOG_INFO, __VA_ARGS__)
#define vouch_warn(...) vouch_log(VOUCH_LOG_WARN, __VA_ARGS__)
#define vouch_error(...) vouch_log(VOUCH_LOG_ERROR, __VA_ARGS__)

#endif
