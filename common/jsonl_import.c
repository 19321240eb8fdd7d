/* jsonl_import.c: JSON Lines vouchers into voucher lines. Each physical line
 * is one voucher, parsed whole by jansson (a line's length is bounded, so a
 * voucher never grows without limit); errors name the line and the field's
 * path ("lines[2].debit") the way CSV errors name a column. */
#include "jsonl_import.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "money.h"
#include "text.h"
#include "voucher.h"

#define S_LINE_DEFAULT (1024 * 1024)
#define S_MAX_DATES 64
#define S_QUOTE_MAX 80

struct vouch_jsonl_import_t {
    char *file_name;
    char *org_override;
    size_t max_line;
    long max_lines;
    vouch_csv_line_fn *fn;
    void *arg;
    vouch_buf_t line; /* the physical line being gathered */
    long lineno;      /* 1-based number of that line */
    bool started;     /* past a possible byte-order mark */
    bool failed;
    long seq;
    uint64_t fields;
    vouch_csv_import_stats_t stats;
    /* strings owned for the duration of one voucher's callbacks */
    char **owned;
    size_t nowned, capowned;
};

/* the line fields read by name, and where each goes */
typedef struct {
    const char *key;
    vouch_text_field_t text;
    vouch_csv_field_t field;
} s_text_key_t;

static const s_text_key_t s_text_keys[] = {
    {"summary", VOUCH_T_SUMMARY, VOUCH_F_SUMMARY},
    {"account_code", VOUCH_T_ACCOUNT_CODE, VOUCH_F_ACCOUNT_CODE},
    {"account_name", VOUCH_T_ACCOUNT_NAME, VOUCH_F_ACCOUNT_NAME},
    {"func_code", VOUCH_T_FUNC_CODE, VOUCH_F_FUNC_CODE},
    {"econ_code", VOUCH_T_ECON_CODE, VOUCH_F_ECON_CODE},
    {"indicator", VOUCH_T_INDICATOR, VOUCH_F_INDICATOR},
    {"department", VOUCH_T_DEPARTMENT, VOUCH_F_DEPARTMENT},
    {"project", VOUCH_T_PROJECT, VOUCH_F_PROJECT},
    {"claimant", VOUCH_T_CLAIMANT, VOUCH_F_CLAIMANT},
    {"payee", VOUCH_T_PAYEE, VOUCH_F_PAYEE},
    {"payee_account", VOUCH_T_PAYEE_ACCOUNT, VOUCH_F_PAYEE_ACCOUNT},
    {"payment_method", VOUCH_T_PAYMENT_METHOD, VOUCH_F_PAYMENT_METHOD},
    {"procurement_method", VOUCH_T_PROCUREMENT_METHOD, VOUCH_F_PROCUREMENT_METHOD},
    {"contract_no", VOUCH_T_CONTRACT_NO, VOUCH_F_CONTRACT_NO},
    {"invoice_no", VOUCH_T_INVOICE_NO, VOUCH_F_INVOICE_NO},
    {"preparer", VOUCH_T_PREPARER, VOUCH_F_PREPARER},
    {"reviewer", VOUCH_T_REVIEWER, VOUCH_F_REVIEWER},
};

vouch_jsonl_import_t *vouch_jsonl_import_new(const vouch_csv_import_opts_t *opts,
                                             vouch_csv_line_fn *fn, void *arg)
{
    vouch_jsonl_import_t *self = vouch_calloc(1, sizeof *self);
    self->file_name = vouch_strdup(opts && opts->file_name ? opts->file_name : "");
    if (opts && opts->org_override && *opts->org_override)
        self->org_override = vouch_text_nfkc(opts->org_override, strlen(opts->org_override));
    self->max_line = opts && opts->max_line_bytes ? opts->max_line_bytes : S_LINE_DEFAULT;
    self->max_lines = opts ? opts->max_lines : 0;
    self->fn = fn;
    self->arg = arg;
    self->lineno = 1;
    vouch_buf_init(&self->line);
    return self;
}

static void s_free_owned(vouch_jsonl_import_t *self)
{
    for (size_t i = 0; i < self->nowned; i++)
        free(self->owned[i]);
    self->nowned = 0;
}

