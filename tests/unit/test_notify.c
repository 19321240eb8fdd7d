/* test_notify.c: what systemd would read from vouchd and the workers on its
 * notification socket (a real AF_UNIX datagram socket here): READY=1,
 * STOPPING=1, STATUS=, and WATCHDOG=1 at half the configured interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "notify.h"

typedef struct {
    int fd;
    char path[108];
} s_sock_t;

static int s_setup(void **state)
{
    s_sock_t *s = calloc(1, sizeof *s);
    snprintf(s->path, sizeof s->path, "/tmp/vouch-notify-%d.sock", (int)getpid());
    unlink(s->path);
    s->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", s->path);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0)
        return -1;
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setenv("NOTIFY_SOCKET", s->path, 1);
    *state = s;
    return 0;
}

static int s_teardown(void **state)
{
    s_sock_t *s = *state;
    close(s->fd);
    unlink(s->path);
    unsetenv("NOTIFY_SOCKET");
    free(s);
    return 0;
}

/* the next datagram, "" when none came */
static const char *s_recv(s_sock_t *s)
{
    static char buf[512];
    ssize_t n = recv(s->fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void test_ready_stopping_status(void **state)
{
    s_sock_t *s = *state;
    vouch_notify_ready("serving");
    assert_string_equal(s_recv(s), "READY=1\nSTATUS=serving");
    vouch_notify_status("database down: %s", "timeout");
    assert_string_equal(s_recv(s), "STATUS=database down: timeout");
    vouch_notify_stopping("draining");
    assert_string_equal(s_recv(s), "STOPPING=1\nSTATUS=draining");
}

static void test_watchdog_at_half_the_interval(void **state)
{
    s_sock_t *s = *state;
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    setenv("WATCHDOG_USEC", "400000", 1); /* 0.4 s: a ping every 0.2 s */
    vouch_notify_watchdog();
    assert_string_equal(s_recv(s), "WATCHDOG=1");
    /* a loop turning fast pings no more than every half interval */
    for (int i = 0; i < 100; i++)
        vouch_notify_watchdog();
    assert_string_equal(s_recv(s), "");
    usleep(250000);
    vouch_notify_watchdog();
    assert_string_equal(s_recv(s), "WATCHDOG=1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_stopping_status),
        cmocka_unit_test(test_watchdog_at_half_the_interval),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
