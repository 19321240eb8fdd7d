/* decode.c: exported bytes to UTF-8, chunk by chunk. A character split
 * between chunks waits in a few tail bytes; the guess between UTF-8 and
 * GB18030 holds at most VOUCH_DECODE_GUESS_BYTES, so memory stays flat. */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define S_START_BYTES 512 /* held to see a BOM, or the NUL bytes of UTF-16 */
#define S_OUT_BYTES 16384 /* converted text handed on at once */
#define S_TAIL_MAX 8      /* an incomplete character: 3 bytes at most, in any mode */

typedef enum {
    S_START,   /* nothing decided: holding the first bytes */
    S_GUESS,   /* no BOM: ASCII goes through, non-ASCII is held until it tells */
    S_UTF8,    /* decided */
    S_UTF16LE, /* decided */
    S_UTF16BE, /* decided */
    S_GB18030, /* decided */
    S_STOPPED, /* fn said stop, or conversion could not start */
    S_DONE
} s_mode_t;

struct vouch_decode_t {
    vouch_decode_fn *fn;
    void *arg;
    s_mode_t mode;
    const char *encoding;
    const char *charset;
    const char *fail; /* why conversion could not start, for err */
    vouch_buf_t hold; /* S_START, S_GUESS: bytes not decoded yet */
    bool guessing;    /* S_GUESS: a non-ASCII byte is held */
    unsigned char tail[S_TAIL_MAX];
    size_t tail_len;
    vouch_buf_t work; /* tail + chunk, when a character was split */
    vouch_buf_t out;  /* converted text not handed on yet */
    iconv_t cd;
    bool have_cd;
    char bad[16];
};

/* ---------------------------------------------------------------------------
 * Output */

static int s_flush(vouch_decode_t *self)
{
    if (self->mode == S_STOPPED)
        return -1;
    if (self->out.len == 0)
        return 0;
    int rc = self->fn ? self->fn(self->arg, self->out.data, self->out.len) : 0;
    vouch_buf_reset(&self->out);
    if (rc != 0) {
        self->mode = S_STOPPED;
        return -1;
    }
    return 0;
}

static int s_put(vouch_decode_t *self, const void *p, size_t n)
{
    if (self->mode == S_STOPPED)
        return -1;
    if (n >= S_OUT_BYTES) {
        /* a long valid run (the common case for UTF-8) goes on without a copy */
        if (s_flush(self) != 0)
            return -1;
        if (self->fn && self->fn(self->arg, p, n) != 0) {
            self->mode = S_STOPPED;
            return -1;
        }
        return 0;
    }
    vouch_buf_append(&self->out, p, n);
    return self->out.len >= S_OUT_BYTES ? s_flush(self) : 0;
}

/* A byte that could not be decoded: the marker, and the first such bytes
 * remembered for the message. */
static int s_put_bad(vouch_decode_t *self, const unsigned char *p, size_t avail)
{
    if (!self->bad[0]) {
        size_t n = avail < 4 ? avail : 4;
        char *o = self->bad;
        for (size_t i = 0; i < n; i++)
            o += snprintf(o, 4, i ? " %02x" : "%02x", p[i]);
    }
    return s_put(self, "\xff", 1);
}

static int s_put_cp(vouch_decode_t *self, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xf0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return s_put(self, u, n);
}

/* ---------------------------------------------------------------------------
 * UTF-8 */

/* The well-formed sequence at s: its length, 0 when it is not one (overlong
 * forms, surrogates, past U+10FFFF), -1 when avail ends inside a sequence that
 * could still be good. */
static int s_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    int n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((size_t)i >= avail)
            return -1;
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

/* Returns the bytes used: all of p, or all but a character cut at the end
 * when more input may follow. */