void vouch_jsonl_import_destroy(vouch_jsonl_import_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_jsonl_import_t *self = *self_p;
    s_free_owned(self);
    free(self->owned);
    vouch_buf_free(&self->line);
    free(self->file_name);
    free(self->org_override);
    free(self);
    *self_p = NULL;
}

static const char *s_own(vouch_jsonl_import_t *self, char *s)
{
    if (self->nowned == self->capowned) {
        self->capowned = self->capowned ? self->capowned * 2 : 64;
        self->owned = vouch_realloc(self->owned, self->capowned * sizeof *self->owned);
    }
    self->owned[self->nowned++] = s;
    return s;
}

/* fill err with file, this line, the field's path and the reason */
static int s_fail(vouch_jsonl_import_t *self, vouch_error_t *err, const char *path, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

static int s_fail(vouch_jsonl_import_t *self, vouch_error_t *err, const char *path, const char *fmt,
                  ...)
{
    self->failed = true;
    if (!err)
        return -1;
    snprintf(err->file, sizeof err->file, "%s", self->file_name);
    err->line = self->lineno;
    snprintf(err->column, sizeof err->column, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return -1;
}

/* a cell quoted for a message, cut so a huge value cannot flood it */
static const char *s_quote(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n <= S_QUOTE_MAX) {
        snprintf(out, size, "\"%s\"", s);
        return out;
    }
    /* cut on a character boundary */
    size_t cut = S_QUOTE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    snprintf(out, size, "\"%.*s…\"", (int)cut, s);
    return out;
}

/* A JSON value as the text of a field: strings NFKC'd and trimmed, whole
 * numbers written out (5001 is an account code, not an amount), null blank. */
static int s_text(vouch_jsonl_import_t *self, json_t *v, const char *path, const char **out,
                  vouch_error_t *err)
{
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        char *t = vouch_text_nfkc(json_string_value(v), json_string_length(v));
        if (!t)
            return s_fail(self, err, path, "not UTF-8 text");
        *out = s_own(self, t);
        return 0;
    }
    if (json_is_integer(v)) {
        *out = s_own(self, vouch_asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v)));
        return 0;
    }
    return s_fail(self, err, path, "expected text, found %s",
                  json_is_object(v)  ? "an object"
                  : json_is_array(v) ? "an array"
                  : json_is_real(v)  ? "a fractional number"
                                     : "true or false");
}

/* Amounts: strings as the CSV reader reads them; bare numbers converted to
 * fen at once, rounding half away from zero (jansson holds them as doubles). */
static int s_amount(vouch_jsonl_import_t *self, json_t *v, const char *path, int64_t *fen,
                    vouch_error_t *err)
{
    *fen = 0;
    char q[S_QUOTE_MAX + 16];
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        char *t = vouch_text_nfkc(json_string_value(v), json_string_length(v));
        int rc = t ? vouch_money_parse(t, strlen(t), fen) : -1;
        if (rc != 0)
            s_fail(self, err, path, "%s is not an amount",
                   s_quote(t ? t : json_string_value(v), q, sizeof q));
        free(t);
        return rc;
    }
    if (json_is_integer(v)) {
        json_int_t y = json_integer_value(v);
        if (y > INT64_MAX / 100 || y < -(INT64_MAX / 100))
            return s_fail(self, err, path, "%" JSON_INTEGER_FORMAT " is out of range", y);
        *fen = (int64_t)y * 100;
        return 0;
    }
    if (json_is_real(v)) {
        if (vouch_money_from_double(json_real_value(v), fen) != 0)
            return s_fail(self, err, path, "%g is not an amount", json_real_value(v));
        return 0;
    }
    return s_fail(self, err, path, "expected an amount, found %s",
                  json_is_object(v)  ? "an object"
                  : json_is_array(v) ? "an array"
                                     : "true or false");
}

/* one date, or the earliest of several: VOUCH_DATE_NONE when blank */
static int s_date(vouch_jsonl_import_t *self, json_t *v, const char *path, int32_t *days,
                  vouch_error_t *err)
{
    *days = VOUCH_DATE_NONE;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return s_fail(self, err, path, "expected a date as text");
    const char *s = json_string_value(v);
    int32_t dates[S_MAX_DATES];
    int n = 0;
    char q[S_QUOTE_MAX + 16];
    if (vouch_date_parse_list(s, strlen(s), dates, S_MAX_DATES, &n) != 0)
        return s_fail(self, err, path, "%s is not a date", s_quote(s, q, sizeof q));
    for (int i = 0; i < n; i++)
        if (*days == VOUCH_DATE_NONE || dates[i] < *days)
            *days = dates[i];
    return 0;
}

