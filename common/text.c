/* text.c: UTF-8 helpers over utf8proc. NFKC turns the full-width digits,
 * letters, spaces and dashes of Chinese exports into their plain forms, so
 * the rest of vouch compares and parses one spelling of each. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "alloc.h"

/* Length of the well-formed UTF-8 sequence at s, or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are refused). */
static size_t s_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t min;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* true when s starts with a well-formed three-byte sequence led by E1..EC
 * or EE..EF, the bulk of Chinese text: no such sequence is overlong or a
 * surrogate, so its continuation bytes are all there is to check. */
static inline bool s_common_cjk(const unsigned char *s, size_t avail)
{
    return s[0] >= 0xe1 && s[0] <= 0xef && s[0] != 0xed && avail >= 3 && (s[1] & 0xc0) == 0x80 &&
           (s[2] & 0xc0) == 0x80;
}

void vouch_text_copy(char *dst, size_t size, const char *src, size_t len)
{
    if (!dst || size == 0)
        return;
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool vouch_text_valid_utf8(const char *s, size_t len)
{
    if (!s)
        return len == 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) { /* the common case: plain ASCII */
            i++;
            continue;
        }
        if (s_common_cjk(p + i, len - i)) {
            i += 3;
            continue;
        }
        size_t n = s_seq_len(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* White space for trimming and folding: ASCII, the Zs category (U+3000,
 * U+00A0 and the typographic spaces), line and paragraph separators, and the
 * invisible U+200B / U+FEFF that copy-paste from web pages leaves in names. */
static bool s_is_space_cp(utf8proc_int32_t cp)
{
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0x200b || cp == 0xfeff)
        return true;
    if (cp < 0x80)
        return false;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* ASCII white space: the only white space in text that s_nfkc_stable accepts */
static bool s_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

/* true, with every byte checked, when s[0..len) holds only ASCII and CJK
 * Unified Ideographs (U+3400..U+4DBF, U+4E00..U+9FFF, all three bytes long):
 * such text is its own NFKC, since none of them decomposes, all have
 * combining class 0 and none composes with another of them. Most cells of an
 * export are this; full-width forms (U+FFxx) and compatibility ideographs
 * (U+F900..U+FAFF) are not, and go through utf8proc. */
static bool s_nfkc_stable(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* lead bytes E3..E9 are U+3000..U+9FFF: never overlong, never a surrogate */
        if (c < 0xe3 || c > 0xe9 || len - i < 3 || (s[i + 1] & 0xc0) != 0x80 ||
            (s[i + 2] & 0xc0) != 0x80)
            return false;
        uint32_t cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 |
                      (uint32_t)(s[i + 2] & 0x3f);
        if (cp < 0x3400 || (cp > 0x4dbf && cp < 0x4e00))
            return false;
        i += 3;
    }
    return true;
}

/* NFKC of s[0..len) by utf8proc, as a string of *outlen bytes that the
 * caller frees, or NULL if s is not UTF-8. */
static utf8proc_uint8_t *s_nfkc_map(const char *s, size_t len, size_t *outlen)
{
    if (!vouch_text_valid_utf8(s, len))
        return NULL;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                                      UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE);
    if (n < 0) {
        /* the bytes were checked above, so only exhaustion is left: treat it
         * as the allocator wrapper does */
        if (n == UTF8PROC_ERROR_NOMEM)
            abort();
        return NULL;
    }
    *outlen = (size_t)n;
    return out;
}

/* vouch_buf_append, and a buffer that holds a string even when nothing was added */
static void s_put(vouch_buf_t *out, const void *s, size_t len)
{
    if (len)
        vouch_buf_append(out, s, len);
    else if (!out->data)
        vouch_buf_puts(out, "");
}

/* NFKC of s[0..len) appended to out, trimmed of white space at both ends,
 * or with fold rid of all of it. -1, with out unchanged, if s is not UTF-8. */
