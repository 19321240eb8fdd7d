/* gen_out.c: the ledgers, labels and decoys as files. A voucher is rendered
 * into one buffer and written at once; nothing of a file is kept in memory,
 * so a five-million-line ledger costs what a five-line one does. */
#include "gen_out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "money.h"

struct vouch_gen_out_t {
    vouch_gen_out_opts_t opts;
    FILE *ledger; /* the file being written */
    int ledger_org, ledger_month;
    char ledger_path[4096];
    FILE *labels, *decoys;
    vouch_buf_t buf;
    vouch_gen_out_stats_t stats;
};

/* the seed case's columns, then 发票号, 制单人 and 审核人 */
static const char s_csv_header[] =
    "单位名称,凭证日期,凭证号,分录号,摘要,科目编码,科目名称,功能分类科目,经济分类科目,借方金额,"
    "贷方金额,预算指标,部门,项目,报销人,收款人,收款账号,结算方式,采购方式,合同编号,业务发生日期,"
    "审批日期,单据日期,附件数,发票号,制单人,审核人\n";

static FILE *s_open(const char *path, vouch_error_t *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        vouch_error_set(err, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    /* large writes: the generator is I/O bound at benchmark sizes */
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static int s_close(FILE **f, const char *what, vouch_error_t *err)
{
    if (!*f)
        return 0;
    int bad = ferror(*f);
    int rc = fclose(*f);
    *f = NULL;
    if (bad || rc != 0) {
        vouch_error_set(err, "cannot write %s: %s", what, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

vouch_gen_out_t *vouch_gen_out_new(const vouch_gen_out_opts_t *opts, vouch_error_t *err)
{
    vouch_gen_out_t *self = vouch_calloc(1, sizeof *self);
    self->opts = *opts;
    self->ledger_org = self->ledger_month = -1;
    vouch_buf_init(&self->buf);
    if (opts->labels_path && !(self->labels = s_open(opts->labels_path, err)))
        goto fail;
    if (opts->decoys_path && !(self->decoys = s_open(opts->decoys_path, err)))
        goto fail;
    return self;
fail:
    vouch_gen_out_destroy(&self);
    return NULL;
}

void vouch_gen_out_destroy(vouch_gen_out_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_gen_out_t *self = *self_p;
    if (self->ledger)
        fclose(self->ledger);
    if (self->labels)
        fclose(self->labels);
    if (self->decoys)
        fclose(self->decoys);
    vouch_buf_free(&self->buf);
    free(self);
    *self_p = NULL;
}

const vouch_gen_out_stats_t *vouch_gen_out_stats(const vouch_gen_out_t *self)
{
    return &self->stats;
}

/* ---- cells ---- */

static void s_csv_cell(vouch_buf_t *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        vouch_buf_puts(b, s);
    } else {
        vouch_buf_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"')
                vouch_buf_putc(b, '"');
            vouch_buf_putc(b, *s);
        }
        vouch_buf_putc(b, '"');
    }
    vouch_buf_putc(b, ',');
}

static void s_json_string(vouch_buf_t *b, const char *s)
{
    vouch_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            vouch_buf_putc(b, '\\');
            vouch_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            vouch_buf_printf(b, "\\u%04x", c);
        } else {
            vouch_buf_putc(b, (char)c);
        }
    }
    vouch_buf_putc(b, '"');
}

/* , "key": "value" for a value that is not blank */
static void s_json_field(vouch_buf_t *b, const char *key, const char *value)
{
    if (!value || !value[0])
        return;
    vouch_buf_puts(b, ", ");
    s_json_string(b, key);
    vouch_buf_puts(b, ": ");
    s_json_string(b, value);
}

static const char *s_amount(int64_t fen, int grouped, char *out)
{
    if (fen == 0)
        return "";
    return grouped ? vouch_money_format_grouped(fen, out) : vouch_money_format(fen, out);
}

/* ---- files ---- */

static int s_ledger_for(vouch_gen_out_t *self, const vouch_gen_org_t *org, int month,
                        vouch_error_t *err)
{
    int want_month = self->opts.split_months ? month : 0;
    if (self->ledger && self->ledger_org == org->index && self->ledger_month == want_month)
        return 0;
    if (s_close(&self->ledger, self->ledger_path, err) != 0)
        return -1;
    const char *ext = self->opts.format == VOUCH_GEN_JSONL ? "jsonl" : "csv";
    if (self->opts.split_months)
        snprintf(self->ledger_path, sizeof self->ledger_path, "%s/org%03d-%d-%02d.%s",
                 self->opts.dir, org->index, self->opts.year, month, ext);
    else
        snprintf(self->ledger_path, sizeof self->ledger_path, "%s/org%03d-%d.%s", self->opts.dir,
                 org->index, self->opts.year, ext);
    if (!(self->ledger = s_open(self->ledger_path, err)))
        return -1;
    self->ledger_org = org->index;
    self->ledger_month = want_month;
    self->stats.files++;
    if (self->opts.format == VOUCH_GEN_CSV)
        fputs(s_csv_header, self->ledger);
    return 0;
}

static void s_csv_voucher(vouch_buf_t *b, const vouch_gen_org_t *org, const vouch_gen_voucher_t *v,
                          const char *date, const char *voucher)
{
    char amount[VOUCH_MONEY_BUFSZ], num[24];
    for (size_t i = 0; i < v->n; i++) {
        const vouch_gen_line_t *l = &v->lines[i];
        s_csv_cell(b, org->name);
        s_csv_cell(b, date);
        s_csv_cell(b, voucher);
        snprintf(num, sizeof num, "%zu", i + 1);
        s_csv_cell(b, num);
        s_csv_cell(b, l->summary);
        s_csv_cell(b, l->account_code);
        s_csv_cell(b, l->account_name);
        s_csv_cell(b, l->econ[0] ? l->func_code : "");
        s_csv_cell(b, l->econ);
        s_csv_cell(b, s_amount(l->debit, v->grouped, amount));
        s_csv_cell(b, s_amount(l->credit, v->grouped, amount));
        s_csv_cell(b, l->indicator);
        s_csv_cell(b, l->department);
        s_csv_cell(b, l->project);
        s_csv_cell(b, l->claimant);
        s_csv_cell(b, l->payee);
        s_csv_cell(b, l->payee_account);
        s_csv_cell(b, l->payment_method);
        s_csv_cell(b, l->channel);
        s_csv_cell(b, l->contract_no);
        s_csv_cell(b, l->business_date);
        s_csv_cell(b, l->approval_date);
        s_csv_cell(b, l->document_dates);
        if (l->attachments == VOUCH_GEN_BLANK)
            num[0] = '\0';
        else
            snprintf(num, sizeof num, "%d", l->attachments);
        s_csv_cell(b, num);
        s_csv_cell(b, l->invoice_no);
        s_csv_cell(b, v->preparer);
        s_csv_cell(b, v->reviewer);
        b->data[b->len - 1] = '\n'; /* the last cell's comma */
    }
}

static void s_jsonl_voucher(vouch_buf_t *b, const vouch_gen_org_t *org,
                            const vouch_gen_voucher_t *v, const char *date, const char *voucher)
{
    char amount[VOUCH_MONEY_BUFSZ], d[16];
    vouch_buf_puts(b, "{\"org\": ");
    s_json_string(b, org->name);
    s_json_field(b, "voucher_date", date);
    s_json_field(b, "voucher_no", voucher);
    vouch_buf_puts(b, ", \"lines\": [");
    for (size_t i = 0; i < v->n; i++) {
        const vouch_gen_line_t *l = &v->lines[i];
        vouch_buf_printf(b, "%s{\"line_no\": %zu", i ? ", " : "", i + 1);
        s_json_field(b, "summary", l->summary);
        s_json_field(b, "account_code", l->account_code);
        s_json_field(b, "account_name", l->account_name);
        s_json_field(b, "func_code", l->econ[0] ? l->func_code : "");
        s_json_field(b, "econ_code", l->econ);
        s_json_field(b, "debit", s_amount(l->debit, 0, amount));
        s_json_field(b, "credit", s_amount(l->credit, 0, amount));
        s_json_field(b, "indicator", l->indicator);
        s_json_field(b, "department", l->department);
        s_json_field(b, "project", l->project);
        s_json_field(b, "claimant", l->claimant);
        s_json_field(b, "payee", l->payee);
        s_json_field(b, "payee_account", l->payee_account);
        s_json_field(b, "payment_method", l->payment_method);
        s_json_field(b, "procurement_method", l->channel);
        s_json_field(b, "contract_no", l->contract_no);
        s_json_field(b, "invoice_no", l->invoice_no);
        s_json_field(b, "business_date", l->business_date);
        s_json_field(b, "approval_date", l->approval_date);
        s_json_field(b, "document_dates", l->document_dates);
        if (l->attachments != VOUCH_GEN_BLANK)
            vouch_buf_printf(b, ", \"attachments\": %d", l->attachments);
        s_json_field(b, "preparer", v->preparer);
        s_json_field(b, "reviewer", v->reviewer);
        vouch_buf_putc(b, '}');
    }
    vouch_buf_puts(b, "]");
    if (v->ndocs) {
        vouch_buf_puts(b, ", \"documents\": [");
        for (size_t i = 0; i < v->ndocs; i++) {
            const vouch_gen_doc_t *doc = &v->docs[i];
            vouch_buf_puts(b, i ? ", {\"kind\": " : "{\"kind\": ");
            s_json_string(b, doc->kind);
            s_json_field(b, "number", doc->number);
            if (doc->date != VOUCH_DATE_NONE)
                s_json_field(b, "date", vouch_date_format(doc->date, d));
            if (doc->signed_ >= 0)
                vouch_buf_printf(b, ", \"signed\": %s", doc->signed_ ? "true" : "false");
            vouch_buf_putc(b, '}');
        }
        vouch_buf_putc(b, ']');
    }
    vouch_buf_puts(b, "}\n");
}

static void s_mark(vouch_buf_t *b, const vouch_gen_org_t *org, const vouch_gen_mark_t *m,
                   const char *date, const char *voucher)
{
    vouch_buf_reset(b);
    vouch_buf_puts(b, "{\"rule\": ");
    s_json_string(b, m->rule);
    s_json_field(b, "org", org->name);
    s_json_field(b, "voucher_date", date);
    s_json_field(b, "voucher", voucher);
    vouch_buf_printf(b, ", \"line_no\": %d, \"level\": \"%s\"", m->line < 0 ? 1 : m->line + 1,
                     m->line < 0 ? "voucher" : "line");
    s_json_field(b, "case", m->what);
    vouch_buf_puts(b, "}\n");
}

int vouch_gen_out_voucher(vouch_gen_out_t *self, const vouch_gen_org_t *org, int month,
                          const vouch_gen_voucher_t *v, const char *word, int number,
                          vouch_error_t *err)
{
    if (s_ledger_for(self, org, month, err) != 0)
        return -1;
    char date[16], voucher[48];
    vouch_date_format(v->date, date);
    snprintf(voucher, sizeof voucher, "%s-%d", word, number);

    vouch_buf_reset(&self->buf);
    if (self->opts.format == VOUCH_GEN_JSONL)
        s_jsonl_voucher(&self->buf, org, v, date, voucher);
    else
        s_csv_voucher(&self->buf, org, v, date, voucher);
    fwrite(self->buf.data, 1, self->buf.len, self->ledger);
    self->stats.lines += (long)v->n;
    self->stats.vouchers++;

    for (size_t i = 0; i < v->nmarks; i++) {
        const vouch_gen_mark_t *m = &v->marks[i];
        if (!(m->formats & self->opts.format))
            continue;
        FILE *f = m->decoy ? self->decoys : self->labels;
        if (m->decoy)
            self->stats.decoys++;
        else
            self->stats.labels++;
        if (!f)
            continue;
        s_mark(&self->buf, org, m, date, voucher);
        fwrite(self->buf.data, 1, self->buf.len, f);
    }
    if (ferror(self->ledger)) {
        vouch_error_set(err, "cannot write %s: %s", self->ledger_path, strerror(errno));
        return -1;
    }
    return 0;
}

int vouch_gen_out_finish(vouch_gen_out_t *self, vouch_error_t *err)
{
    int rc = s_close(&self->ledger, self->ledger_path, err);
    if (s_close(&self->labels, "the labels", err) != 0)
        rc = -1;
    if (s_close(&self->decoys, "the decoys", err) != 0)
        rc = -1;
    return rc;
}
