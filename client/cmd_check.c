/* cmd_check.c: `vouchctl check FILE...`: read each file with the reader vouchd
 * uses, store nothing, and say what vouch would make of it: the layout, how
 * the header maps, counts, unit, periods, totals and which rules could run.
 * Needs no vouchd, no database and no configuration. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csv_import.h"
#include "ctl.h"
#include "date.h"
#include "import.h"
#include "money.h"
#include "rules.h"
#include "table.h"
#include "text.h"
#include "voucher.h"

#define S_MAX_UNITS 8   /* units listed; a file normally holds one */
#define S_MAX_SHOWN 5   /* unbalanced vouchers named */
#define S_MAX_KEYS 4096 /* extra columns remembered */

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl check [--org NAME] [--format table|json] FILE...\n"
                 "\n"
                 "Reads each voucher export as vouchd would and stores nothing: prints the\n"
                 "layout recognised (shape, encoding, delimiter, header row), what each\n"
                 "header cell maps to, lines read and summary rows dropped, vouchers, the\n"
                 "unit, periods and dates, debit and credit totals, and which rules could\n"
                 "run on it (a rule missing a column is listed as not run, with the column).\n"
                 "Needs no vouchd, database or state folder.\n"
                 "\n"
                 "  --org NAME         the unit, for files without one (as ingest --org)\n"
                 "  --format FORMAT    table (default) or json: one object per file, a line each\n"
                 "\n"
                 "A refused file prints FILE:LINE: column NAME: reason on stderr.\n"
                 "exit status: 0 every file reads, 1 a file was refused, 2 wrong usage\n");
}

/* ---- what the lines add up to ---- */

/* One voucher: (org, year, period, word, number), as vouchd keys it; debits
 * and credits of each book, since each book must balance on its own. */
typedef struct {
    char *key; /* NULL: free slot */
    char word[64];
    int32_t number;
    int16_t year, period;
    int64_t debit[2], credit[2]; /* [0] financial (1-5xxx), [1] budget (6-8xxx) */
} s_voucher_t;

typedef struct {
    long lines;
    int64_t debit, credit;
    bool overflow; /* totals beyond int64 fen: reported, not wrapped */
    int32_t date_min, date_max;
    char *units[S_MAX_UNITS];
    int nunits;
    bool more_units;
    uint32_t *period_masks; /* per year from year_base: bit p for period p */
    int year_base, nyears;
    bool documents; /* a voucher carried JSON documents[] */
    s_voucher_t *vouchers;
    size_t nvouchers, cap;
    vouch_buf_t key; /* the line's voucher key, made anew for each line */
} s_tally_t;

static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void s_grow(s_tally_t *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    s_voucher_t *v = vouch_calloc(cap, sizeof *v);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->vouchers[i].key)
            continue;
        size_t k = s_hash(t->vouchers[i].key) & (cap - 1);
        while (v[k].key)
            k = (k + 1) & (cap - 1);
        v[k] = t->vouchers[i];
    }
    free(t->vouchers);
    t->vouchers = v;
    t->cap = cap;
}

/* "\x1f" and v in decimal, as printf's "\x1f%d" writes it */
static void s_key_int(vouch_buf_t *b, int32_t v)
{
    char text[16];
    char *p = text + sizeof text;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (v < 0)
        *--p = '-';
    *--p = '\x1f';
    vouch_buf_append(b, p, (size_t)(text + sizeof text - p));
}

