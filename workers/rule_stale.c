/* rule_stale.c: STALE_DOCUMENT. A supporting document dated more than
 * stale_days before the voucher: one finding per line, listing every stale
 * date. Sources: the line's document dates (CSV 单据日期, 发票日期, 开票日期;
 * JSON document_dates), and the voucher's JSON documents of the kinds that count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rules_internal.h"

/* One date of a document: when it is more than stale_days before the
 * voucher, into *stale (made on first use) and the joined lists of dates. */
static void s_judge(vouch_rules_run_t *run, const vouch_line_t *ln, int stale_days, int32_t date,
                    const char *source, json_t **stale)
{
    if (date == VOUCH_DATE_NONE)
        return;
    int32_t before = ln->voucher_date - date;
    if (before <= stale_days)
        return;
    char d[16];
    vouch_date_format(date, d);
    if (!*stale)
        *stale = json_array();
    bool more = json_array_size(*stale) > 0;
    vouch_buf_printf(&run->join_zh, "%s%s", more ? "、" : "", d);
    vouch_buf_printf(&run->join_en, "%s%s", more ? ", " : "", d);
    json_array_append_new(*stale, json_pack("{s:s, s:i, s:s}", "date", d, "days_before",
                                            (int)before, "source", source));
}

void vouch_rules_stale_document(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const vouch_line_t *ln = l->line;
    if (ln->voucher_date == VOUCH_DATE_NONE)
        return;
    int stale_days = vouch_policy_stale_days(run->policy);
    json_t *stale = NULL;
    vouch_buf_reset(&run->join_zh);
    vouch_buf_reset(&run->join_en);
    vouch_buf_reserve(&run->join_zh, 0);
    vouch_buf_reserve(&run->join_en, 0);

    /* every date of the line's cell: a cell of n bytes holds at most n + 1 */
    const char *cell = ln->text[VOUCH_T_DOCUMENT_DATES];
    if (cell[0]) {
        size_t len = strlen(cell);
        int32_t *dates = vouch_calloc(len + 1, sizeof *dates);
        int n = 0;
        /* the importer checked the cell; a cell that still does not parse is
         * missing data for this rule, not a reason to stop the batch */
        if (vouch_date_parse_list(cell, len, dates, (int)(len + 1), &n) == 0)
            for (int i = 0; i < n; i++)
                s_judge(run, ln, stale_days, dates[i], "document_dates", &stale);
        free(dates);
    }

    /* the voucher's JSON documents of the kinds the policy lists (发票, 送货单,
     * 收据, 差旅票据, 单据): other kinds (合同, 审批单, 验收单...) never count */
    const vouch_policy_words_t *kinds = vouch_policy_words(run->policy, VOUCH_POLICY_STALE_KINDS);
    size_t i;
    json_t *d;
    json_array_foreach(v->documents, i, d)
    {
        const char *kind = vouch_rules_doc_text(d, "kind");
        const char *date = vouch_rules_doc_text(d, "date");
        int32_t days;
        if (date[0] &&
            vouch_policy_words_find(kinds, vouch_rules_fold_into(run, VOUCH_RULES_F2, kind)) >= 0 &&
            vouch_date_parse(date, strlen(date), &days) == 0)
            s_judge(run, ln, stale_days, days, kind, &stale);
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
