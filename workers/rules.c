/* rules.c: the engine that runs the per-line rules on a batch: it groups the
 * lines into vouchers, decides which lines the rules read (RULES.md "Which
 * lines the rules read", twins, red ink), and calls each rule of the table. */
#include "rules.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "csv_import.h"
#include "date.h"
#include "ledger_rules.h"
#include "money.h"
#include "rules_internal.h"

/* The rules this build runs, in the order they run: id, the version of the
 * RULES.md row it implements, the function (rule_*.c), and the columns the
 * function reads besides the engine's own (S_ENGINE_NEEDS): canonical field
 * names separated by spaces, '|' between fields any one of which will do. A
 * new rule is a line here and a file.
 *
 * The columns live here rather than in the policy JSON because they are what
 * the C function reads (ln->text[VOUCH_T_APPROVAL_DATE]...): they change with
 * the code, never with a jurisdiction's profile, and a profile naming other
 * columns would make coverage lie. Here they need no policy either, so
 * `vouchctl check` reports coverage without configuration or vouchd. */
#define S_RULES(X)                                                                                 \
    X(MISCLASS_EXPENSE, 1, vouch_rules_misclass_expense, "summary")                                \
    X(INDICATOR_MISMATCH, 1, vouch_rules_indicator_mismatch, "indicator")                          \
    X(PAYEE_MISMATCH, 1, vouch_rules_payee_mismatch, "claimant payee")                             \
    X(PROCUREMENT_BYPASS, 1, vouch_rules_procurement_bypass, "procurement_method")                 \
    X(RETROACTIVE_APPROVAL, 1, vouch_rules_retroactive_approval, "approval_date business_date")    \
    X(STALE_DOCUMENT, 1, vouch_rules_stale_document, "document_dates|documents")                   \
    X(MISSING_DOCUMENT, 1, vouch_rules_missing_document, "credit attachments|documents")

/* What the engine reads to choose the lines every rule reads (an expense
 * line: a debit to an expense account, with an economic code; see
 * s_prepare_voucher): without these no rule sees a line. */
#define S_ENGINE_NEEDS "account_code econ_code debit"

typedef struct {
    const char *id;
    int version;
    vouch_rules_fn *fn;
    const char *needs;
} s_rule_t;

#define S_ENTRY(id, version, fn, needs) {#id, version, fn, needs},
static const s_rule_t s_rules[] = {S_RULES(S_ENTRY)};
#undef S_ENTRY

#define S_ID(id, version, fn, needs) #id,
const char *const vouch_rules_ids[] = {S_RULES(S_ID) NULL};
#undef S_ID

#define S_NRULES (sizeof s_rules / sizeof s_rules[0])
_Static_assert(S_NRULES <= VOUCH_RULES_MAX, "raise VOUCH_RULES_MAX");

int vouch_rules_version(const char *id)
{
    for (size_t i = 0; i < S_NRULES; i++)
        if (strcmp(s_rules[i].id, id) == 0)
            return s_rules[i].version;
    return 0;
}

/* ---- coverage ---- */

/* Every column a rule of the table may need, with the header people know it
 * by (VOUCHER-FORMAT.md's first alias). */
static const vouch_rules_need_t s_needs[] = {
    {"account_code", "科目编码/account_code"},
    {"econ_code", "经济分类科目/econ_code"},
    {"debit", "借方金额/debit"},
    {"credit", "贷方金额/credit"},
    {"summary", "摘要/summary"},
    {"indicator", "预算指标/indicator"},
    {"claimant", "报销人/claimant"},
    {"payee", "收款人/payee"},
    {"procurement_method", "采购方式/procurement_method"},
    {"approval_date", "审批日期/approval_date"},
    {"business_date", "业务日期/business_date"},
    {"document_dates|documents", "单据日期/document_dates or JSON documents[]"},
    {"attachments|documents", "附件数/attachments or JSON documents[]"},
    /* what the rules PostgreSQL runs read besides (ledger_rules.c) */
    {"contract_no", "合同编号/contract_no"},
    {"invoice_no", "发票号/invoice_no"},
    {"voucher_no", "凭证号/voucher_no"},
    {"preparer", "制单人/preparer"},
    {"reviewer", "审核人/reviewer"},
};