static int s_normalise(vouch_buf_t *out, const char *s, size_t len, bool fold)
{
    if (!s && len)
        return -1;
    const unsigned char *b = (const unsigned char *)(s ? s : "");
    utf8proc_uint8_t *t = NULL;
    size_t n = len;
    if (!s_nfkc_stable(b, len)) {
        t = s_nfkc_map((const char *)b, len, &n);
        if (!t)
            return -1;
        b = t;
    }
    if (!t && !fold) {
        /* stable text has no white space past ASCII: its ends are enough */
        size_t start = 0, end = len;
        while (start < end && s_ascii_space(b[start]))
            start++;
        while (end > start && s_ascii_space(b[end - 1]))
            end--;
        s_put(out, b + start, end - start);
        return 0;
    }
    s_put(out, "", 0);
    size_t start = 0, end = 0, run = 0, i = 0;
    bool seen = false;
    while (i < n) {
        size_t k = 1;
        bool space;
        if (b[i] < 0x80) {
            space = s_ascii_space(b[i]);
        } else if (!t) {
            space = false; /* stable text: no white space past ASCII */
        } else {
            utf8proc_int32_t cp;
            utf8proc_ssize_t r = utf8proc_iterate(b + i, (utf8proc_ssize_t)(n - i), &cp);
            /* a byte that is not UTF-8 (never in utf8proc's output) steps on as one */
            k = r > 0 ? (size_t)r : 1;
            space = r > 0 && s_is_space_cp(cp);
        }
        if (!space) {
            start = seen ? start : i;
            end = i + k;
            seen = true;
        } else if (fold) {
            s_put(out, b + run, i - run);
            run = i + k;
        }
        i += k;
    }
    if (fold)
        s_put(out, b + run, n - run);
    else
        s_put(out, b + start, end - start);
    free(t);
    return 0;
}

int vouch_text_nfkc_append(vouch_buf_t *out, const char *s, size_t len)
{
    return s_normalise(out, s, len, false);
}

int vouch_text_fold_append(vouch_buf_t *out, const char *s, size_t len)
{
    return s_normalise(out, s, len, true);
}

char *vouch_text_nfkc(const char *s, size_t len)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    if (vouch_text_nfkc_append(&b, s, len) != 0)
        return NULL;
    return b.data;
}

char *vouch_text_fold(const char *s)
{
    if (!s)
        return NULL;
    vouch_buf_t b;
    vouch_buf_init(&b);
    if (vouch_text_fold_append(&b, s, strlen(s)) != 0)
        return NULL;
    return b.data;
}

size_t vouch_text_length(const char *s)
{
    if (!s)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, count = 0;
    while (i < len) {
        size_t n = p[i] < 0x80 ? 1 : s_seq_len(p + i, len - i);
        i += n ? n : 1; /* an invalid byte counts as one */
        count++;
    }
    return count;
}

int vouch_text_width(const char *s)
{
    if (!s)
        return 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t len = strlen(s), i = 0;
    int width = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            /* a stray byte shows as one replacement character */
            width += 1;
            i++;
            continue;
        }
        int w = utf8proc_charwidth(cp);
        width += w < 0 ? 1 : w;
        i += (size_t)k;
    }
    return width;
}

bool vouch_text_ends_with(const char *s, const char *suffix)
{
    if (!s || !suffix)
        return false;
    size_t n = strlen(s), m = strlen(suffix);
    /* a valid UTF-8 suffix starts on a lead byte, so a byte match is a
     * character match */
    return m <= n && memcmp(s + n - m, suffix, m) == 0;
}

char *vouch_text_no_controls(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return s;
}

char *vouch_text_sanitize(const char *s)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t left = strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)left, &cp);
        if (n <= 0 || cp < 0) {
            vouch_buf_puts(&b, "\xEF\xBF\xBD");
            n = 1;
        } else
            vouch_buf_append(&b, p, (size_t)n);
        p += n;
        left -= (size_t)n;
    }
    if (!b.data)
        vouch_buf_puts(&b, "");
    return b.data;
}
