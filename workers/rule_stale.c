/* rule_stale.c: STALE_DOCUMENT. A supporting document dated more than
 * stale_days before the voucher: one finding per line, listing every stale
 * date. Sources: the line's document dates (CSV 单据日期, 发票日期, 开票日期;
 * JSON document_dates), and the voucher's JSON documents of the kinds that count. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "rules_internal.h"

#define S_MAX_DATES 64

typedef struct {
    int32_t date;
    const char *source; /* "document_dates", or a JSON document's kind */
} s_doc_t;

/* The voucher's JSON documents of the kinds the policy lists (发票, 送货单,
 * 收据, 差旅票据, 单据): other kinds (合同, 审批单, 验收单...) never count. Adds
 * up to max to out and returns how many; their sources point into
 * v->documents, which outlives the rule's call. */
static size_t s_voucher_documents(vouch_rules_run_t *run, const vouch_rules_voucher_t *v,
                                  s_doc_t *out, size_t max)
{
    const vouch_policy_words_t *kinds = vouch_policy_words(run->policy, VOUCH_POLICY_STALE_KINDS);
    size_t added = 0, i;
    json_t *d;
    json_array_foreach(v->documents, i, d)
    {
        const char *kind = vouch_rules_doc_text(d, "kind");
        const char *date = vouch_rules_doc_text(d, "date");
        int32_t days;
        if (added >= max || !date[0] ||
            vouch_policy_words_find(kinds, vouch_rules_fold_into(run, VOUCH_RULES_F2, kind)) < 0 ||
            vouch_date_parse(date, strlen(date), &days) != 0 || days == VOUCH_DATE_NONE)
            continue;
        out[added++] = (s_doc_t){days, kind};
    }
    return added;
}

void vouch_rules_stale_document(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const vouch_line_t *ln = l->line;
    s_doc_t docs[S_MAX_DATES];
    size_t ndocs = 0;

    const char *cell = ln->text[VOUCH_T_DOCUMENT_DATES];
    if (cell[0]) {
        int32_t dates[S_MAX_DATES];
        int n = 0;
        /* the importer checked the cell; a cell that still does not parse is
         * missing data for this rule, not a reason to stop the batch */
        if (vouch_date_parse_list(cell, strlen(cell), dates, S_MAX_DATES, &n) == 0)
            for (int i = 0; i < n; i++)
                docs[ndocs++] = (s_doc_t){dates[i], "document_dates"};
    }
    ndocs += s_voucher_documents(run, v, docs + ndocs, S_MAX_DATES - ndocs);
    if (ndocs == 0 || ln->voucher_date == VOUCH_DATE_NONE)
        return;

    int stale_days = vouch_policy_stale_days(run->policy);
    json_t *stale = NULL;
    vouch_buf_reset(&run->join_zh);
    vouch_buf_reset(&run->join_en);
    vouch_buf_reserve(&run->join_zh, 0);
    vouch_buf_reserve(&run->join_en, 0);
    for (size_t i = 0; i < ndocs; i++) {
        if (docs[i].date == VOUCH_DATE_NONE)
            continue;
        int32_t before = ln->voucher_date - docs[i].date;
        if (before <= stale_days)
            continue;
        char d[16];
        vouch_date_format(docs[i].date, d);
        if (!stale)
            stale = json_array();
        vouch_buf_printf(&run->join_zh, "%s%s", json_array_size(stale) ? "、" : "", d);
        vouch_buf_printf(&run->join_en, "%s%s", json_array_size(stale) ? ", " : "", d);
        json_array_append_new(stale, json_pack("{s:s, s:i, s:s}", "date", d, "days_before",
                                               (int)before, "source", docs[i].source));
    }
    if (!stale)
        return;

    char voucher_date[16], days[16];
    vouch_date_format(ln->voucher_date, voucher_date);
    snprintf(days, sizeof days, "%d", stale_days);
    const char *code_name = vouch_rules_code_name(run, l->econ);
    vouch_rules_var_t vars[] = {
        {"dates", run->join_zh.data},
        {"dates_en", run->join_en.data},
        {"voucher_date", voucher_date},
        {"stale_days", days},
        {"code", l->econ},
        {"code_name", code_name},
    };

    json_t *ev = json_object();
    json_object_set_new(ev, "voucher_date", json_string(voucher_date));
    json_object_set_new(ev, "stale_days", json_integer(stale_days));
    json_object_set_new(ev, "stale_documents", stale);
    json_object_set_new(ev, "document_dates", json_string(cell));
    vouch_rules_emit(run, rule, l, "default", vars, sizeof vars / sizeof vars[0], ev);
}