/* document dates: a cell like the CSV's ("2021-12-08;2022-04-12") or an
 * array of dates; normalised to "YYYY-MM-DD;YYYY-MM-DD" */
static int s_date_list(vouch_jsonl_import_t *self, json_t *v, const char *path, const char **out,
                       vouch_error_t *err)
{
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    vouch_buf_t b;
    vouch_buf_init(&b);
    char q[S_QUOTE_MAX + 16];
    json_t *items = json_is_array(v) ? v : NULL;
    size_t count = items ? json_array_size(items) : 1;
    for (size_t i = 0; i < count; i++) {
        json_t *item = items ? json_array_get(items, i) : v;
        if (!json_is_string(item)) {
            vouch_buf_free(&b);
            return s_fail(self, err, path, "expected dates as text");
        }
        const char *s = json_string_value(item);
        int32_t dates[S_MAX_DATES];
        int n = 0;
        if (vouch_date_parse_list(s, strlen(s), dates, S_MAX_DATES, &n) != 0) {
            vouch_buf_free(&b);
            return s_fail(self, err, path, "%s is not a date", s_quote(s, q, sizeof q));
        }
        for (int k = 0; k < n; k++) {
            char d[16];
            if (b.len)
                vouch_buf_putc(&b, ';');
            vouch_buf_puts(&b, vouch_date_format(dates[k], d));
        }
    }
    if (b.data)
        *out = s_own(self, b.data);
    return 0;
}

/* documents[] as a normalised JSON array (text), so that the voucher's papers
 * travel with its first line through storage and batches unchanged */
static int s_documents(vouch_jsonl_import_t *self, json_t *v, const char **out, vouch_error_t *err)
{
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return s_fail(self, err, "documents", "expected an array of documents");
    json_t *docs = json_array();
    size_t i;
    json_t *d;
    char path[64], q[S_QUOTE_MAX + 16];
    json_array_foreach(v, i, d)
    {
        snprintf(path, sizeof path, "documents[%zu]", i);
        if (!json_is_object(d)) {
            json_decref(docs);
            return s_fail(self, err, path, "expected a document object");
        }
        const char *kind = NULL, *number = NULL;
        snprintf(path, sizeof path, "documents[%zu].kind", i);
        if (s_text(self, json_object_get(d, "kind"), path, &kind, err) != 0) {
            json_decref(docs);
            return -1;
        }
        if (!kind[0]) {
            json_decref(docs);
            return s_fail(self, err, path, "a document needs its kind (合同, 发票, 验收单...)");
        }
        snprintf(path, sizeof path, "documents[%zu].number", i);
        if (s_text(self, json_object_get(d, "number"), path, &number, err) != 0) {
            json_decref(docs);
            return -1;
        }
        json_t *date = json_object_get(d, "date");
        json_t *date_out = json_null();
        if (date && !json_is_null(date)) {
            int32_t days;
            snprintf(path, sizeof path, "documents[%zu].date", i);
            const char *s = json_is_string(date) ? json_string_value(date) : "";
            if (!json_is_string(date) || vouch_date_parse(s, strlen(s), &days) != 0) {
                json_decref(docs);
                return s_fail(self, err, path, "%s is not a date", s_quote(s, q, sizeof q));
            }
            char buf[16];
            if (days != VOUCH_DATE_NONE)
                date_out = json_string(vouch_date_format(days, buf));
        }
        json_t *signed_v = json_object_get(d, "signed");
        if (signed_v && !json_is_boolean(signed_v) && !json_is_null(signed_v)) {
            json_decref(date_out);
            json_decref(docs);
            snprintf(path, sizeof path, "documents[%zu].signed", i);
            return s_fail(self, err, path, "expected true or false");
        }
        json_t *o = json_pack("{s:s, s:s?, s:o, s:O}", "kind", kind, "number",
                              number[0] ? number : NULL, "date", date_out, "signed",
                              signed_v && json_is_boolean(signed_v) ? signed_v : json_null());
        json_array_append_new(docs, o);
    }
    char *text = json_dumps(docs, JSON_COMPACT);
    json_decref(docs);
    *out = s_own(self, text);
    return 0;
}