static size_t s_run_utf8(vouch_decode_t *self, const unsigned char *p, size_t n, bool final)
{
    size_t i = 0, run = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        /* three bytes led by E1..EC or EE..EF (most Chinese text) can be
         * neither overlong nor a surrogate: only the continuations count */
        if (p[i] >= 0xe1 && p[i] <= 0xef && p[i] != 0xed && n - i >= 3 &&
            (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80) {
            i += 3;
            continue;
        }
        int k = s_utf8_seq(p + i, n - i);
        if (k > 0) {
            i += (size_t)k;
            continue;
        }
        if (k < 0 && !final)
            break;
        if (s_put(self, p + run, i - run) != 0 || s_put_bad(self, p + i, n - i) != 0)
            return n;
        run = ++i;
    }
    s_put(self, p + run, i - run);
    return i;
}

/* ---------------------------------------------------------------------------
 * UTF-16 */

static size_t s_run_utf16(vouch_decode_t *self, const unsigned char *p, size_t n, bool be,
                          bool final)
{
    size_t i = 0;
    while (i + 2 <= n && self->mode != S_STOPPED) {
        uint32_t u = be ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i] | p[i + 1] << 8);
        if (u >= 0xd800 && u <= 0xdbff) {
            if (i + 4 > n) {
                if (!final)
                    break;
                s_put_bad(self, p + i, n - i);
                i += 2;
                continue;
            }
            uint32_t v =
                be ? (uint32_t)(p[i + 2] << 8 | p[i + 3]) : (uint32_t)(p[i + 2] | p[i + 3] << 8);
            if (v >= 0xdc00 && v <= 0xdfff) {
                s_put_cp(self, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00));
                i += 4;
            } else {
                s_put_bad(self, p + i, n - i); /* a lone high surrogate */
                i += 2;
            }
            continue;
        }
        if (u >= 0xdc00 && u <= 0xdfff)
            s_put_bad(self, p + i, n - i); /* a lone low surrogate */
        else
            s_put_cp(self, u);
        i += 2;
    }
    if (final && i < n && self->mode != S_STOPPED) {
        s_put_bad(self, p + i, n - i); /* an odd byte at the end */
        i = n;
    }
    return i;
}

/* ---------------------------------------------------------------------------
 * GB18030, through iconv (stateless, so a cut character just waits) */

static size_t s_run_gb18030(vouch_decode_t *self, const unsigned char *p, size_t n, bool final)
{
    char *in = (char *)p;
    size_t left = n;
    while (left > 0 && self->mode != S_STOPPED) {
        vouch_buf_reserve(&self->out, S_OUT_BYTES);
        char *o = self->out.data + self->out.len;
        size_t room = self->out.cap - self->out.len - 1;
        size_t r = iconv(self->cd, &in, &left, &o, &room);
        int e = errno;
        self->out.len = (size_t)(o - self->out.data);
        self->out.data[self->out.len] = '\0';
        if (self->out.len >= S_OUT_BYTES && s_flush(self) != 0)
            break;
        if (r != (size_t)-1)
            break;
        if (e == E2BIG)
            continue;
        if (e == EINVAL && !final)
            break;
        /* EILSEQ, or a character cut by the end of the file */
        s_put_bad(self, (const unsigned char *)in, left);
        in++;
        left--;
    }
    return n - left;
}

/* ---------------------------------------------------------------------------
 * Decided modes */

/* Convert data (after any tail kept from the last chunk); keep a character
 * cut at the end for next time unless final. */
static int s_convert(vouch_decode_t *self, const char *data, size_t len, bool final)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t n = len;
    if (self->tail_len) {
        vouch_buf_reset(&self->work);
        vouch_buf_append(&self->work, self->tail, self->tail_len);
        vouch_buf_append(&self->work, data, len);
        p = (const unsigned char *)self->work.data;
        n = self->work.len;
        self->tail_len = 0;
    }
    if (n == 0)
        return s_flush(self);

    size_t used = n;
    switch (self->mode) {
    case S_UTF8:
        used = s_run_utf8(self, p, n, final);
        break;
    case S_UTF16LE:
    case S_UTF16BE:
        used = s_run_utf16(self, p, n, self->mode == S_UTF16BE, final);
        break;
    case S_GB18030:
        used = s_run_gb18030(self, p, n, final);
        break;
    default:
        break;
    }
    if (self->mode == S_STOPPED)
        return -1;
    /* the decoders leave at most a cut character: 3 bytes */
    size_t rest = n - used;
    if (rest > S_TAIL_MAX)
        abort();
    memcpy(self->tail, p + used, rest);
    self->tail_len = rest;
    return s_flush(self);
}

