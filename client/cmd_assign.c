/* cmd_assign.c: `vouchctl assign FINDING_ID... --to NAME`: who is to look at
 * these findings; every assignment is kept (sql/008_assignments.sql), and
 * `flags --assignee NAME` lists a person's. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl assign FINDING_ID... --to NAME\n"
                 "\n"
                 "Assigns findings to a person (by name); the earlier assignee, who assigned\n"
                 "and when are kept. `vouchctl flags --assignee NAME` lists a person's.\n"
                 "exit status: 0 all assigned, 1 one was refused (the others stand), 2 wrong\n"
                 "usage, 3 the database is down\n");
}

int vouch_cmd_assign(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *to = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 't')
            to = optarg;
        else if (c == 'h') {
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        } else {
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (!to || optind >= argc) {
        vouch_ctl_fail("assign takes finding ids and --to NAME");
        return VOUCH_EXIT_USAGE;
    }
    const char *extra[] = {to};
    return vouch_ctl_each_finding(ctl, argv + optind, argc - optind,
                                  "SELECT coalesce(a.from_name, '(nobody)') || ' -> ' || a.to_name"
                                  " FROM vouch_assign($1::bigint, $2) a",
                                  extra, 1);
}
