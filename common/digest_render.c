/* digest_render.c: a digest's content as Markdown and HTML, both from the same
 * sections in the same order: header, new findings by unit and rule, changes
 * since the last digest, the top items by amount, 三公经费, review progress. */
#include "digest_render.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

char *vouch_mask_accounts(const char *s)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_puts(&b, "");
    for (const char *p = s ? s : ""; *p;) {
        size_t n = strspn(p, "0123456789");
        if (n >= 10) {
            vouch_buf_puts(&b, "****");
            vouch_buf_append(&b, p + n - 4, 4);
        } else
            vouch_buf_append(&b, p, n ? n : 1);
        p += n ? n : 1;
    }
    return b.data;
}

static const char *s_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static long long s_int(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* "835000.00" -> "835,000.00" */
static void s_grouped(vouch_buf_t *b, const char *amount)
{
    const char *dot = strchr(amount, '.');
    size_t whole = dot ? (size_t)(dot - amount) : strlen(amount);
    size_t start = amount[0] == '-' ? 1 : 0;
    if (start)
        vouch_buf_putc(b, '-');
    for (size_t i = start; i < whole; i++) {
        if (i > start && (whole - i) % 3 == 0)
            vouch_buf_putc(b, ',');
        vouch_buf_putc(b, amount[i]);
    }
    vouch_buf_puts(b, amount + whole);
}

/* The two renderings differ in markup only: a table of hooks. */
typedef struct {
    bool html;
    vouch_buf_t *b;
} s_out_t;

static void s_text(s_out_t *o, const char *s)
{
    if (!o->html) {
        /* nothing a robot's Markdown would take for markup: keep the text */
        for (; *s; s++)
            vouch_buf_putc(o->b, *s == '\n' || *s == '\r' ? ' ' : *s);
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '<':
            vouch_buf_puts(o->b, "&lt;");
            break;
        case '>':
            vouch_buf_puts(o->b, "&gt;");
            break;
        case '&':
            vouch_buf_puts(o->b, "&amp;");
            break;
        case '"':
            vouch_buf_puts(o->b, "&quot;");
            break;
        default:
            vouch_buf_putc(o->b, *s);
        }
    }
}

static void s_money(s_out_t *o, const char *amount)
{
    s_grouped(o->b, amount);
}

static void s_heading(s_out_t *o, int level, const char *text)
{
    if (o->html) {
        vouch_buf_printf(o->b, "<h%d>", level);
        s_text(o, text);
        vouch_buf_printf(o->b, "</h%d>\n", level);
    } else {
        vouch_buf_printf(o->b, "%.*s ", level, "###");
        s_text(o, text);
        vouch_buf_puts(o->b, "\n\n");
    }
}

static void s_para_open(s_out_t *o)
{
    vouch_buf_puts(o->b, o->html ? "<p>" : "");
}

static void s_para_close(s_out_t *o)
{
    vouch_buf_puts(o->b, o->html ? "</p>\n" : "\n\n");
}

static void s_list_open(s_out_t *o, bool ordered)
{
    if (o->html)
        vouch_buf_puts(o->b, ordered ? "<ol>\n" : "<ul>\n");
}

static void s_list_close(s_out_t *o, bool ordered)
{
    vouch_buf_puts(o->b, o->html ? (ordered ? "</ol>\n" : "</ul>\n") : "\n");
}

static void s_item_open(s_out_t *o, bool ordered, int n, int depth)
{
    if (o->html)
        vouch_buf_puts(o->b, "<li>");
    else if (ordered)
        vouch_buf_printf(o->b, "%*s%d. ", depth * 2, "", n);
    else
        vouch_buf_printf(o->b, "%*s- ", depth * 2, "");
}

static void s_item_close(s_out_t *o)
{
    vouch_buf_puts(o->b, o->html ? "</li>\n" : "\n");
}

/* "PROCUREMENT_BYPASS 7 条 1,972,200.00 元" */
static void s_count(s_out_t *o, const json_t *g, const char *name)
{
    s_text(o, name);
    vouch_buf_printf(o->b, ": %lld 条, ", s_int(g, "findings"));
    s_money(o, s_str(g, "amount"));
    vouch_buf_puts(o->b, " 元");
}