static s_voucher_t *s_voucher(s_tally_t *t, const vouch_line_t *l)
{
    /* org, year, period, word, number; by hand, since it is made for every line */
    vouch_buf_t *key = &t->key;
    vouch_buf_reset(key);
    vouch_buf_puts(key, l->text[VOUCH_T_ORG]);
    s_key_int(key, l->fiscal_year);
    s_key_int(key, l->period);
    vouch_buf_putc(key, '\x1f');
    vouch_buf_puts(key, l->text[VOUCH_T_VOUCHER_WORD]);
    s_key_int(key, l->voucher_no);
    if ((t->nvouchers + 1) * 2 > t->cap)
        s_grow(t);
    size_t k = s_hash(key->data) & (t->cap - 1);
    while (t->vouchers[k].key && strcmp(t->vouchers[k].key, key->data) != 0)
        k = (k + 1) & (t->cap - 1);
    s_voucher_t *v = &t->vouchers[k];
    if (v->key)
        return v;
    v->key = vouch_strndup(key->data, key->len);
    snprintf(v->word, sizeof v->word, "%s", l->text[VOUCH_T_VOUCHER_WORD]);
    v->number = l->voucher_no;
    v->year = l->fiscal_year;
    v->period = l->period;
    t->nvouchers++;
    return v;
}

static void s_add(int64_t *sum, int64_t v, bool *overflow)
{
    if (__builtin_add_overflow(*sum, v, sum))
        *overflow = true;
}

static void s_note_period(s_tally_t *t, int year, int period)
{
    if (period < 1 || period > 16)
        return;
    if (t->nyears == 0) {
        t->year_base = year;
        t->nyears = 1;
        t->period_masks = vouch_calloc(1, sizeof *t->period_masks);
    }
    if (year < t->year_base) {
        int shift = t->year_base - year;
        uint32_t *m = vouch_calloc((size_t)(t->nyears + shift), sizeof *m);
        memcpy(m + shift, t->period_masks, (size_t)t->nyears * sizeof *m);
        free(t->period_masks);
        t->period_masks = m;
        t->nyears += shift;
        t->year_base = year;
    } else if (year >= t->year_base + t->nyears) {
        int n = year - t->year_base + 1;
        t->period_masks = vouch_realloc(t->period_masks, (size_t)n * sizeof *t->period_masks);
        memset(t->period_masks + t->nyears, 0, (size_t)(n - t->nyears) * sizeof *t->period_masks);
        t->nyears = n;
    }
    t->period_masks[year - t->year_base] |= 1u << period;
}

/* the book of an account code: budget accounts start with 6, 7 or 8 */
static int s_book(const char *code)
{
    while (*code == ' ')
        code++;
    return *code >= '6' && *code <= '8' ? 1 : 0;
}

static int s_on_line(void *arg, const vouch_line_t *l, const char *extra_json, vouch_error_t *err)
{
    s_tally_t *t = arg;
    (void)extra_json;
    (void)err;
    t->lines++;
    s_add(&t->debit, l->debit, &t->overflow);
    s_add(&t->credit, l->credit, &t->overflow);
    if (l->voucher_date != VOUCH_DATE_NONE) {
        if (t->lines == 1 || l->voucher_date < t->date_min)
            t->date_min = l->voucher_date;
        if (t->lines == 1 || l->voucher_date > t->date_max)
            t->date_max = l->voucher_date;
    }
    bool known = false;
    for (int i = 0; i < t->nunits && !known; i++)
        known = strcmp(t->units[i], l->text[VOUCH_T_ORG]) == 0;
    if (!known && t->nunits < S_MAX_UNITS)
        t->units[t->nunits++] = vouch_strdup(l->text[VOUCH_T_ORG]);
    else if (!known)
        t->more_units = true;
    /* a year spanning thousands would need a huge table: periods of absurd
     * years are left out (the reader has checked the dates) */
    if (t->nyears == 0 ||
        (l->fiscal_year >= t->year_base - 100 && l->fiscal_year < t->year_base + t->nyears + 100))
        s_note_period(t, l->fiscal_year, l->period);
    if (l->text[VOUCH_T_DOCUMENTS][0])
        t->documents = true;
    s_voucher_t *v = s_voucher(t, l);
    int book = s_book(l->text[VOUCH_T_ACCOUNT_CODE]);
    s_add(&v->debit[book], l->debit, &t->overflow);
    s_add(&v->credit[book], l->credit, &t->overflow);
    return 0;
}

