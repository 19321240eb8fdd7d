/* notify.h: telling systemd how a daemon is (sd_notify): ready, stopping, a
 * status line, and the watchdog's keep-alive. Outside systemd (no
 * NOTIFY_SOCKET) every call does nothing. */
#ifndef VOUCH_NOTIFY_H
#define VOUCH_NOTIFY_H

/* READY=1, with a status line. */
void vouch_notify_ready(const char *status);
/* STOPPING=1, with a status line. */
void vouch_notify_stopping(const char *status);
/* STATUS=..., printf-style. */
void vouch_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WATCHDOG=1 when WatchdogSec= is set and half its interval has passed since
 * the last one: call it from the main loop as often as it turns. */
void vouch_notify_watchdog(void);

#endif
