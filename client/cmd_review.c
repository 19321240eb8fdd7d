/* cmd_review.c: `vouchctl review FINDING_ID (--confirm | --dismiss --reason
 * REASON | --reopen) --note TEXT`: an auditor's decision on a finding, kept
 * with who made it (the database user) in an append-only history
 * (sql/007_reviews.sql does the checking, in one transaction). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl review FINDING_ID... (--confirm | --dismiss --reason REASON\n"
                 "                      [--scope line|payee|unit] | --reopen) --note TEXT\n"
                 "\n"
                 "Confirms a finding, dismisses it with a reason, or reopens it; every change\n"
                 "needs a note and is kept in the finding's history (vouchctl show FINDING_ID),\n"
                 "with the database user who made it. A finding is open, confirmed or\n"
                 "dismissed; only an open one is confirmed or dismissed, only a decided one\n"
                 "reopens.\n"
                 "\n"
                 "  reasons: explained (有合理解释), false_positive (误报), immaterial\n"
                 "           (金额不重大), corrected (已整改), duplicate (重复)\n"
                 "\n"
                 "--scope makes the dismissal a suppression, so the same false positive does\n"
                 "not come back with the next ledger: line (this voucher line, in any ledger\n"
                 "that holds it), payee (this payee under this rule) or unit (this rule in\n"
                 "this unit). The open findings it covers, now and to come, become\n"
                 "'suppressed' (flags --status suppressed lists and counts them); vouchctl\n"
                 "suppression list shows suppressions, suppression lift ID reopens them.\n"
                 "\n"
                 "The user (VOUCH_USER) must be linked to a person (vouchctl user add), and\n"
                 "no one reviews the findings on a voucher their person prepared (制单人).\n"
                 "\n"
                 "exit status: 0 every finding changed, 1 one was refused (the others stand),\n"
                 "2 wrong usage, 3 the database is down\n");
}

int vouch_cmd_review(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"confirm", no_argument, NULL, 'c'},    {"dismiss", no_argument, NULL, 'd'},
        {"reopen", no_argument, NULL, 'o'},     {"reason", required_argument, NULL, 'r'},
        {"note", required_argument, NULL, 'n'}, {"scope", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *to = NULL, *reason = NULL, *note = NULL, *scope = NULL;
    int actions = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            to = "confirmed";
            actions++;
            break;
        case 'd':
            to = "dismissed";
            actions++;
            break;
        case 'o':
            to = "open";
            actions++;
            break;
        case 'r':
            reason = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 's':
            if (strcmp(optarg, "line") != 0 && strcmp(optarg, "payee") != 0 &&
                strcmp(optarg, "unit") != 0) {
                vouch_ctl_fail("--scope is line, payee or unit");
                return VOUCH_EXIT_USAGE;
            }
            scope = optarg;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (actions != 1 || !note || optind >= argc || (reason && strcmp(to, "dismissed") != 0) ||
        (!reason && strcmp(to, "dismissed") == 0)) {
        vouch_ctl_fail("review takes finding ids, one of --confirm, --dismiss --reason REASON or "
                       "--reopen, and --note TEXT");
        return VOUCH_EXIT_USAGE;
    }
    if (scope && strcmp(to, "dismissed") != 0) {
        vouch_ctl_fail("--scope goes with --dismiss");
        return VOUCH_EXIT_USAGE;
    }
    if (scope) {
        const char *extra[] = {scope, reason, note};
        return vouch_ctl_each_finding(ctl, argv + optind, argc - optind,
                                      "SELECT vouch_dismiss_scoped($1::bigint, $2, $3, $4)", extra,
                                      3);
    }
    const char *extra[] = {to, reason, note};
    return vouch_ctl_each_finding(ctl, argv + optind, argc - optind,
                                  "SELECT r.from_status || ' -> ' || r.to_status || ' (' || r.who"
                                  " || ')' FROM vouch_review($1::bigint, $2, $3, $4) r",
                                  extra, 3);
}