/* A word of a needs string the table above lacks: never satisfied, so the
 * mistake shows as a rule not run rather than a rule silently passed. */
static const vouch_rules_need_t s_unknown_need = {"?", "(a column rules.c does not describe)"};

static const vouch_rules_need_t *s_need(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof s_needs / sizeof s_needs[0]; i++)
        if (strlen(s_needs[i].fields) == len && strncmp(s_needs[i].fields, word, len) == 0)
            return &s_needs[i];
    return &s_unknown_need;
}

/* true when one of the '|'-separated fields of need is among names */
static bool s_have(const vouch_rules_need_t *need, const char *const *names, size_t n)
{
    const char *p = need->fields;
    while (*p) {
        size_t len = strcspn(p, "|");
        for (size_t i = 0; i < n; i++)
            if (names[i] && strlen(names[i]) == len && strncmp(names[i], p, len) == 0)
                return true;
        p += len;
        if (*p == '|')
            p++;
    }
    return false;
}

/* The words of needs the file lacks into list (at most VOUCH_RULES_MAX_NEEDS);
 * returns how many it lacks. */
static size_t s_lacking(const char *needs, const char *const *names, size_t n,
                        const vouch_rules_need_t **list, size_t *nlist)
{
    size_t lacking = 0;
    const char *p = needs;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        const vouch_rules_need_t *need = s_need(p, len);
        if (need == &s_unknown_need || !s_have(need, names, n)) {
            lacking++;
            if (*nlist < VOUCH_RULES_MAX_NEEDS)
                list[(*nlist)++] = need;
        }
        p += len;
    }
    return lacking;
}

static void s_check_needs(const char *needs, const char *const *names, size_t n,
                          vouch_rules_coverage_t *c)
{
    if (s_lacking(needs, names, n, c->missing, &c->nmissing) > 0)
        c->runs = false;
}

size_t vouch_rules_coverage(const char *const *names, size_t n, vouch_rules_coverage_t *out,
                            size_t max)
{
    size_t k = 0;
    for (size_t r = 0; r < S_NRULES && k < max; r++, k++) {
        vouch_rules_coverage_t *c = &out[k];
        memset(c, 0, sizeof *c);
        c->rule = s_rules[r].id;
        c->runs = true;
        /* the rule's own columns first: they are what a user adds to the export */
        s_check_needs(s_rules[r].needs, names, n, c);
        s_check_needs(S_ENGINE_NEEDS, names, n, c);
    }
    size_t nledger;
    const vouch_ledger_rule_t *lr = vouch_ledger_rules(&nledger);
    for (size_t r = 0; r < nledger && k < max; r++, k++) {
        vouch_rules_coverage_t *c = &out[k];
        memset(c, 0, sizeof *c);
        c->rule = lr[r].id;
        c->runs = true;
        s_check_needs(lr[r].needs, names, n, c);
        if (c->runs)
            s_lacking(lr[r].optional, names, n, c->without, &c->nwithout);
    }
    return k;
}

size_t vouch_rules_coverage_fields(uint64_t fields, bool documents, vouch_rules_coverage_t *out,
                                   size_t max)
{
    const char *names[VOUCH_F_COUNT + 1];
    size_t n = 0;
    for (int f = 0; f < VOUCH_F_COUNT && f < 64; f++)
        if (fields & (1ull << f))
            names[n++] = vouch_csv_field_names[f];
    if (documents)
        names[n++] = "documents";
    return vouch_rules_coverage(names, n, out, max);
}