static void s_tally_free(s_tally_t *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->vouchers[i].key);
    free(t->vouchers);
    for (int i = 0; i < t->nunits; i++)
        free(t->units[i]);
    free(t->period_masks);
    vouch_buf_free(&t->key);
}

static bool s_unbalanced(const s_voucher_t *v)
{
    return v->key && (v->debit[0] != v->credit[0] || v->debit[1] != v->credit[1]);
}

/* ---- the report ---- */

typedef struct {
    const char *path;
    const char *org;
    int format;
} s_opts_t;

static const char *s_delim_name(char d)
{
    switch (d) {
    case ',':
        return "comma";
    case '\t':
        return "tab";
    case ';':
        return "semicolon";
    case '|':
        return "vertical bar";
    default:
        return "";
    }
}

/* The header row as the reader mapped it (vouch_import_header): each cell
 * and the field it fills, NULL for a column kept as an extra column. */
typedef struct {
    int n;
    long line;
    const char *const *cells;
    const char **field;
} s_header_t;

static bool s_maps(const int *f, int n, int field)
{
    for (int i = 0; i < n; i++)
        if (f[i] == field)
            return true;
    return false;
}

static void s_map_header(s_header_t *h, const vouch_import_t *reader, uint64_t fields)
{
    const int *f = NULL;
    h->n = vouch_import_header(reader, &h->cells, &f);
    h->line = vouch_import_stats(reader)->header_line;
    h->field = vouch_calloc((size_t)(h->n ? h->n : 1), sizeof *h->field);
    for (int i = 0; i < h->n; i++) {
        if (f[i] < 0)
            continue;
        h->field[i] = vouch_csv_field_names[f[i]];
        /* with no payee column the counterparty stands for the payee */
        if (f[i] == VOUCH_F_COUNTERPARTY && (fields & (1ull << VOUCH_F_PAYEE)) &&
            !s_maps(f, h->n, VOUCH_F_PAYEE))
            h->field[i] = "counterparty (as payee)";
    }
}

static void s_periods_text(const s_tally_t *t, vouch_buf_t *out, json_t *list)
{
    int count = 0;
    char first[16] = "", last[16] = "";
    for (int y = 0; y < t->nyears; y++)
        for (int p = 1; p <= 16; p++)
            if (t->period_masks[y] & (1u << p)) {
                char s[16];
                snprintf(s, sizeof s, "%04d-%02d", t->year_base + y, p);
                if (!count)
                    snprintf(first, sizeof first, "%s", s);
                snprintf(last, sizeof last, "%s", s);
                if (list)
                    json_array_append_new(list, json_string(s));
                count++;
            }
    if (count == 0)
        vouch_buf_puts(out, "none");
    else if (count == 1)
        vouch_buf_printf(out, "%s (1 period)", first);
    else
        vouch_buf_printf(out, "%s to %s (%d periods)", first, last, count);
}

static void s_voucher_label(const s_voucher_t *v, char *out, size_t size)
{
    char no[64];
    vouch_voucher_no_format(v->word, v->number, no, sizeof no);
    snprintf(out, size, "%04d-%02d %s", v->year, v->period, no);
}

