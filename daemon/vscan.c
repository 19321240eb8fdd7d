/* vscan.c: the vouchers the voucher rules can find anything in, from the
 * stream (vscan.h). A voucher is a candidate when a book of it does not
 * balance, or when its first 制单人 and 审核人 may be the same name after
 * folding; what folding does is settled here only for names of ASCII and CJK
 * ideographs (U+3400..U+9FFF), which NFKC leaves alone, so that folding them
 * is dropping ASCII white space. Any other name makes its voucher a
 * candidate. */
#include "vscan.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define S_NAME 256        /* a longer name is not settled here */
#define S_MAX_SEQS 200000 /* more candidate lines: the rules read them all */

typedef struct {
    char **items;
    size_t *lens; /* measured once: they are compared with every line's code */
    size_t n;
} s_prefixes_t;

struct vouch_vscan {
    s_prefixes_t budget, financial;
    /* the voucher run in hand */
    bool open;
    int64_t first, last;
    int64_t fin_debit, fin_credit, bud_debit, bud_credit;
    bool has_fin, has_bud;
    char preparer[S_NAME], reviewer[S_NAME];
    bool has_preparer, has_reviewer;
    bool unsure;
    /* the candidates' lines */
    vouch_buf_t seqs;
    long nseqs;
    bool overflow;
};

static void s_prefixes(s_prefixes_t *out, const json_t *arr)
{
    size_t i;
    json_t *v;
    out->items = vouch_calloc(json_array_size(arr) + 1, sizeof *out->items);
    out->lens = vouch_calloc(json_array_size(arr) + 1, sizeof *out->lens);
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && json_string_length(v) > 0) {
            out->lens[out->n] = json_string_length(v);
            out->items[out->n++] = vouch_strdup(json_string_value(v));
        }
    }
}

vouch_vscan_t *vouch_vscan_new(const char *ledger_rules)
{
    if (!ledger_rules)
        return NULL;
    json_t *p = json_loads(ledger_rules, 0, NULL);
    const json_t *books = json_object_get(p, "books");
    const json_t *bud = json_object_get(books, "budget");
    const json_t *fin = json_object_get(books, "financial");
    if (!json_is_array(bud) || !json_is_array(fin)) {
        json_decref(p);
        return NULL;
    }
    vouch_vscan_t *self = vouch_calloc(1, sizeof *self);
    s_prefixes(&self->budget, bud);
    s_prefixes(&self->financial, fin);
    json_decref(p);
    vouch_buf_init(&self->seqs);
    return self;
}

static void s_free_prefixes(s_prefixes_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i]);
    free(p->items);
    free(p->lens);
}

void vouch_vscan_destroy(vouch_vscan_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_vscan_t *self = *self_p;
    s_free_prefixes(&self->budget);
    s_free_prefixes(&self->financial);
    vouch_buf_free(&self->seqs);
    free(self);
    *self_p = NULL;
}

/* ltrim(code) LIKE 'prefix%' for one of the prefixes (ltrim: spaces only) */
static bool s_has_prefix(const s_prefixes_t *p, const char *code)
{
    while (*code == ' ')
        code++;
    for (size_t i = 0; i < p->n; i++)
        if (strncmp(code, p->items[i], p->lens[i]) == 0)
            return true;
    return false;
}

