/* vouch-gen: labelled synthetic ledgers for testing vouch's rules (recall and
 * precision) and for benchmarks. Arguments, the policy check, the run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen_ledger.h"
#include "gen_org.h"
#include "gen_policy.h"

static void s_usage(FILE *f)
{
    fprintf(f,
            "usage: vouch-gen --out DIR [--seed N] [--lines N] [--orgs K] [--first-org I]\n"
            "                 [--year Y] [--format csv|jsonl] [--split-months]\n"
            "                 [--labels FILE] [--decoys FILE] [--policy FILE [--profile NAME]]\n"
            "       vouch-gen --policy FILE [--profile NAME]\n"
            "\n"
            "Writes synthetic voucher ledgers of public-sector units (both books, 平行记账)\n"
            "with findings of every rule planted in them, and the labels that say where.\n"
            "The same options and seed give the same bytes.\n"
            "\n"
            "  --out DIR          where the ledgers go (made if missing): orgNNN-YEAR.csv,\n"
            "                     or orgNNN-YEAR-MM.csv with --split-months\n"
            "  --seed N           random seed (default 1)\n"
            "  --lines N          about N lines over all units (default 10000); the planted\n"
            "                     and monthly vouchers are written whatever N\n"
            "  --orgs K           units, one ledger each (default 1)\n"
            "  --first-org I      start at the generator's I-th unit (default 0), so that\n"
            "                     runs sharing a database have units of their own\n"
            "  --year Y           fiscal year (default 2022)\n"
            "  --format FMT       csv (the seed case's columns, 发票号, 制单人, 审核人) or\n"
            "                     jsonl (one voucher a line, with documents[])\n"
            "  --split-months     a file per unit and month\n"
            "  --labels FILE      the planted findings, JSON Lines (default DIR/labels.ndjson):\n"
            "                     rule, org, voucher_date, voucher, line_no, level, case\n"
            "  --decoys FILE      where rules must stay silent, same shape\n"
            "                     (default DIR/decoys.ndjson)\n"
            "  --policy FILE      first compare the words, codes and thresholds the generator\n"
            "                     plants with FILE's profile; differences are listed and exit 1\n"
            "  --profile NAME     the policy profile (default cn-default)\n"
            "  --quiet            no summary on stderr\n"
            "\n"
            "Exit status: 0 written, 1 failed (a file, the policy), 2 wrong usage.\n");
}

static int s_number(const char *arg, const char *what, long long min, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || !*arg || *end || v < min) {
        fprintf(stderr, "vouch-gen: --%s takes a whole number from %lld\n", what, min);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 's'},
        {"lines", required_argument, NULL, 'n'},
        {"orgs", required_argument, NULL, 'k'},
        {"first-org", required_argument, NULL, 'F'},
        {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'},
        {"split-months", no_argument, NULL, 'm'},
        {"labels", required_argument, NULL, 'l'},
        {"decoys", required_argument, NULL, 'd'},
        {"policy", required_argument, NULL, 'p'},
        {"profile", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vouch_gen_ledger_opts_t o = {
        .format = VOUCH_GEN_CSV, .seed = 1, .lines = 10000, .orgs = 1, .year = 2022};
    const char *policy = NULL, *profile = NULL;
    int quiet = 0, c;
    long long v;
    while ((c = getopt_long(argc, argv, "o:s:n:k:y:f:ml:d:p:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            o.dir = optarg;
            break;
        case 's':
            if (s_number(optarg, "seed", 0, &v) != 0)
                return 2;
            o.seed = (uint64_t)v;
            break;
        case 'n':
            if (s_number(optarg, "lines", 0, &v) != 0)
                return 2;
            o.lines = (long)v;
            break;
        case 'k':
            if (s_number(optarg, "orgs", 1, &v) != 0 || v > 100000)
                return 2;
            o.orgs = (int)v;
            break;
        case 'F':
            if (s_number(optarg, "first-org", 0, &v) != 0 || v > 1000000)
                return 2;
            o.first_org = (int)v;
            break;
        case 'y':
            if (s_number(optarg, "year", 1990, &v) != 0 || v > 2100)
                return 2;
            o.year = (int)v;
            break;
        case 'f':
            if (strcmp(optarg, "csv") == 0) {
                o.format = VOUCH_GEN_CSV;
            } else if (strcmp(optarg, "jsonl") == 0) {
                o.format = VOUCH_GEN_JSONL;
            } else {
                fprintf(stderr, "vouch-gen: --format is csv or jsonl\n");
                return 2;
            }
            break;
        case 'm':
            o.split_months = true;
            break;
        case 'l':
            o.labels_path = optarg;
            break;
        case 'd':
            o.decoys_path = optarg;
            break;
        case 'p':
            policy = optarg;
            break;
        case 'P':
            profile = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc || (!o.dir && !policy)) {
        s_usage(stderr);
        return 2;
    }

    if (policy) {
        int diffs = vouch_gen_policy_check(policy, profile, o.year, stderr);
        if (diffs != 0) {
            if (diffs > 0)
                fprintf(stderr,
                        "vouch-gen: %d difference%s between %s and what the generator plants"
                        " (tests/gen/gen_policy.c)\n",
                        diffs, diffs == 1 ? "" : "s", policy);
            return 1;
        }
        if (!o.dir) {
            if (!quiet)
                fprintf(stderr, "vouch-gen: %s plants as the generator does\n", policy);
            return 0;
        }
    }

    if (mkdir(o.dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vouch-gen: cannot make %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    char labels[4096], decoys[4096];
    if (!o.labels_path) {
        snprintf(labels, sizeof labels, "%s/labels.ndjson", o.dir);
        o.labels_path = labels;
    }
    if (!o.decoys_path) {
        snprintf(decoys, sizeof decoys, "%s/decoys.ndjson", o.dir);
        o.decoys_path = decoys;
    }
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_gen_out_stats_t stats;
    if (vouch_gen_ledger_run(&o, &stats, &err) != 0) {
        fprintf(stderr, "vouch-gen: %s\n", err.text);
        return 1;
    }
    if (!quiet)
        fprintf(stderr,
                "vouch-gen: %ld lines, %ld vouchers, %d unit%s, %ld file%s in %s; %ld findings "
                "planted (%s), %ld decoys (%s)\n",
                stats.lines, stats.vouchers, o.orgs, o.orgs == 1 ? "" : "s", stats.files,
                stats.files == 1 ? "" : "s", o.dir, stats.labels, o.labels_path, stats.decoys,
                o.decoys_path);
    return 0;
}