static bool s_known_line_key(const char *key)
{
    static const char *const others[] = {"line_no",       "debit",         "credit",
                                         "business_date", "approval_date", "document_dates",
                                         "attachments",   "counterparty",  NULL};
    for (size_t i = 0; i < sizeof s_text_keys / sizeof s_text_keys[0]; i++)
        if (strcmp(key, s_text_keys[i].key) == 0)
            return true;
    for (size_t i = 0; others[i]; i++)
        if (strcmp(key, others[i]) == 0)
            return true;
    return false;
}

static bool s_known_voucher_key(const char *key)
{
    static const char *const known[] = {"org",    "voucher_date", "voucher_no", "voucher_word",
                                        "period", "lines",        "documents",  NULL};
    for (size_t i = 0; known[i]; i++)
        if (strcmp(key, known[i]) == 0)
            return true;
    return false;
}

/* One voucher: check it, then hand its lines out in order. */
static int s_voucher(vouch_jsonl_import_t *self, json_t *v, vouch_error_t *err)
{
    char path[96], q[S_QUOTE_MAX + 16];
    if (!json_is_object(v))
        return s_fail(self, err, NULL, "a line must hold one voucher as a JSON object");

    const char *org = NULL;
    if (s_text(self, json_object_get(v, "org"), "org", &org, err) != 0)
        return -1;
    if (!org[0])
        org = self->org_override ? self->org_override : "";
    if (!org[0])
        return s_fail(self, err, "org",
                      "no unit: the voucher has no \"org\" and no --org was given");

    int32_t vdate;
    json_t *dv = json_object_get(v, "voucher_date");
    if (!dv || json_is_null(dv))
        return s_fail(self, err, "voucher_date", "missing: every voucher needs its date");
    const char *ds = json_is_string(dv) ? json_string_value(dv) : "";
    if (!json_is_string(dv) || vouch_date_parse(ds, strlen(ds), &vdate) != 0 ||
        vdate == VOUCH_DATE_NONE)
        return s_fail(self, err, "voucher_date", "%s is not a date", s_quote(ds, q, sizeof q));

    const char *no_text = NULL, *word_text = NULL;
    if (s_text(self, json_object_get(v, "voucher_no"), "voucher_no", &no_text, err) != 0 ||
        s_text(self, json_object_get(v, "voucher_word"), "voucher_word", &word_text, err) != 0)
        return -1;
    if (!no_text[0])
        return s_fail(self, err, "voucher_no", "missing: every voucher needs its number");
    char word[64];
    int32_t number;
    if (vouch_voucher_no_parse(no_text, word, sizeof word, &number) != 0)
        return s_fail(self, err, "voucher_no", "%s is not a voucher number",
                      s_quote(no_text, q, sizeof q));
    if (word_text[0] && !word[0])
        vouch_voucher_word_clean(word_text, word, sizeof word);
    const char *raw =
        word_text[0] ? s_own(self, vouch_asprintf("%s %s", word_text, no_text)) : no_text;

    int y, m, d;
    vouch_date_to_ymd(vdate, &y, &m, &d);
    int period = m;
    json_t *pv = json_object_get(v, "period");
    if (pv && !json_is_null(pv)) {
        long p = json_is_integer(pv)  ? (long)json_integer_value(pv)
                 : json_is_string(pv) ? strtol(json_string_value(pv), NULL, 10)
                                      : 0;
        if (p < 1 || p > 16)
            return s_fail(self, err, "period", "a period is 1 to 16 (13-16: adjustment periods)");
        period = (int)p;
    }

    json_t *lines = json_object_get(v, "lines");
    if (!json_is_array(lines) || json_array_size(lines) == 0)
        return s_fail(self, err, "lines", "expected a non-empty array of voucher lines");
    const char *documents = NULL;
    if (s_documents(self, json_object_get(v, "documents"), &documents, err) != 0)
        return -1;

    /* voucher fields other than ours are kept with its first line */
    json_t *voucher_extra = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(v, key, value)
    {
        if (!s_known_voucher_key(key))
            json_object_set(voucher_extra, key, value);
    }
    self->fields |= 1ull << VOUCH_F_ORG | 1ull << VOUCH_F_VOUCHER_DATE | 1ull << VOUCH_F_VOUCHER_NO;
    if (pv)
        self->fields |= 1ull << VOUCH_F_PERIOD;

    size_t i;
    json_t *lj;
    int rc = 0;
    json_array_foreach(lines, i, lj)
    {
        if (self->max_lines > 0 && self->seq >= self->max_lines) {
            rc = s_fail(self, err, NULL, "more than %ld lines", self->max_lines);
            break;
        }
        snprintf(path, sizeof path, "lines[%zu]", i);
        if (!json_is_object(lj)) {
            rc = s_fail(self, err, path, "expected a voucher line object");
            break;
        }
        vouch_line_t line;
        memset(&line, 0, sizeof line);
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            line.text[t] = "";
        line.file_line = (int32_t)self->lineno;
        line.voucher_date = vdate;
        line.fiscal_year = (int16_t)y;
        line.period = (int16_t)period;
        line.voucher_no = number;
        line.line_no = (int32_t)i + 1;
        line.text[VOUCH_T_ORG] = org;
        line.text[VOUCH_T_VOUCHER_WORD] = s_own(self, vouch_strdup(word));
        line.text[VOUCH_T_VOUCHER_RAW] = raw;
        line.text[VOUCH_T_DOCUMENTS] = i == 0 ? documents : "";
        for (size_t k = 0; k < sizeof s_text_keys / sizeof s_text_keys[0]; k++) {
            json_t *f = json_object_get(lj, s_text_keys[k].key);
            snprintf(path, sizeof path, "lines[%zu].%s", i, s_text_keys[k].key);
            if (s_text(self, f, path, &line.text[s_text_keys[k].text], err) != 0)
                goto fail;
            if (line.text[s_text_keys[k].text][0])
                self->fields |= 1ull << s_text_keys[k].field;
        }
        const char *counterparty = NULL;
        snprintf(path, sizeof path, "lines[%zu].counterparty", i);
        if (s_text(self, json_object_get(lj, "counterparty"), path, &counterparty, err) != 0)
            goto fail;
        if (!line.text[VOUCH_T_PAYEE][0] && counterparty[0]) {
            line.text[VOUCH_T_PAYEE] = counterparty;
            self->fields |= 1ull << VOUCH_F_PAYEE;
        }
        snprintf(path, sizeof path, "lines[%zu].line_no", i);
        if (s_text(self, json_object_get(lj, "line_no"), path, &line.text[VOUCH_T_SRC_LINE_NO],
                   err) != 0)
            goto fail;
        snprintf(path, sizeof path, "lines[%zu].debit", i);
        if (s_amount(self, json_object_get(lj, "debit"), path, &line.debit, err) != 0)
            goto fail;
        snprintf(path, sizeof path, "lines[%zu].credit", i);
        if (s_amount(self, json_object_get(lj, "credit"), path, &line.credit, err) != 0)
            goto fail;
        self->fields |= 1ull << VOUCH_F_DEBIT | 1ull << VOUCH_F_CREDIT;
        snprintf(path, sizeof path, "lines[%zu].business_date", i);
        if (s_date(self, json_object_get(lj, "business_date"), path, &line.business_date, err))
            goto fail;
        snprintf(path, sizeof path, "lines[%zu].approval_date", i);
        if (s_date(self, json_object_get(lj, "approval_date"), path, &line.approval_date, err))
            goto fail;
        if (line.business_date != VOUCH_DATE_NONE)
            self->fields |= 1ull << VOUCH_F_BUSINESS_DATE;
        if (line.approval_date != VOUCH_DATE_NONE)
            self->fields |= 1ull << VOUCH_F_APPROVAL_DATE;
        snprintf(path, sizeof path, "lines[%zu].document_dates", i);
        if (s_date_list(self, json_object_get(lj, "document_dates"), path,
                        &line.text[VOUCH_T_DOCUMENT_DATES], err) != 0)
            goto fail;
        if (line.text[VOUCH_T_DOCUMENT_DATES][0] || documents[0])
            self->fields |= 1ull << VOUCH_F_DOCUMENT_DATES;
        line.attachments = VOUCH_ATTACH_UNKNOWN;
        json_t *att = json_object_get(lj, "attachments");
        if (att && !json_is_null(att)) {
            snprintf(path, sizeof path, "lines[%zu].attachments", i);
            long long a = json_is_integer(att) ? (long long)json_integer_value(att) : -1;
            if (json_is_string(att)) {
                char *end;
                const char *s = json_string_value(att);
                a = strtoll(s, &end, 10);
                if (!*s || *end)
                    a = -1;
            }
            if (a < 0 || a > 100000)
                goto bad_attachments;
            line.attachments = (int32_t)a;
            self->fields |= 1ull << VOUCH_F_ATTACHMENTS;
        }
        json_t *extra = json_object();
        if (i == 0)
            json_object_update(extra, voucher_extra);
        json_object_foreach(lj, key, value)
        {
            if (!s_known_line_key(key))
                json_object_set(extra, key, value);
        }
        char *extra_text = json_dumps(extra, JSON_COMPACT);
        json_decref(extra);
        line.seq = ++self->seq;
        self->stats.lines++;
        rc = self->fn(self->arg, &line, extra_text ? extra_text : "{}", err);
        free(extra_text);
        if (rc != 0) {
            self->failed = true;
            if (err && !err->file[0])
                snprintf(err->file, sizeof err->file, "%s", self->file_name);
            if (err && !err->line)
                err->line = self->lineno;
            break;
        }
        continue;
    bad_attachments:
        rc = s_fail(self, err, path, "attachments is a count of zero or more");
        break;
    fail:
        rc = -1;
        break;
    }
    json_decref(voucher_extra);
    if (rc == 0)
        self->stats.vouchers++;
    return rc;
}