const char *vouch_rules_coverage_text(const vouch_rules_coverage_t *c, char *out, size_t size)
{
    if (size == 0)
        return out;
    if (c->runs && c->nwithout == 0) {
        snprintf(out, size, "runs");
        return out;
    }
    const vouch_rules_need_t *const *list = c->runs ? c->without : c->missing;
    size_t nlist = c->runs ? c->nwithout : c->nmissing;
    size_t used = 0;
    int w = snprintf(out, size, "%s", c->runs ? "runs (without: " : "not run (missing: ");
    used = w < 0 ? 0 : (size_t)w;
    for (size_t i = 0; i < nlist && used < size; i++) {
        w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", list[i]->label);
        used += w < 0 ? 0 : (size_t)w;
    }
    if (used < size)
        snprintf(out + used, size - used, ")");
    return out;
}

static json_t *s_needs_json(const vouch_rules_need_t *const *list, size_t n)
{
    json_t *a = json_array();
    for (size_t m = 0; m < n; m++)
        json_array_append_new(
            a, json_pack("{s:s, s:s}", "fields", list[m]->fields, "label", list[m]->label));
    return a;
}

json_t *vouch_rules_coverage_json(const vouch_rules_coverage_t *c, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char text[512];
        json_array_append_new(a, json_pack("{s:s, s:b, s:s, s:o, s:o}", "rule", c[i].rule, "runs",
                                           c[i].runs, "status",
                                           vouch_rules_coverage_text(&c[i], text, sizeof text),
                                           "missing", s_needs_json(c[i].missing, c[i].nmissing),
                                           "without", s_needs_json(c[i].without, c[i].nwithout)));
    }
    return a;
}

/* ---- folding without allocating ---- */

/* The white space vouch_text_fold removes (text.c): ASCII, NEL, the Zs, Zl
 * and Zp categories, and the invisible U+200B / U+FEFF. The two must agree:
 * the policy's words are folded by one and the lines' text by the other. */
static bool s_is_space(utf8proc_int32_t c)
{
    if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0x200b || c == 0xfeff)
        return true;
    if (c < 0x80)
        return false;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* vouch_rules_fold, or with keep_space each run of white space as one ' '
 * (where white space separates, as between two numbers). */
static const char *s_fold(vouch_buf_t *out, vouch_buf_t *cps, const char *s, bool keep_space)
{
    const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    size_t slen = strlen(s);
    vouch_buf_reset(out);
    vouch_buf_reserve(out, slen);

    /* Most cells are already NFKC (the importer normalised them) and many are
     * ASCII: for ASCII, NFKC changes nothing, so only white space goes. */
    bool ascii = true;
    for (size_t i = 0; i < slen && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii) {
        for (size_t i = 0; i < slen; i++)
            if (!s_is_space((unsigned char)s[i]))
                out->data[out->len++] = s[i];
            else if (keep_space && out->len && out->data[out->len - 1] != ' ')
                out->data[out->len++] = ' ';
        out->data[out->len] = '\0';
        return out->data;
    }

    /* Decompose into the caller's scratch space (growing it once if short),
     * compose, then encode what is not white space. */
    utf8proc_ssize_t cap = (utf8proc_ssize_t)(cps->cap / sizeof(utf8proc_int32_t));
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)slen,
                                            (utf8proc_int32_t *)cps->data, cap, opt);
    if (n < 0)
        return NULL;
    if (n > cap) {
        cps->len = 0;
        vouch_buf_reserve(cps, (size_t)n * sizeof(utf8proc_int32_t));
        cap = (utf8proc_ssize_t)(cps->cap / sizeof(utf8proc_int32_t));
        n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)slen,
                               (utf8proc_int32_t *)cps->data, cap, opt);
        if (n < 0 || n > cap)
            return NULL;
    }
    utf8proc_int32_t *cp = (utf8proc_int32_t *)cps->data;
    n = utf8proc_normalize_utf32(cp, n, opt);
    if (n < 0)
        return NULL;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (s_is_space(cp[i])) {
            if (keep_space && out->len && out->data[out->len - 1] != ' ')
                vouch_buf_putc(out, ' ');
            continue;
        }
        vouch_buf_reserve(out, 4);
        out->len += (size_t)utf8proc_encode_char(cp[i], (utf8proc_uint8_t *)out->data + out->len);
        out->data[out->len] = '\0';
    }
    return out->data;
}

