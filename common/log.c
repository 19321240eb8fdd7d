/* log.c: one line per event on stderr: time, program, pid, level, message. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *s_ident = "vouch";
static vouch_log_level_t s_level = VOUCH_LOG_INFO;
static const char *s_names[] = {"debug", "info", "warn", "error"};

void vouch_log_init(const char *ident, vouch_log_level_t level)
{
    s_ident = ident;
    s_level = level;
}

int vouch_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, s_names[i]) == 0)
            return i;
    return -1;
}

void vouch_log(vouch_log_level_t level, const char *fmt, ...)
{
    if (level < s_level)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* one fprintf so concurrent threads do not interleave within a line */
    fprintf(stderr, "%s.%03dZ %s[%d] %s: %s\n", stamp, (int)(tv.tv_usec / 1000), s_ident,
            (int)getpid(), s_names[level], msg);
}