static void s_header(s_out_t *o, const json_t *c)
{
    vouch_buf_t t;
    vouch_buf_init(&t);
    vouch_buf_printf(&t, "vouch 摘要 digest: %s", s_str(c, "subscription"));
    s_heading(o, 2, t.data);
    vouch_buf_free(&t);
    s_para_open(o);
    vouch_buf_puts(o->b, "单位 Units: ");
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(c, "units"), i, u)
    {
        if (i)
            vouch_buf_puts(o->b, "、");
        s_text(o, json_string_value(u) ? json_string_value(u) : "");
    }
    vouch_buf_puts(o->b, " · 最低严重性 min severity: ");
    s_text(o, s_str(c, "min_severity"));
    vouch_buf_puts(o->b, o->html ? "<br>\n" : "  \n");
    s_text(o, s_str(c, "made_at"));
    if (json_is_string(json_object_get(c, "since"))) {
        vouch_buf_puts(o->b, "（上次 since ");
        s_text(o, s_str(c, "since"));
        vouch_buf_puts(o->b, "）");
    }
    s_para_close(o);
}

static void s_new(s_out_t *o, const json_t *c)
{
    const json_t *nw = json_object_get(c, "new");
    if (s_int(nw, "findings") == 0) {
        s_heading(o, 3, "新发现 New findings");
        s_para_open(o);
        vouch_buf_puts(o->b, "无新发现 Nothing new");
        if (json_is_string(json_object_get(c, "since"))) {
            vouch_buf_puts(o->b, " since ");
            s_text(o, s_str(c, "since"));
        }
        vouch_buf_putc(o->b, '.');
        s_para_close(o);
        return;
    }
    vouch_buf_t t;
    vouch_buf_init(&t);
    vouch_buf_printf(&t, "新发现 New findings: %lld 条, ", s_int(nw, "findings"));
    s_grouped(&t, s_str(nw, "amount"));
    vouch_buf_puts(&t, " 元");
    s_heading(o, 3, t.data);
    vouch_buf_free(&t);
    s_list_open(o, false);
    size_t i, k;
    json_t *u, *r;
    json_array_foreach(json_object_get(nw, "by_unit"), i, u)
    {
        s_item_open(o, false, 0, 0);
        s_count(o, u, s_str(u, "org"));
        vouch_buf_puts(o->b, o->html ? "<ul>\n" : "\n");
        json_array_foreach(json_object_get(u, "by_rule"), k, r)
        {
            s_item_open(o, false, 0, 1);
            s_count(o, r, s_str(r, "rule"));
            s_item_close(o);
        }
        if (o->html)
            vouch_buf_puts(o->b, "</ul></li>\n");
    }
    s_list_close(o, false);
}

static void s_changes(s_out_t *o, const json_t *c)
{
    const json_t *ch = json_object_get(c, "changes");
    s_heading(o, 3, "变化 Changes since the last digest");
    s_para_open(o);
    vouch_buf_printf(o->b,
                     "确认 confirmed %lld · 排除 dismissed %lld · 重新打开 reopened %lld · "
                     "抑制 suppressed %lld · 被替代 superseded %lld",
                     s_int(ch, "confirmed"), s_int(ch, "dismissed"), s_int(ch, "reopened"),
                     s_int(ch, "suppressed"), s_int(ch, "superseded"));
    s_para_close(o);
}