const char *vouch_rules_fold(vouch_buf_t *out, vouch_buf_t *cps, const char *s)
{
    return s_fold(out, cps, s, false);
}

const char *vouch_rules_fold_into(vouch_rules_run_t *run, int slot, const char *s)
{
    const char *f = s_fold(&run->fold[slot], &run->cps, s ? s : "", false);
    return f ? f : "";
}

const char *vouch_rules_fold_spaced_into(vouch_rules_run_t *run, int slot, const char *s)
{
    const char *f = s_fold(&run->fold[slot], &run->cps, s ? s : "", true);
    return f ? f : "";
}

/* ---- messages and findings ---- */

void vouch_rules_render(vouch_buf_t *out, const char *tmpl, const vouch_rules_var_t *vars,
                        size_t nvars)
{
    if (!tmpl)
        tmpl = "";
    vouch_buf_reset(out);
    vouch_buf_reserve(out, strlen(tmpl));
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            vouch_buf_puts(out, p);
            break;
        }
        vouch_buf_append(out, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 1);
        for (size_t i = 0; i < nvars; i++)
            if (strlen(vars[i].name) == n && strncmp(vars[i].name, open + 1, n) == 0) {
                vouch_buf_puts(out, vars[i].value ? vars[i].value : "");
                break;
            }
        p = close + 1;
    }
}

void vouch_rules_emit(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                      const vouch_rules_line_t *l, const char *variant,
                      const vouch_rules_var_t *vars, size_t nvars, json_t *evidence)
{
    const char *zh = vouch_policy_message(run->policy, rule->id, variant, "zh");
    const char *en = vouch_policy_message(run->policy, rule->id, variant, "en");
    vouch_rules_render(&run->msg_zh, zh, vars, nvars);
    vouch_rules_render(&run->msg_en, en, vars, nvars);

    json_t *f = json_object();
    json_object_set_new(f, "seq", json_integer(l->line->seq));
    json_object_set_new(f, "rule", json_string(rule->id));
    json_object_set_new(f, "rule_version", json_integer(rule->version));
    json_object_set_new(f, "profile", json_string(vouch_policy_profile(run->policy)));
    json_object_set_new(f, "severity", json_string(rule->severity));
    json_object_set_new(f, "amount", json_integer(l->line->debit));
    json_object_set_new(f, "message", json_string(run->msg_zh.data));
    json_object_set_new(f, "message_en", json_string(run->msg_en.data));
    json_object_set_new(f, "evidence", evidence ? evidence : json_object());
    json_array_append_new(run->findings, f);
    run->count++;
}

const char *vouch_rules_code_name(const vouch_rules_run_t *run, const char *code)
{
    const char *name = vouch_policy_econ_name(run->econ, code);
    return name ? name : "";
}

void vouch_rules_join_codes(const vouch_rules_run_t *run, vouch_buf_t *zh, vouch_buf_t *en,
                            const char *const *codes, size_t n)
{
    vouch_buf_reset(zh);
    vouch_buf_reset(en);
    vouch_buf_reserve(zh, 0);
    vouch_buf_reserve(en, 0);
    for (size_t i = 0; i < n; i++) {
        const char *name = vouch_rules_code_name(run, codes[i]);
        vouch_buf_printf(zh, "%s%s%s", i ? "、" : "", codes[i], name);
        vouch_buf_printf(en, "%s%s%s%s", i ? ", " : "", codes[i], name[0] ? " " : "", name);
    }
}