static void s_print_table(const s_opts_t *o, const char *kind, const char *sheet,
                          const vouch_csv_import_stats_t *st, const s_header_t *h,
                          const s_tally_t *t, uint64_t fields, const vouch_rules_coverage_t *cov,
                          size_t ncov, size_t unbalanced)
{
    char a[VOUCH_MONEY_BUFSZ], b[VOUCH_MONEY_BUFSZ], d1[16], d2[16];
    printf("== %s\n", o->path);
    printf("%-10s %s\n", "shape", kind);
    /* the reader tells the encoding and the delimiter (stats); an empty one
     * is a reader that does not say */
    printf("%-10s %s\n", "encoding",
           st->encoding && st->encoding[0] ? st->encoding : "(not reported)");
    if (strcmp(kind, "csv") == 0) {
        char d = st->delimiter ? st->delimiter : ',';
        if (d == '\t')
            printf("%-10s tab%s\n", "delimiter", st->delimiter ? "" : " (assumed)");
        else
            printf("%-10s \"%c\" (%s)%s\n", "delimiter", d, s_delim_name(d),
                   st->delimiter ? "" : " (assumed)");
    }
    if (strcmp(kind, "xlsx") == 0 || strcmp(kind, "xls") == 0)
        printf("%-10s %s\n", "sheet", sheet);
    if (h->n > 0) {
        int mapped = 0;
        for (int k = 0; k < h->n; k++)
            mapped += h->field[k] != NULL;
        printf("%-10s %s %ld: %d cells, %d read into fields, %d kept as extra columns\n", "header",
               strcmp(kind, "csv") == 0 ? "line" : "row", h->line, h->n, mapped, h->n - mapped);
    }
    vouch_buf_t buf;
    vouch_buf_init(&buf);
    for (int i = 0; i < t->nunits; i++)
        vouch_buf_printf(&buf, "%s%s", i ? "; " : "", t->units[i]);
    if (t->more_units)
        vouch_buf_puts(&buf, "; ...");
    printf("%-10s %s\n", t->nunits > 1 ? "units" : "unit", buf.data ? buf.data : "");
    vouch_buf_reset(&buf);
    s_periods_text(t, &buf, NULL);
    printf("%-10s %s\n", "periods", buf.data ? buf.data : "");
    vouch_buf_free(&buf);
    printf("%-10s %s to %s\n", "dates", vouch_date_format(t->date_min, d1),
           vouch_date_format(t->date_max, d2));
    printf("%-10s %ld read, %ld summary rows dropped\n", "lines", t->lines, st->dropped);
    printf("%-10s %zu\n", "vouchers", t->nvouchers);
    printf("%-10s %s\n", "debits", vouch_money_format_grouped(t->debit, a));
    printf("%-10s %s\n", "credits", vouch_money_format_grouped(t->credit, b));
    if (t->overflow)
        printf("%-10s unknown: the totals overflow\n", "balance");
    else if (t->debit == t->credit && unbalanced == 0)
        printf("%-10s balanced\n", "balance");
    else {
        printf("%-10s NOT balanced: debits - credits = %s; %zu voucher%s unbalanced", "balance",
               vouch_money_format_grouped(t->debit - t->credit, a), unbalanced,
               unbalanced == 1 ? "" : "s");
        size_t shown = 0;
        for (size_t i = 0; i < t->cap && shown < S_MAX_SHOWN; i++)
            if (s_unbalanced(&t->vouchers[i])) {
                char label[96];
                s_voucher_label(&t->vouchers[i], label, sizeof label);
                printf("%s%s", shown ? ", " : " (", label);
                shown++;
            }
        printf("%s\n", shown == 0 ? "" : unbalanced > shown ? ", ...)" : ")");
    }

    printf("\n");
    if (h->n > 0) {
        const char *hd[] = {"COL", "HEADER", "FIELD"};
        vouch_table_t *tb = vouch_table_new(3, hd);
        vouch_table_align_right(tb, 0);
        for (int i = 0; i < h->n; i++) {
            char col[16];
            snprintf(col, sizeof col, "%d", i + 1);
            const char *cells[] = {col, h->cells[i],
                                   h->field[i] ? h->field[i] : "kept as extra column"};
            vouch_table_add(tb, cells);
        }
        vouch_table_print(tb, stdout);
        vouch_table_destroy(&tb);
    } else {
        /* no header row to show (JSON Lines): the fields its lines carried */
        printf("fields:");
        for (int f = 0; f < VOUCH_F_COUNT && f < 64; f++)
            if (fields & (1ull << f))
                printf(" %s", vouch_csv_field_names[f]);
        printf("%s\n", t->documents ? " documents" : "");
    }

    printf("\n");
    const char *hc[] = {"RULE", "COVERAGE"};
    vouch_table_t *tc = vouch_table_new(2, hc);
    for (size_t i = 0; i < ncov; i++) {
        char text[512];
        const char *cells[] = {cov[i].rule, vouch_rules_coverage_text(&cov[i], text, sizeof text)};
        vouch_table_add(tc, cells);
    }
    vouch_table_print(tc, stdout);
    vouch_table_destroy(&tc);
}