static void s_decide(vouch_decode_t *self, s_mode_t mode, const char *encoding)
{
    static const char *const charsets[] = {[S_UTF8] = "UTF-8",
                                           [S_UTF16LE] = "UTF-16LE",
                                           [S_UTF16BE] = "UTF-16BE",
                                           [S_GB18030] = "GB18030"};
    self->mode = mode;
    self->encoding = encoding;
    self->charset = charsets[mode];
}

/* ---------------------------------------------------------------------------
 * Guessing */

/* UTF-8 unless the held bytes read badly as UTF-8: valid multi-byte sequences
 * must outnumber bad bytes two to one. GBK text read as UTF-8 gives about one
 * valid sequence per five bad bytes; a UTF-8 export with one damaged cell
 * gives hundreds per bad byte, and should be refused at that cell rather
 * than read as GB18030 mojibake. */
static int s_guess_decide(vouch_decode_t *self, bool final)
{
    const unsigned char *p = (const unsigned char *)self->hold.data;
    size_t n = self->hold.len, i = 0, good = 0, bad = 0;
    while (i < n) {
        int k = p[i] < 0x80 ? 1 : s_utf8_seq(p + i, n - i);
        if (k < 0) {
            bad += final; /* a character cut by the end of the file is one fault */
            break;
        }
        if (k > 1)
            good++;
        if (k <= 0) {
            bad++;
            k = 1;
        }
        i += (size_t)k;
    }
    if (bad == 0 || good > 2 * bad) {
        s_decide(self, S_UTF8, "UTF-8");
        return 0;
    }
    self->cd = iconv_open("UTF-8", "GB18030");
    if (self->cd == (iconv_t)-1) {
        self->fail = "the text is not UTF-8, and this system's iconv cannot read GB18030";
        self->mode = S_STOPPED;
        return -1;
    }
    self->have_cd = true;
    s_decide(self, S_GB18030, "GB18030");
    return 0;
}

/* Decide and convert what was held. */
static int s_guess_flush(vouch_decode_t *self, bool final)
{
    if (s_guess_decide(self, final) != 0)
        return -1;
    vouch_buf_t held = self->hold;
    vouch_buf_init(&self->hold);
    int rc = s_convert(self, held.data ? held.data : "", held.len, final);
    vouch_buf_free(&held);
    return rc;
}

static int s_guess_feed(vouch_decode_t *self, const char *data, size_t len)
{
    if (!self->guessing) {
        /* ASCII reads the same in UTF-8 and GB18030: no need to hold it */
        size_t i = 0;
        while (i < len && (unsigned char)data[i] < 0x80)
            i++;
        if (i && (s_put(self, data, i) != 0 || s_flush(self) != 0))
            return -1;
        data += i;
        len -= i;
        if (len == 0)
            return 0;
        self->guessing = true;
    }
    size_t room = VOUCH_DECODE_GUESS_BYTES - self->hold.len;
    size_t take = len < room ? len : room;
    vouch_buf_append(&self->hold, data, take);
    if (self->hold.len < VOUCH_DECODE_GUESS_BYTES)
        return 0;
    if (s_guess_flush(self, false) != 0)
        return -1;
    return take < len ? s_convert(self, data + take, len - take, false) : 0;
}

/* The push for any mode past S_START. */
static int s_push(vouch_decode_t *self, const char *data, size_t len)
{
    if (self->mode == S_GUESS)
        return s_guess_feed(self, data, len);
    return s_convert(self, data, len, false);
}

/* ---------------------------------------------------------------------------
 * The start: BOM, or UTF-16 without one */

/* UTF-16 without a BOM shows as NUL bytes on one side of its ASCII
 * characters; UTF-8 and GB18030 text has none at all. */
static s_mode_t s_nul_sides(const unsigned char *p, size_t n)
{
    size_t even = 0, odd = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0) {
            if (i % 2)
                odd++;
            else
                even++;
        }
    if (odd >= 4 && odd >= 4 * even)
        return S_UTF16LE;
    if (even >= 4 && even >= 4 * odd)
        return S_UTF16BE;
    return S_GUESS;
}