static int s_line(vouch_jsonl_import_t *self, vouch_error_t *err)
{
    char *p = self->line.data;
    size_t n = self->line.len;
    if (n && p[n - 1] == '\r')
        n--;
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t'))
        k++;
    if (k == n)
        return 0; /* blank lines are allowed between vouchers */
    if (memchr(p, '\0', n))
        return s_fail(self, err, NULL, "NUL byte in the text");
    json_error_t jerr;
    json_t *v = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        char where[32];
        snprintf(where, sizeof where, "character %d", jerr.column > 0 ? jerr.column : 1);
        return s_fail(self, err, where, "not a JSON voucher: %s", jerr.text);
    }
    int rc = s_voucher(self, v, err);
    json_decref(v);
    s_free_owned(self);
    return rc;
}

int vouch_jsonl_import_feed(vouch_jsonl_import_t *self, const char *data, size_t len,
                            vouch_error_t *err)
{
    if (self->failed)
        return s_fail(self, err, NULL, "the reader stopped at an earlier error");
    const char *p = data, *end = data + len;
    if (!self->started && len > 0) {
        /* a byte-order mark may be split across the first chunks */
        static const char bom[] = "\xEF\xBB\xBF";
        while (p < end && self->line.len < 3 && p[0] == bom[self->line.len])
            vouch_buf_putc(&self->line, *p++);
        if (self->line.len == 3 || p < end) {
            if (self->line.len == 3)
                vouch_buf_reset(&self->line);
            self->started = true;
        }
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t take = (size_t)((nl ? nl : end) - p);
        if (self->line.len + take > self->max_line)
            return s_fail(self, err, NULL, "line longer than %zu bytes", self->max_line);
        vouch_buf_append(&self->line, p, take);
        p += take;
        if (!nl)
            break;
        p++;
        int rc = s_line(self, err);
        vouch_buf_reset(&self->line);
        if (rc != 0)
            return -1;
        self->lineno++;
    }
    return 0;
}

int vouch_jsonl_import_finish(vouch_jsonl_import_t *self, vouch_error_t *err)
{
    if (self->failed)
        return s_fail(self, err, NULL, "the reader stopped at an earlier error");
    if (self->line.len) {
        int rc = s_line(self, err);
        vouch_buf_reset(&self->line);
        if (rc != 0)
            return -1;
    }
    if (self->stats.lines == 0) {
        self->lineno = 1;
        return s_fail(self, err, NULL, "no vouchers: the file holds no voucher lines");
    }
    int mapped = 0;
    for (int f = 0; f < VOUCH_F_COUNT; f++)
        if (self->fields & (1ull << f))
            mapped++;
    self->stats.columns = self->stats.columns_mapped = mapped;
    return 0;
}

const vouch_csv_import_stats_t *vouch_jsonl_import_stats(const vouch_jsonl_import_t *self)
{
    return &self->stats;
}

uint64_t vouch_jsonl_import_fields(const vouch_jsonl_import_t *self)
{
    return self->fields;
}