bool vouch_rules_contract_total(vouch_rules_run_t *run, const char *contract_no, int64_t *total)
{
    const vouch_batch_view_t *b = run->batch;
    if (!b->ncontracts || !contract_no[0])
        return false;
    if (!run->contracts_folded) {
        /* once per batch: the list is short and every contract line asks */
        run->contract_keys = vouch_calloc(b->ncontracts, sizeof *run->contract_keys);
        for (size_t i = 0; i < b->ncontracts; i++) {
            const char *f =
                vouch_rules_fold(&run->scratch, &run->cps,
                                 b->contracts[i].contract_no ? b->contracts[i].contract_no : "");
            run->contract_keys[i] = vouch_strdup(f ? f : "");
        }
        run->contracts_folded = true;
    }
    /* vouchd groups by the number as stored; numbers that differ only in
     * white space or width are one contract here, as RULES.md compares text */
    bool found = false;
    *total = 0;
    for (size_t i = 0; i < b->ncontracts; i++)
        if (strcmp(run->contract_keys[i], contract_no) == 0) {
            *total += b->contracts[i].total;
            found = true;
        }
    return found;
}

bool vouch_rules_contains_any(const vouch_policy_words_t *set, const char *s, size_t len)
{
    for (size_t p = 0; p < len; p++)
        if (vouch_policy_words_at(set, s + p, len - p) >= 0)
            return true;
    return false;
}

json_t *vouch_rules_money_json(int64_t fen)
{
    char buf[VOUCH_MONEY_BUFSZ];
    return json_string(vouch_money_format(fen, buf));
}

json_t *vouch_rules_date_json(int32_t days)
{
    char buf[16];
    if (days == VOUCH_DATE_NONE)
        return json_null();
    return json_string(vouch_date_format(days, buf));
}

json_t *vouch_rules_codes_json(const vouch_policy_codes_t *codes)
{
    json_t *a = json_array();
    for (size_t i = 0; i < codes->n; i++)
        json_array_append_new(a, json_string(codes->items[i]));
    return a;
}

const char *vouch_rules_doc_text(const json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));
    return s ? s : "";
}

/* ---- which lines the rules read ---- */

/* The leading digits of a code cell ("30217", " 30217"); "" when none. */
static void s_code_digits(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while (*s == ' ')
        s++;
    while (*s >= '0' && *s <= '9' && n + 1 < size)
        out[n++] = *s++;
    out[n] = '\0';
}

static bool s_same_voucher(const vouch_line_t *a, const vouch_line_t *b)
{
    return a->fiscal_year == b->fiscal_year && a->period == b->period &&
           a->voucher_no == b->voucher_no &&
           strcmp(a->text[VOUCH_T_VOUCHER_WORD], b->text[VOUCH_T_VOUCHER_WORD]) == 0 &&
           strcmp(a->text[VOUCH_T_ORG], b->text[VOUCH_T_ORG]) == 0;
}

/* The voucher's JSON documents[]: on its first line as JSON Lines exports
 * give them (VOUCH_T_DOCUMENTS), parsed once for every rule. A new reference,
 * or NULL when there are none. The importer checked them; what still does not
 * parse is missing data, not a reason to stop the batch. */
static json_t *s_documents(const vouch_rules_voucher_t *v)
{
    for (size_t i = 0; i < v->n; i++) {
        const char *text = v->lines[i].line->text[VOUCH_T_DOCUMENTS];
        if (!text[0])
            continue;
        json_t *docs = json_loads(text, 0, NULL);
        if (json_is_array(docs))
            return docs;
        json_decref(docs);
        return NULL;
    }
    return NULL;
}

/* Classify a voucher's lines. Government units book each payment twice
 * (平行记账): a 5xxx financial line and its 7xxx budget twin with the same
 * economic code and amount. RULES.md: the rules read the financial lines and
 * leave the budget book alone; only where a voucher's expense lines are all
 * budget lines (a budget-only voucher, or one whose financial side went to an
 * asset such as 1601 固定资产) do they read those. A budget line whose amount
 * differs from every financial line (accrual against cash) is still the same
 * spending seen from the other book, so it is not read either. */
