/* main.c: vouch-worker: arguments, configuration, signals, the worker loop. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "notify.h"
#include "worker.h"

static volatile sig_atomic_t s_signals;
static volatile int s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    if (++s_signals > 1)
        _exit(1);
    s_stop = 1;
}

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouch-worker [--home DIR] [--id NAME] [--log-level LEVEL]\n"
                 "\n"
                 "Runs vouch's per-line rules on batches of voucher lines that vouchd\n"
                 "sends, and returns the findings. Start as many as you have cores.\n"
                 "\n"
                 "  --home DIR         state folder holding vouch.conf (default: $VOUCH_HOME)\n"
                 "  --id NAME          name in `vouchctl status` (default: HOST:PID)\n"
                 "  --log-level LEVEL  debug, info, warn or error\n"
                 "  -h, --help         this text\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"home", required_argument, NULL, 'H'},
        {"id", required_argument, NULL, 'i'},
        {"log-level", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *home_arg = NULL, *id_arg = NULL, *level_arg = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            home_arg = optarg;
            break;
        case 'i':
            id_arg = optarg;
            break;
        case 'l':
            level_arg = optarg;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        s_usage(stderr);
        return 2;
    }
    const char *home = vouch_config_home(home_arg);
    if (!home) {
        fprintf(stderr, "vouch-worker: no state folder: give --home DIR or set VOUCH_HOME\n");
        return 2;
    }
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *cfg = vouch_config_new(home, &err);
    if (!cfg) {
        char text[1024];
        fprintf(stderr, "vouch-worker: %s\n", vouch_error_format(&err, text, sizeof text));
        return 1;
    }
    int level = vouch_log_level_parse(level_arg ? level_arg : cfg->log_level);
    if (level < 0) {
        fprintf(stderr, "vouch-worker: unknown log level\n");
        vouch_config_destroy(&cfg);
        return 2;
    }
    vouch_log_init("vouch-worker", (vouch_log_level_t)level);
    char id[96];
    if (id_arg)
        snprintf(id, sizeof id, "%s", id_arg);
    else {
        char host[64] = "localhost";
        gethostname(host, sizeof host - 1);
        snprintf(id, sizeof id, "%s:%d", host, (int)getpid());
    }

    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    vouch_worker_t *worker = vouch_worker_new(cfg, id, &err);
    if (!worker) {
        vouch_error("cannot start: %s", err.text);
        vouch_config_destroy(&cfg);
        return 1;
    }
    vouch_info("worker %s ready", id);
    vouch_notify_ready("waiting for batches");
    int rc = vouch_worker_run(worker, &s_stop);
    vouch_info("stopping");
    vouch_worker_destroy(&worker);
    vouch_config_destroy(&cfg);
    return rc == 0 ? 0 : 1;
}