/* The code point at s (valid UTF-8: the reader checked), and its length. */
static uint32_t s_cp(const unsigned char *s, int *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *len = 2;
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if ((s[0] & 0xF0) == 0xE0) {
        *len = 3;
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    *len = 4;
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

static bool s_cjk(uint32_t cp)
{
    return cp >= 0x3400 && cp <= 0x9FFF;
}

/* vouch_blank() (sql/015) settles it without folding: a digit, an ASCII
 * letter or a CJK ideograph first */
static bool s_surely_named(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return true;
    if (c < 0x80)
        return false;
    int len;
    return s_cjk(s_cp((const unsigned char *)s, &len));
}

/* \s of PostgreSQL's regular expressions, among ASCII */
static bool s_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Whether folding s (vouch_fold: NFKC, white space dropped) is dropping its
 * ASCII white space: s holds printable ASCII, that white space and CJK
 * ideographs only. */
static bool s_simple(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len;
        uint32_t cp = s_cp(p, &len);
        if (cp < 0x80 ? !(s_ascii_space((unsigned char)cp) || (cp >= 0x20 && cp < 0x7F))
                      : !s_cjk(cp))
            return false;
        p += len;
    }
    return true;
}

/* a and b equal once their ASCII white space is dropped */
static bool s_equal_folded(const char *a, const char *b)
{
    for (;;) {
        while (s_ascii_space((unsigned char)*a))
            a++;
        while (s_ascii_space((unsigned char)*b))
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++;
        b++;
    }
}

/* The first name of a voucher's lines that is not blank; a name that may
 * fold to nothing, or is too long to keep, leaves the voucher unsettled. */
static void s_name(vouch_vscan_t *self, const char *s, char *kept, bool *has)
{
    if (*has || !s || !*s)
        return;
    if (!s_surely_named(s) || strlen(s) >= S_NAME) {
        self->unsure = true;
        return;
    }
    strcpy(kept, s);
    *has = true;
}

static bool s_candidate(const vouch_vscan_t *self)
{
    if ((self->has_fin && self->fin_debit != self->fin_credit) ||
        (self->has_bud && self->bud_debit != self->bud_credit))
        return true; /* UNBALANCED_VOUCHER */
    if (self->unsure)
        return true;
    if (!self->has_preparer || !self->has_reviewer)
        return false; /* a blank never matches */
    if (!s_simple(self->preparer) || !s_simple(self->reviewer))
        return true;
    return s_equal_folded(self->preparer, self->reviewer);
}

static void s_close(vouch_vscan_t *self)
{
    if (!self->open)
        return;
    self->open = false;
    if (!s_candidate(self) || self->overflow)
        return;
    for (int64_t seq = self->first; seq <= self->last; seq++) {
        if (++self->nseqs > S_MAX_SEQS) {
            self->overflow = true;
            return;
        }
        vouch_buf_putc(&self->seqs, self->seqs.len ? ',' : '{');
        vouch_buf_printf(&self->seqs, "%lld", (long long)seq);
    }
}

void vouch_vscan_line(vouch_vscan_t *self, const vouch_line_t *l, bool new_voucher)
{
    if (new_voucher)
        s_close(self);
    if (!self->open) {
        self->open = true;
        self->first = l->seq;
        self->fin_debit = self->fin_credit = self->bud_debit = self->bud_credit = 0;
        self->has_fin = self->has_bud = false;
        self->has_preparer = self->has_reviewer = false;
        self->unsure = false;
    }
    self->last = l->seq;
    const char *code = l->text[VOUCH_T_ACCOUNT_CODE];
    if (code && s_has_prefix(&self->budget, code)) {
        self->has_bud = true;
        self->bud_debit += l->debit;
        self->bud_credit += l->credit;
    } else if (code && s_has_prefix(&self->financial, code)) {
        self->has_fin = true;
        self->fin_debit += l->debit;
        self->fin_credit += l->credit;
    }
    s_name(self, l->text[VOUCH_T_PREPARER], self->preparer, &self->has_preparer);
    s_name(self, l->text[VOUCH_T_REVIEWER], self->reviewer, &self->has_reviewer);
}

const char *vouch_vscan_finish(vouch_vscan_t *self, bool runs_are_vouchers)
{
    s_close(self);
    if (!runs_are_vouchers || self->overflow)
        return NULL;
    if (!self->seqs.len)
        vouch_buf_putc(&self->seqs, '{');
    vouch_buf_putc(&self->seqs, '}');
    return self->seqs.data;
}

long vouch_vscan_count(const vouch_vscan_t *self)
{
    return self->nseqs;
}