/* A JSON string of text that may not be UTF-8 (a file name, a cell of a
 * broken file): bad bytes become U+FFFD rather than the object failing. */
static json_t *s_jstr(const char *text)
{
    char *clean = vouch_text_sanitize(text);
    json_t *j = json_string(clean);
    free(clean);
    return j;
}

static json_t *s_json(const s_opts_t *o, const char *kind, const char *sheet,
                      const vouch_csv_import_stats_t *st, const s_header_t *h, const s_tally_t *t,
                      uint64_t fields, const vouch_rules_coverage_t *cov, size_t ncov,
                      size_t unbalanced)
{
    char a[VOUCH_MONEY_BUFSZ], d[16];
    json_t *r = json_pack("{s:o, s:s, s:n}", "file", s_jstr(o->path), "status", "ok", "error");
    json_object_set_new(r, "shape", json_string(kind));
    json_object_set_new(r, "encoding",
                        st->encoding && st->encoding[0] ? json_string(st->encoding) : json_null());
    char delim[2] = {st->delimiter, 0};
    json_object_set_new(r, "delimiter", st->delimiter ? json_string(delim) : json_null());
    json_object_set_new(r, "sheet", sheet[0] ? s_jstr(sheet) : json_null());
    json_object_set_new(r, "header_line", h->n > 0 ? json_integer(h->line) : json_null());
    json_t *hdr = json_array();
    for (int i = 0; i < h->n; i++)
        json_array_append_new(hdr, json_pack("{s:i, s:o, s:s?, s:b}", "column", i + 1, "header",
                                             s_jstr(h->cells[i]), "field", h->field[i], "extra",
                                             h->field[i] == NULL));
    json_object_set_new(r, "header", hdr);
    json_t *cols = json_array();
    for (int f = 0; f < VOUCH_F_COUNT && f < 64; f++)
        if (fields & (1ull << f))
            json_array_append_new(cols, json_string(vouch_csv_field_names[f]));
    json_object_set_new(r, "columns", cols);
    json_object_set_new(r, "documents", json_boolean(t->documents));
    json_object_set_new(r, "lines", json_integer(t->lines));
    json_object_set_new(r, "dropped", json_integer(st->dropped));
    json_object_set_new(r, "vouchers", json_integer((json_int_t)t->nvouchers));
    json_t *units = json_array();
    for (int i = 0; i < t->nunits; i++)
        json_array_append_new(units, s_jstr(t->units[i]));
    json_object_set_new(r, "units", units);
    json_t *periods = json_array();
    vouch_buf_t ignore;
    vouch_buf_init(&ignore);
    s_periods_text(t, &ignore, periods);
    vouch_buf_free(&ignore);
    json_object_set_new(r, "periods", periods);
    json_object_set_new(r, "date_from", json_string(vouch_date_format(t->date_min, d)));
    json_object_set_new(r, "date_to", json_string(vouch_date_format(t->date_max, d)));
    json_object_set_new(r, "debit", json_string(vouch_money_format(t->debit, a)));
    json_object_set_new(r, "credit", json_string(vouch_money_format(t->credit, a)));
    json_object_set_new(r, "balanced",
                        t->overflow ? json_null()
                                    : json_boolean(t->debit == t->credit && unbalanced == 0));
    json_t *ub = json_array();
    for (size_t i = 0; i < t->cap; i++)
        if (s_unbalanced(&t->vouchers[i])) {
            char label[96];
            s_voucher_label(&t->vouchers[i], label, sizeof label);
            json_array_append_new(ub, s_jstr(label));
        }
    json_object_set_new(r, "unbalanced_vouchers", ub);
    json_t *cv = vouch_rules_coverage_json(cov, ncov);
    json_object_set_new(r, "coverage", cv);
    return r;
}

