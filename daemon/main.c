/* main.c: vouchd: arguments, configuration, signals, the server loop. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "sheet.h"
#include "db.h"
#include "server.h"

static volatile sig_atomic_t s_signals;
static volatile int s_stop;
static volatile int s_reload;

static void s_on_signal(int sig)
{
    (void)sig;
    /* the first asks for an orderly stop; a second means now */
    if (++s_signals > 1)
        _exit(1);
    s_stop = 1;
}

static void s_on_hangup(int sig)
{
    (void)sig;
    s_reload = 1;
}

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchd [--home DIR] [--log-level LEVEL]\n"
                 "\n"
                 "vouch's daemon: takes voucher exports from the spool folder and from\n"
                 "`vouchctl ingest`, stores them in PostgreSQL, sends their lines to\n"
                 "vouch-worker processes over ZeroMQ and stores the findings they return.\n"
                 "SIGTERM stops it in order (a second one at once); SIGHUP reloads the policy.\n"
                 "\n"
                 "  --home DIR         state folder holding vouch.conf (default: $VOUCH_HOME)\n"
                 "  --log-level LEVEL  debug, info, warn or error (default: from vouch.conf)\n"
                 "  --print-config     print the settings in force and exit\n"
                 "  --migrate          apply the SQL migrations (as the tables' owner) and exit;\n"
                 "                     a vouchd connecting as a vouch_ingest role needs them done\n"
                 "  -h, --help         this text\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"home", required_argument, NULL, 'H'},   {"log-level", required_argument, NULL, 'l'},
        {"print-config", no_argument, NULL, 'p'}, {"migrate", no_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *home_arg = NULL, *level_arg = NULL;
    int print_config = 0, migrate = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            home_arg = optarg;
            break;
        case 'l':
            level_arg = optarg;
            break;
        case 'p':
            print_config = 1;
            break;
        case 'm':
            migrate = 1;
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
        fprintf(stderr, "vouchd: no state folder: give --home DIR or set VOUCH_HOME\n");
        return 2;
    }
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *cfg = vouch_config_new(home, &err);
    if (!cfg) {
        char text[1024];
        fprintf(stderr, "vouchd: %s\n", vouch_error_format(&err, text, sizeof text));
        return 1;
    }
    if (print_config) {
        vouch_config_print(cfg, stdout);
        vouch_config_destroy(&cfg);
        return 0;
    }
    int level = vouch_log_level_parse(level_arg ? level_arg : cfg->log_level);
    if (level < 0) {
        fprintf(stderr, "vouchd: unknown log level\n");
        vouch_config_destroy(&cfg);
        return 2;
    }
    vouch_log_init("vouchd", (vouch_log_level_t)level);
    if (migrate) {
        char *conninfo = vouch_config_conninfo(cfg);
        PGconn *db = vouch_db_connect(conninfo, &err);
        free(conninfo);
        int applied = db ? vouch_db_migrate(db, cfg->sql_dir, &err) : -1;
        PQfinish(db);
        vouch_config_destroy(&cfg);
        if (applied < 0) {
            char text[1024];
            vouch_error("cannot migrate: %s", vouch_error_format(&err, text, sizeof text));
            return 1;
        }
        vouch_info("%d migration(s) applied; the schema is current", applied);
        return 0;
    }

    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct sigaction hup = {0};
    hup.sa_handler = s_on_hangup;
    sigemptyset(&hup.sa_mask);
    sigaction(SIGHUP, &hup, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* a password in a file others may read is a password others know */
    char *conf = vouch_asprintf("%s/vouch.conf", cfg->home);
    struct stat st;
    if (cfg->smtp_password[0] && stat(conf, &st) == 0 && (st.st_mode & 077))
        vouch_warn("%s holds smtp_password and others may read it: chmod 600 %s", conf, conf);
    free(conf);
    if (vouch_sheet_isolate_beside_self() != 0)
        vouch_warn("no vouch-xls beside vouchd: .xls files are read in vouchd's own process");
    vouch_server_t *server = vouch_server_new(cfg, &err);
    if (!server) {
        char text[1024];
        vouch_error("cannot start: %s", vouch_error_format(&err, text, sizeof text));
        vouch_config_destroy(&cfg);
        return 1;
    }
    char orgs[1024];
    vouch_policy_set_describe(server->policies, orgs, sizeof orgs);
    vouch_info("serving %s (policy %s, profile %s%s%s)", cfg->control_endpoint,
               server->policy_version, server->policy_profile, orgs[0] ? "; " : "", orgs);
    vouch_notify_ready("serving");
    int rc = vouch_server_run(server, &s_stop, &s_reload);
    vouch_info("stopping");
    vouch_server_destroy(&server);
    vouch_config_destroy(&cfg);
    return rc == 0 ? 0 : 1;
}
