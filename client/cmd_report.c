/* cmd_report.c: `vouchctl report sangong --org ORG --year YEAR`: 三公经费 as
 * booked and as restated (RULES.md "三公 totals"), added up by
 * workers/sangong.c and printed here as a table or as its JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ctl.h"
#include "money.h"
#include "policy_set.h"
#include "sangong.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl report sangong --org NAME --year YEAR [--format table|json]\n"
            "\n"
            "三公经费 of a unit's fiscal year, by category (因公出国（境）费, 公务接待费,\n"
            "公务用车运行维护费, 公务用车购置: the policy's sangong_codes), as booked and as\n"
            "restated: lines MISCLASS_EXPENSE moves out of a 三公 code leave its total, lines\n"
            "it moves into one join it; with the change on the year before when that year\n"
            "is loaded. Each payment counts once (the financial line, not its budget twin).\n"
            "The lines moved are listed with their findings.\n"
            "\n"
            "exit status: 0 done, 1 refused (no such unit, or no ledger of that year),\n"
            "2 wrong usage, 3 the database is unavailable\n");
}

/* ---- printing ---- */

/* An amount of the report ("16925.00") in fen; 0 when absent. */
static int64_t s_fen(const json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));
    int64_t fen = 0;
    if (text)
        vouch_money_parse(text, strlen(text), &fen);
    return fen;
}

static void s_signed(int64_t fen, char *out)
{
    char buf[VOUCH_MONEY_BUFSZ];
    vouch_money_format_grouped(fen < 0 ? -fen : fen, buf);
    snprintf(out, VOUCH_MONEY_BUFSZ + 1, "%s%s", fen > 0 ? "+" : fen < 0 ? "-" : "", buf);
}

/* A category of the report (or its total) as a row; with the year before
 * when cat has it. */
static void s_row(vouch_table_t *t, const char *name, const char *codes, const json_t *cat)
{
    char booked[40], out[40], in[40], restated[40], pb[40], pr[40], change[40];
    vouch_money_format_grouped(s_fen(cat, "booked"), booked);
    s_signed(-s_fen(cat, "moved_out"), out);
    s_signed(s_fen(cat, "moved_in"), in);
    vouch_money_format_grouped(s_fen(cat, "restated"), restated);
    const json_t *prev = json_object_get(cat, "previous");
    const json_t *chg = json_object_get(cat, "change");
    const char *pct = json_string_value(json_object_get(chg, "restated_pct"));
    bool p = json_is_object(prev);
    if (p) {
        vouch_money_format_grouped(s_fen(prev, "booked"), pb);
        vouch_money_format_grouped(s_fen(prev, "restated"), pr);
        s_signed(s_fen(chg, "restated"), change);
    }
    const char *cells[] = {name,
                           codes,
                           booked,
                           out,
                           in,
                           restated,
                           p ? pb : "",
                           p ? pr : "",
                           p ? change : "",
                           p && pct ? pct : ""};
    vouch_table_add(t, cells);
}

