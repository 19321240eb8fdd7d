/* notify.c: sd_notify from libsystemd, rate-limited for the watchdog. */
#include "notify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

static uint64_t s_now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void vouch_notify_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void vouch_notify_stopping(const char *status)
{
    sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status);
}

void vouch_notify_status(const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    sd_notifyf(0, "STATUS=%s", text);
}

void vouch_notify_watchdog(void)
{
    static int enabled = -1;
    static uint64_t interval, last;
    if (enabled < 0)
        enabled = sd_watchdog_enabled(0, &interval) > 0;
    if (!enabled)
        return;
    uint64_t now = s_now_usec();
    if (now - last >= interval / 2) {
        sd_notify(0, "WATCHDOG=1");
        last = now;
    }
}