static void s_prepare_voucher(const vouch_policy_t *policy, vouch_rules_voucher_t *v)
{
    const vouch_policy_codes_t *fin = vouch_policy_codes(policy, VOUCH_POLICY_FINANCIAL_EXPENSE);
    const vouch_policy_codes_t *bud = vouch_policy_codes(policy, VOUCH_POLICY_BUDGET_EXPENSE);
    const vouch_policy_codes_t *out = vouch_policy_codes(policy, VOUCH_POLICY_PAYMENT_OUT);
    v->pays_out = false;
    v->attachments = VOUCH_ATTACH_UNKNOWN;
    v->documents = s_documents(v);

    bool financial = false;
    for (size_t i = 0; i < v->n; i++) {
        vouch_rules_line_t *l = &v->lines[i];
        const vouch_line_t *ln = l->line;
        s_code_digits(ln->text[VOUCH_T_ACCOUNT_CODE], l->account, sizeof l->account);
        s_code_digits(ln->text[VOUCH_T_ECON_CODE], l->econ, sizeof l->econ);
        /* a negative (red-ink) line reverses an earlier one: not read */
        bool debit = ln->debit > 0 && l->econ[0];
        bool is_fin = vouch_policy_codes_match(fin, l->account);
        l->budget = debit && !is_fin && vouch_policy_codes_match(bud, l->account);
        l->expense = debit && (is_fin || l->budget);
        financial = financial || (l->expense && !l->budget);
        l->pays_out = ln->credit > 0 && vouch_policy_codes_match(out, l->account);
        v->pays_out = v->pays_out || l->pays_out;
        /* RULES.md "Attachments": blank is unknown, never 0 */
        if (ln->attachments != VOUCH_ATTACH_UNKNOWN && ln->attachments > v->attachments)
            v->attachments = ln->attachments;
    }
    for (size_t i = 0; i < v->n; i++) {
        vouch_rules_line_t *l = &v->lines[i];
        l->read = l->expense && (!l->budget || !financial);
    }
}

int vouch_rules_run(const vouch_policy_t *policy, const vouch_batch_view_t *batch, json_t *findings)
{
    if (!policy || !batch || !findings || batch->nlines == 0)
        return 0;
    vouch_rules_run_t run = {.policy = policy, .batch = batch, .findings = findings};
    const vouch_policy_rule_t *cfg[S_NRULES];
    for (size_t r = 0; r < S_NRULES; r++) {
        cfg[r] = vouch_policy_rule(policy, s_rules[r].id);
        if (cfg[r] && !cfg[r]->enabled)
            cfg[r] = NULL;
    }

    /* one array for the batch, not one per line */
    vouch_rules_line_t *lines = vouch_calloc(batch->nlines, sizeof *lines);
    for (size_t i = 0; i < batch->nlines; i++)
        lines[i].line = &batch->lines[i];

    size_t first = 0;
    while (first < batch->nlines) {
        size_t end = first + 1;
        while (end < batch->nlines && s_same_voucher(&batch->lines[first], &batch->lines[end]))
            end++;
        vouch_rules_voucher_t v = {.lines = &lines[first], .n = end - first};
        s_prepare_voucher(policy, &v);
        /* a voucher is one fiscal year: the table of that year names its codes */
        run.econ = vouch_policy_econ(policy, batch->lines[first].fiscal_year);
        for (size_t i = 0; i < v.n; i++) {
            if (!v.lines[i].read)
                continue;
            for (size_t r = 0; r < S_NRULES; r++)
                if (cfg[r])
                    s_rules[r].fn(&run, cfg[r], &v, &v.lines[i]);
        }
        json_decref(v.documents);
        first = end;
    }

    free(lines);
    if (run.contract_keys) {
        for (size_t i = 0; i < batch->ncontracts; i++)
            free(run.contract_keys[i]);
        free(run.contract_keys);
    }
    vouch_buf_free(&run.cps);
    for (int i = 0; i < VOUCH_RULES_NFOLD; i++)
        vouch_buf_free(&run.fold[i]);
    vouch_buf_free(&run.msg_zh);
    vouch_buf_free(&run.msg_en);
    vouch_buf_free(&run.frag_zh);
    vouch_buf_free(&run.frag_en);
    vouch_buf_free(&run.join_zh);
    vouch_buf_free(&run.join_en);
    vouch_buf_free(&run.scratch);
    return run.count;
}