static void s_print_table(const json_t *doc)
{
    int year = (int)json_integer_value(json_object_get(doc, "year"));
    bool prev = !json_is_null(json_object_get(doc, "previous_year"));
    printf("三公经费 %d  %s\n", year, json_string_value(json_object_get(doc, "org")));
    printf("profile %s, policy %s; ledgers:", json_string_value(json_object_get(doc, "profile")),
           json_string_value(json_object_get(doc, "policy_version")));
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(doc, "ledgers"), i, l)
    {
        long long id = json_integer_value(json_object_get(l, "ledger_id"));
        long long fy = json_integer_value(json_object_get(l, "fiscal_year"));
        printf("%s %lld (%lld, periods %lld-%lld)", i ? "," : "", id, fy,
               (long long)json_integer_value(json_object_get(l, "period_from")),
               (long long)json_integer_value(json_object_get(l, "period_to")));
    }
    printf("\n\n");
    char pb_head[32], pr_head[32];
    snprintf(pb_head, sizeof pb_head, "%d BOOKED", year - 1);
    snprintf(pr_head, sizeof pr_head, "%d RESTATED", year - 1);
    const char *headers[] = {"CATEGORY", "CODES", "BOOKED", "MOVED OUT", "MOVED IN",
                             "RESTATED", pb_head, pr_head,  "CHANGE",    "%"};
    vouch_table_t *t = vouch_table_new(prev ? 10 : 6, headers);
    for (int c = 2; c < (prev ? 10 : 6); c++)
        vouch_table_align_right(t, c);
    json_array_foreach(json_object_get(doc, "categories"), i, l)
    {
        vouch_buf_t codes;
        vouch_buf_init(&codes);
        size_t j;
        json_t *code;
        json_array_foreach(json_object_get(l, "codes"), j, code)
            vouch_buf_printf(&codes, "%s%s", j ? " " : "", json_string_value(code));
        s_row(t, json_string_value(json_object_get(l, "name")), codes.data, l);
        vouch_buf_free(&codes);
    }
    s_row(t, "合计 total", "", json_object_get(doc, "total"));
    vouch_table_print(t, stdout);
    vouch_table_destroy(&t);
    if (!prev)
        printf("(no ledger of %d: no change on the year before)\n", year - 1);
    else
        printf("CHANGE and %%: %d restated on %d restated\n", year, year - 1);

    json_t *moves = json_object_get(doc, "moves");
    size_t nmoves = 0;
    json_array_foreach(moves, i, l) nmoves +=
        json_integer_value(json_object_get(l, "year")) == year;
    if (nmoves) {
        printf("\nMoved by MISCLASS_EXPENSE findings in %d:\n", year);
        const char *mh[] = {"FINDING", "DATE", "VOUCHER", "LINE",   "AMOUNT",
                            "FROM",    "TO",   "FAMILY",  "SUMMARY"};
        vouch_table_t *m = vouch_table_new(9, mh);
        vouch_table_align_right(m, 0);
        vouch_table_align_right(m, 3);
        vouch_table_align_right(m, 4);
        vouch_table_max_width(m, 8, 40);
        json_array_foreach(moves, i, l)
        {
            if (json_integer_value(json_object_get(l, "year")) != year)
                continue;
            char id[24], line[16], amount[VOUCH_MONEY_BUFSZ], from[160], to[160];
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(l, "finding_id")));
            snprintf(line, sizeof line, "%lld",
                     (long long)json_integer_value(json_object_get(l, "line_no")));
            const char *fc = json_string_value(json_object_get(l, "from_category"));
            const char *tc = json_string_value(json_object_get(l, "to_category"));
            const char *tcode = json_string_value(json_object_get(l, "to"));
            snprintf(from, sizeof from, "%s%s%s", json_string_value(json_object_get(l, "from")),
                     fc ? " " : "", fc ? fc : "");
            snprintf(to, sizeof to, "%s%s%s", tcode ? tcode : "(no 三公 code)", tc ? " " : "",
                     tc ? tc : "");
            const char *cells[] = {id,
                                   json_string_value(json_object_get(l, "voucher_date")),
                                   json_string_value(json_object_get(l, "voucher")),
                                   line,
                                   vouch_money_format_grouped(s_fen(l, "amount"), amount),
                                   from,
                                   to,
                                   json_string_value(json_object_get(l, "family")),
                                   json_string_value(json_object_get(l, "summary"))};
            vouch_table_add(m, cells);
        }
        vouch_table_print(m, stdout);
        vouch_table_destroy(&m);
    }
    json_array_foreach(json_object_get(doc, "notes"), i, l)
        printf("note: %s\n", json_string_value(l));
}

/* ---- the command ---- */

static int s_sangong(vouch_ctl_t *ctl, const char *org, int year, int format)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_set_t *set = vouch_policy_set_new_from_file(ctl->cfg->policy_file, ctl->cfg, &err);
    if (!set) {
        char text[1024];
        vouch_ctl_fail("%s", vouch_error_format(&err, text, sizeof text));
        return VOUCH_EXIT_REFUSED;
    }
    int rc = VOUCH_EXIT_UNAVAILABLE;
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        goto done;
    vouch_sangong_missing_t missing;
    json_t *doc = vouch_sangong_report(db, set, org, year, &missing, &err);
    if (!doc) {
        if (missing == VOUCH_SANGONG_MISSING_UNIT)
            vouch_ctl_fail("%s (vouchctl flags --group-by org names those with findings)",
                           err.text);
        else
            vouch_ctl_fail("%s", err.text);
        rc = missing != VOUCH_SANGONG_MISSING_NONE ? VOUCH_EXIT_REFUSED : VOUCH_EXIT_UNAVAILABLE;
        goto done;
    }
    if (format == VOUCH_FMT_JSON) {
        json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else
        s_print_table(doc);
    json_decref(doc);
    rc = VOUCH_EXIT_OK;

done:
    vouch_policy_set_destroy(&set);
    return rc;
}

int vouch_cmd_report(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *org = NULL;
    int year = 0, format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            org = optarg;
            break;
        case 'y':
            if (vouch_ctl_year_arg(optarg, &year) != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'f':
            if (vouch_ctl_format_table_json(optarg, &format) != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || strcmp(argv[optind], "sangong") != 0 || !org || !year) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    return s_sangong(ctl, org, year, format);
}