static void s_print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT);
    if (text)
        puts(text);
    free(text);
}

/* One file: 0, or VOUCH_EXIT_REFUSED after saying why. */
static int s_check(const s_opts_t *o)
{
    int rc = VOUCH_EXIT_REFUSED;
    s_tally_t t = {0};
    s_header_t h = {0};
    vouch_error_t err;
    vouch_error_clear(&err);
    snprintf(err.file, sizeof err.file, "%s", o->path);
    vouch_import_t *reader = NULL;
    FILE *f = fopen(o->path, "rb");
    if (!f) {
        vouch_error_set(&err, "cannot open: %s", strerror(errno));
        goto report;
    }
    vouch_csv_import_opts_t copts = {.file_name = o->path, .org_override = o->org};
    /* the shape is told by the bytes, as vouchd tells it */
    int prc = vouch_import_file(f, o->path, &copts, s_on_line, &t, &reader, &err);
    fclose(f);
    if (prc != 0)
        goto report;

    const vouch_csv_import_stats_t *st = vouch_import_stats(reader);
    uint64_t fields = vouch_import_fields(reader);
    vouch_import_kind_t k = vouch_import_kind(reader);
    const char *kind = vouch_import_kind_name(k);
    const char *sheet = vouch_import_sheet(reader);
    s_map_header(&h, reader, fields);
    vouch_rules_coverage_t cov[VOUCH_RULES_MAX];
    size_t ncov = vouch_rules_coverage_fields(fields, t.documents, cov, VOUCH_RULES_MAX);
    size_t unbalanced = 0;
    for (size_t i = 0; i < t.cap; i++)
        unbalanced += s_unbalanced(&t.vouchers[i]);
    if (o->format == VOUCH_FMT_JSON) {
        json_t *j = s_json(o, kind, sheet, st, &h, &t, fields, cov, ncov, unbalanced);
        s_print_json(j);
        json_decref(j);
    } else {
        s_print_table(o, kind, sheet, st, &h, &t, fields, cov, ncov, unbalanced);
    }
    rc = VOUCH_EXIT_OK;

report:
    if (rc != VOUCH_EXIT_OK) {
        char text[1024];
        vouch_error_format(&err, text, sizeof text);
        fprintf(stderr, "%s\n", text);
        if (o->format == VOUCH_FMT_JSON) {
            json_t *j = json_pack("{s:o, s:s, s:o}", "file", s_jstr(o->path), "status", "refused",
                                  "error", s_jstr(text));
            s_print_json(j);
            json_decref(j);
        }
    }
    vouch_import_destroy(&reader);
    free(h.field);
    s_tally_free(&t);
    return rc;
}

int vouch_cmd_check(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    s_opts_t o = {.format = VOUCH_FMT_TABLE};
    int c;
    (void)ctl; /* check needs neither vouchd nor the database */
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o.org = optarg;
            break;
        case 'f':
            o.format = vouch_ctl_format_parse(optarg);
            if (o.format != VOUCH_FMT_TABLE && o.format != VOUCH_FMT_JSON) {
                vouch_ctl_fail("check --format is table or json");
                return VOUCH_EXIT_USAGE;
            }
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    int worst = VOUCH_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        o.path = argv[i];
        if (i > optind && o.format == VOUCH_FMT_TABLE)
            printf("\n");
        int rc = s_check(&o);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}
