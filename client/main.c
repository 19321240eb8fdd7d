/* main.c: vouchctl: global options, then one of the commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "ctl.h"
#include "sheet.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl [--home DIR] [--primary] COMMAND [ARGS]\n"
            "\n"
            "vouch checks public-sector spending voucher by voucher.\n"
            "\n"
            "commands:\n"
            "  ingest [--wait] [--org NAME] [--format table|json] FILE...\n"
            "                          hand voucher exports to vouchd\n"
            "  flags [filters] [--sort KEY,...] [--format table|csv|json|xlsx] [-o FILE]\n"
            "                          list findings, or a workbook of them (flags --help)\n"
            "  show FINDING_ID         a finding's voucher: lines and findings\n"
            "  show --ledger ID [--period YYYY-MM --voucher 记-23]\n"
            "                          a ledger, or one of its vouchers\n"
            "  status [--format json]  vouchd, workers, batches, spool, database\n"
            "  check [--org NAME] [--format table|json] FILE...\n"
            "                          read exports as vouchd would and report; stores\n"
            "                          nothing, needs no vouchd or state folder\n"
            "  rules [list|lint FILE|explain RULE] [--profile P] [--policy FILE]\n"
            "                          the rule policy: its rules, a check of a policy\n"
            "                          file, what a rule means under a profile\n"
            "  report sangong --org NAME --year YEAR [--format table|json]\n"
            "                          三公经费 booked and restated, on the year before\n"
            "  review FINDING_ID... (--confirm | --dismiss --reason R [--scope S] | --reopen)\n"
            "         --note TEXT      an auditor's decision, kept in the finding's history;\n"
            "                          --scope line|payee|unit suppresses its like\n"
            "  suppression list | lift ID --note TEXT\n"
            "                          the suppressions, and lifting one\n"
            "  subscription add NAME --org UNIT... (--dir P | --webhook URL | --mail A) | list\n"
            "               | remove NAME   supervisors' digests: who gets what, how often\n"
            "  digest preview | send | list [--subscription NAME]\n"
            "                          a digest seen now, sent now, or those made\n"
            "  assign FINDING_ID... --to NAME   who is to look at these findings\n"
            "  user add NAME --person 姓名 | list | remove NAME\n"
            "                          vouch's users: database roles linked to a person\n"
            "  keygen NAME [--dir DIR] | keygen --missing\n"
            "                          CURVE key pairs for vouchd (NAME server) and the\n"
            "                          workers and vouchctl it lets in; needs no vouchd\n"
            "\n"
            "  --home DIR   state folder holding vouch.conf (default: $VOUCH_HOME)\n"
            "  --primary    read from database even where vouch.conf names a read\n"
            "               replica (query_database) for flags, show, report and lists\n"
            "  VOUCH_USER   the database user to connect as (default: vouch's own role)\n"
            "  -h, --help   this text; COMMAND --help for a command's\n"
            "\n"
            "exit status: 0 done, 1 refused, 2 wrong usage, 3 service unavailable\n");
}

int main(int argc, char **argv)
{
    const char *home_arg = NULL;
    bool primary = false;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--home") == 0 && i + 1 < argc) {
            home_arg = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--home=", 7) == 0) {
            home_arg = argv[i] + 7;
            i++;
        } else if (strcmp(argv[i], "--primary") == 0) {
            primary = true;
            i++;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        } else {
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    static const struct {
        const char *name;
        int (*fn)(vouch_ctl_t *, int, char **);
    } commands[] = {
        // clang-format off
        {"ingest", vouch_cmd_ingest},
        {"flags", vouch_cmd_flags},
        {"show", vouch_cmd_show},
        {"status", vouch_cmd_status},
        {"check", vouch_cmd_check},
        {"rules", vouch_cmd_rules},
        {"report", vouch_cmd_report},
        {"review", vouch_cmd_review},
        {"assign", vouch_cmd_assign},
        {"user", vouch_cmd_user},
        {"suppression", vouch_cmd_suppression},
        {"subscription", vouch_cmd_subscription},
        {"digest", vouch_cmd_digest},
        {"keygen", vouch_cmd_keygen},
        // clang-format on
    };
    const char *name = argv[i];
    int (*fn)(vouch_ctl_t *, int, char **) = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0)
            fn = commands[k].fn;
    if (!fn) {
        vouch_ctl_fail("unknown command \"%s\" (vouchctl --help lists them)", name);
        return VOUCH_EXIT_USAGE;
    }
    /* a command's own --help needs no configuration */
    bool help = false;
    for (int k = i + 1; k < argc; k++)
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
            help = true;
    /* nor does check: it reads files here, without vouchd or the database */
    bool local = strcmp(name, "check") == 0;
    /* rules reads the policy vouch.conf names when there is a state folder,
     * else the default policy (or --policy FILE); keygen writes into the
     * state folder's keys/ when there is one, else where it is told */
    bool config_optional = strcmp(name, "rules") == 0 || strcmp(name, "keygen") == 0;
    /* check reads .xls as vouchd does: FreeXL in the helper process */
    vouch_sheet_isolate_beside_self();
    vouch_ctl_t ctl = {.primary = primary};
    if (!help && !local && !(config_optional && !vouch_config_home(home_arg))) {
        ctl.home = vouch_config_home(home_arg);
        if (!ctl.home) {
            vouch_ctl_fail("no state folder: give --home DIR or set VOUCH_HOME");
            return VOUCH_EXIT_USAGE;
        }
        vouch_error_t err;
        vouch_error_clear(&err);
        ctl.cfg = vouch_config_new(ctl.home, &err);
        if (!ctl.cfg) {
            char text[1024];
            vouch_ctl_fail("%s", vouch_error_format(&err, text, sizeof text));
            return VOUCH_EXIT_REFUSED;
        }
    }
    int rc = fn(&ctl, argc - i, argv + i);
    if (ctl.control)
        zmq_close(ctl.control);
    if (ctl.zmq_ctx)
        zmq_ctx_term(ctl.zmq_ctx);
    PQfinish(ctl.db);
    PQfinish(ctl.read_db);
    vouch_config_destroy(&ctl.cfg);
    return rc;
}