static void s_top(s_out_t *o, const json_t *c)
{
    const json_t *top = json_object_get(c, "top");
    if (json_array_size(top) == 0)
        return;
    s_heading(o, 3, "金额最大 Top by amount");
    s_list_open(o, true);
    size_t i;
    json_t *t;
    json_array_foreach(top, i, t)
    {
        s_item_open(o, true, (int)i + 1, 0);
        s_text(o, s_str(t, "org"));
        vouch_buf_putc(o->b, ' ');
        s_text(o, s_str(t, "voucher_date"));
        vouch_buf_putc(o->b, ' ');
        s_text(o, s_str(t, "voucher"));
        vouch_buf_printf(o->b, " 第%lld行 · ", s_int(t, "line_no"));
        s_text(o, s_str(t, "rule"));
        vouch_buf_puts(o->b, " (");
        s_text(o, s_str(t, "severity"));
        vouch_buf_puts(o->b, ") · ");
        s_money(o, s_str(t, "amount"));
        vouch_buf_puts(o->b, " 元 · ");
        s_text(o, s_str(t, "summary"));
        if (*s_str(t, "payee")) {
            vouch_buf_puts(o->b, " · ");
            s_text(o, s_str(t, "payee"));
        }
        if (*s_str(t, "payee_account")) {
            vouch_buf_putc(o->b, ' ');
            s_text(o, s_str(t, "payee_account"));
        }
        /* the findings on the line: #5 #6 */
        const json_t *ids = json_object_get(t, "finding_ids");
        vouch_buf_puts(o->b, " (");
        if (json_array_size(ids) == 0)
            vouch_buf_printf(o->b, "#%lld", s_int(t, "finding_id"));
        for (size_t k = 0; k < json_array_size(ids); k++)
            vouch_buf_printf(o->b, "%s#%lld", k ? " " : "",
                             (long long)json_integer_value(json_array_get(ids, k)));
        vouch_buf_putc(o->b, ')');
        s_item_close(o);
    }
    s_list_close(o, true);
}

static void s_sangong(s_out_t *o, const json_t *c)
{
    const json_t *sg = json_object_get(c, "sangong");
    if (json_array_size(sg) == 0)
        return;
    s_heading(o, 3, "三公经费 booked and restated");
    s_list_open(o, false);
    size_t i;
    json_t *u;
    json_array_foreach(sg, i, u)
    {
        s_item_open(o, false, 0, 0);
        s_text(o, s_str(u, "org"));
        vouch_buf_printf(o->b, " %lld: 账面 booked ", s_int(u, "year"));
        s_money(o, s_str(u, "booked"));
        vouch_buf_puts(o->b, " 元, 调整后 restated ");
        s_money(o, s_str(u, "restated"));
        vouch_buf_puts(o->b, " 元");
        s_item_close(o);
    }
    s_list_close(o, false);
}

static void s_progress(s_out_t *o, const json_t *c)
{
    const json_t *p = json_object_get(c, "progress");
    s_heading(o, 3, "审核进度 Review progress");
    s_para_open(o);
    vouch_buf_printf(o->b,
                     "待审 open %lld · 确认 confirmed %lld · 排除 dismissed %lld · "
                     "抑制 suppressed %lld: %s%% 已处理 decided",
                     s_int(p, "open"), s_int(p, "confirmed"), s_int(p, "dismissed"),
                     s_int(p, "suppressed"), s_str(p, "decided_pct"));
    s_para_close(o);
}

static void s_footer(s_out_t *o, const json_t *c)
{
    s_para_open(o);
    vouch_buf_puts(o->b, o->html ? "<small>" : "> ");
    vouch_buf_puts(o->b, "digest ");
    s_text(o, s_str(c, "digest_id"));
    vouch_buf_puts(o->b, o->html ? "</small>" : "");
    s_para_close(o);
}

static char *s_render(const json_t *c, bool html)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    s_out_t o = {html, &b};
    if (html) {
        vouch_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                           "<title>");
        char *subject = vouch_digest_subject(c);
        s_text(&o, subject);
        free(subject);
        vouch_buf_puts(&b, "</title></head>\n<body>\n");
    }
    s_header(&o, c);
    s_new(&o, c);
    s_changes(&o, c);
    s_top(&o, c);
    s_sangong(&o, c);
    s_progress(&o, c);
    s_footer(&o, c);
    if (html)
        vouch_buf_puts(&b, "</body></html>\n");
    return b.data;
}

char *vouch_digest_subject(const json_t *c)
{
    const json_t *nw = json_object_get(c, "new");
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_printf(&b, "vouch 摘要 %s: ", s_str(c, "subscription"));
    if (s_int(nw, "findings") == 0)
        vouch_buf_puts(&b, "nothing new");
    else {
        vouch_buf_printf(&b, "%lld new finding%s, ", s_int(nw, "findings"),
                         s_int(nw, "findings") == 1 ? "" : "s");
        s_grouped(&b, s_str(nw, "amount"));
        vouch_buf_puts(&b, " yuan");
    }
    return b.data;
}

char *vouch_digest_markdown(const json_t *content)
{
    return s_render(content, false);
}

char *vouch_digest_html(const json_t *content)
{
    return s_render(content, true);
}