static int s_start(vouch_decode_t *self)
{
    const unsigned char *h = (const unsigned char *)(self->hold.data ? self->hold.data : "");
    size_t n = self->hold.len, skip = 0;
    if (n >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf) {
        s_decide(self, S_UTF8, "UTF-8 (BOM)");
        skip = 3;
    } else if (n >= 2 && h[0] == 0xff && h[1] == 0xfe) {
        s_decide(self, S_UTF16LE, "UTF-16LE");
        skip = 2;
    } else if (n >= 2 && h[0] == 0xfe && h[1] == 0xff) {
        s_decide(self, S_UTF16BE, "UTF-16BE");
        skip = 2;
    } else {
        s_mode_t m = s_nul_sides(h, n);
        if (m == S_GUESS)
            self->mode = S_GUESS;
        else
            s_decide(self, m, m == S_UTF16LE ? "UTF-16LE (no BOM)" : "UTF-16BE (no BOM)");
    }
    vouch_buf_t held = self->hold;
    vouch_buf_init(&self->hold);
    int rc = n > skip ? s_push(self, held.data + skip, n - skip) : 0;
    vouch_buf_free(&held);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Public */

vouch_decode_t *vouch_decode_new(vouch_decode_fn *fn, void *arg)
{
    vouch_decode_t *self = vouch_calloc(1, sizeof *self);
    self->fn = fn;
    self->arg = arg;
    self->mode = S_START;
    self->encoding = "";
    self->charset = "UTF-8";
    vouch_buf_init(&self->hold);
    vouch_buf_init(&self->work);
    vouch_buf_init(&self->out);
    return self;
}

void vouch_decode_destroy(vouch_decode_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_decode_t *self = *self_p;
    if (self->have_cd)
        iconv_close(self->cd);
    vouch_buf_free(&self->hold);
    vouch_buf_free(&self->work);
    vouch_buf_free(&self->out);
    free(self);
    *self_p = NULL;
}

static int s_result(const vouch_decode_t *self, int rc, vouch_error_t *err)
{
    if (rc != 0 && self->fail && err)
        vouch_error_set(err, "%s", self->fail);
    return rc;
}

int vouch_decode_feed(vouch_decode_t *self, const char *data, size_t len, vouch_error_t *err)
{
    if (self->mode == S_STOPPED)
        return s_result(self, -1, err);
    if (self->mode == S_DONE || len == 0)
        return 0;
    if (self->mode != S_START)
        return s_result(self, s_push(self, data, len), err);

    size_t room = S_START_BYTES - self->hold.len;
    size_t take = len < room ? len : room;
    vouch_buf_append(&self->hold, data, take);
    if (self->hold.len < S_START_BYTES)
        return 0;
    int rc = s_start(self);
    if (rc == 0 && take < len)
        rc = s_push(self, data + take, len - take);
    return s_result(self, rc, err);
}

int vouch_decode_finish(vouch_decode_t *self, vouch_error_t *err)
{
    if (self->mode == S_STOPPED)
        return s_result(self, -1, err);
    if (self->mode == S_DONE)
        return 0;
    int rc = 0;
    if (self->mode == S_START)
        rc = s_start(self);
    if (rc == 0 && self->mode == S_GUESS) {
        if (self->guessing) {
            rc = s_guess_flush(self, true);
        } else {
            s_decide(self, S_UTF8, "UTF-8"); /* ASCII, or nothing at all */
            rc = s_flush(self);
        }
    } else if (rc == 0) {
        rc = s_convert(self, "", 0, true);
    }
    if (rc == 0)
        self->mode = S_DONE;
    return s_result(self, rc, err);
}

const char *vouch_decode_encoding(const vouch_decode_t *self)
{
    return self->encoding;
}

const char *vouch_decode_charset(const vouch_decode_t *self)
{
    return self->charset;
}

const char *vouch_decode_bad_bytes(const vouch_decode_t *self)
{
    return self->bad;
}
