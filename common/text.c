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

/* NFKC of s[0..len) as a new malloc'd string of *outlen bytes, or NULL if
 * s is not UTF-8. */
static char *s_nfkc(const char *s, size_t len, size_t *outlen)
{
    if (!vouch_text_valid_utf8(s, len))
        return NULL;

    /* ASCII is its own NFKC: skip utf8proc for the digits and codes that
     * make up most cells */
    bool ascii = true;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii || len == 0) {
        *outlen = len;
        return vouch_strndup(s ? s : "", len);
    }

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
    char *copy = vouch_strndup((const char *)out, (size_t)n);
    free(out);
    *outlen = (size_t)n;
    return copy;
}

char *vouch_text_nfkc(const char *s, size_t len)
{
    size_t n;
    char *t = s_nfkc(s, len, &n);
    if (!t)
        return NULL;

    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)t;
    size_t start = 0, end = 0, i = 0;
    bool seen = false;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* cannot happen on valid text; step on regardless */
            k = 1;
            cp = 0;
        }
        if (!s_is_space_cp(cp)) {
            if (!seen)
                start = i;
            seen = true;
            end = i + (size_t)k;
        }
        i += (size_t)k;
    }
    if (!seen) {
        t[0] = '\0';
        return t;
    }
    memmove(t, t + start, end - start);
    t[end - start] = '\0';
    return t;
}

char *vouch_text_fold(const char *s)
{
    if (!s)
        return NULL;
    size_t n;
    char *t = s_nfkc(s, strlen(s), &n);
    if (!t)
        return NULL;

    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)t;
    size_t i = 0, o = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            k = 1;
            cp = 0;
        }
        /* o never passes i, so copying down in place is safe */
        if (!s_is_space_cp(cp)) {
            memmove(t + o, t + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    t[o] = '\0';
    return t;
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
