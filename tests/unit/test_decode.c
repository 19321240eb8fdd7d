/* test_decode.c: the encoding edge. Each encoding an export arrives in comes
 * out as the same UTF-8 whatever the chunking (characters split anywhere),
 * the guess between UTF-8 and GB18030 holds, and bytes that cannot be read
 * are marked, never dropped or crashed on. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "decode.h"

typedef struct {
    vouch_buf_t text;
    int calls;
    int stop_after; /* refuse the call after this many; 0 = never */
} s_sink_t;

static int s_collect(void *arg, const char *text, size_t len)
{
    s_sink_t *sink = arg;
    if (sink->stop_after && sink->calls >= sink->stop_after)
        return -1;
    sink->calls++;
    /* whole characters only: never a lead byte last */
    assert_true(len > 0);
    vouch_buf_append(&sink->text, text, len);
    return 0;
}

typedef struct {
    int rc;
    char encoding[32];
    char charset[16];
    char bad[16];
    vouch_buf_t text;
} s_out_t;

/* data in chunks of chunk bytes (0 = at once) */
static s_out_t s_decode(const void *data, size_t len, size_t chunk)
{
    s_out_t o;
    memset(&o, 0, sizeof o);
    s_sink_t sink;
    memset(&sink, 0, sizeof sink);
    vouch_buf_init(&sink.text);
    vouch_decode_t *d = vouch_decode_new(s_collect, &sink);
    assert_non_null(d);
    vouch_error_t err;
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && o.rc == 0; i += chunk)
        o.rc =
            vouch_decode_feed(d, (const char *)data + i, len - i < chunk ? len - i : chunk, &err);
    if (o.rc == 0)
        o.rc = vouch_decode_finish(d, &err);
    snprintf(o.encoding, sizeof o.encoding, "%s", vouch_decode_encoding(d));
    snprintf(o.charset, sizeof o.charset, "%s", vouch_decode_charset(d));
    snprintf(o.bad, sizeof o.bad, "%s", vouch_decode_bad_bytes(d));
    vouch_decode_destroy(&d);
    assert_null(d);
    o.text = sink.text;
    return o;
}

static void s_out_free(s_out_t *o)
{
    vouch_buf_free(&o->text);
}

/* Decode in every chunk size up to max and at once: always want, as enc. */
static void s_expect(const void *data, size_t len, const char *want, size_t want_len,
                     const char *enc)
{
    for (size_t chunk = 0; chunk <= 13; chunk++) {
        s_out_t o = s_decode(data, len, chunk);
        assert_int_equal(o.rc, 0);
        assert_string_equal(o.encoding, enc);
        if (o.text.len != want_len || memcmp(o.text.data ? o.text.data : "", want, want_len))
            fail_msg("chunk %zu: got \"%.*s\" (%zu bytes), want \"%.*s\"", chunk, (int)o.text.len,
                     o.text.data ? o.text.data : "", o.text.len, (int)want_len, want);
        s_out_free(&o);
    }
}

/* UTF-8 text converted with the system's iconv, for round trips. */
static char *s_iconv(const char *to, const char *text, size_t *out_len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t left = strlen(text), room = left * 4 + 16;
    char *out = vouch_malloc(room), *o = out;
    char *in = (char *)text;
    assert_int_not_equal(iconv(cd, &in, &left, &o, &room), (size_t)-1);
    iconv_close(cd);
    *out_len = (size_t)(o - out);
    *o = '\0'; /* room was left: text is at most 4 bytes a byte */
    return out;
}

/* A ledger fragment with 2-byte GBK characters, a 4-byte GB18030 one (㛃,
 * U+36C3, in a name) and one beyond the BMP (𠮷, U+20BB7, 4 bytes too). */
static const char s_text[] = "单位,日期,凭证号,摘要,借方,贷方\r\n"
                             "永州市人力资源和社会保障局,2022-01-03,记-1,付王㛃差旅费,1200.00,\r\n"
                             "永州市人力资源和社会保障局,2022-01-03,记-1,𠮷野家餐费,,1200.00\r\n";

static void test_ascii_and_empty(void **state)
{
    (void)state;
    s_expect("a,b,c\n1,2,3\n", 12, "a,b,c\n1,2,3\n", 12, "UTF-8");
    s_expect("", 0, "", 0, "UTF-8");
    /* a lone byte shorter than any BOM is text */
    s_expect("x", 1, "x", 1, "UTF-8");
}

static void test_utf8(void **state)
{
    (void)state;
    size_t n = strlen(s_text);
    s_expect(s_text, n, s_text, n, "UTF-8");

    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_append(&b, "\xef\xbb\xbf", 3);
    vouch_buf_puts(&b, s_text);
    s_expect(b.data, b.len, s_text, n, "UTF-8 (BOM)");
    /* a BOM alone */
    s_expect("\xef\xbb\xbf", 3, "", 0, "UTF-8 (BOM)");
    vouch_buf_free(&b);
}

static void test_utf16(void **state)
{
    (void)state;
    size_t n = strlen(s_text), len;
    const struct {
        const char *to;
        const char *bom;
        const char *enc;
    } cases[] = {
        {"UTF-16LE", "\xff\xfe", "UTF-16LE"},
        {"UTF-16BE", "\xfe\xff", "UTF-16BE"},
        {"UTF-16LE", "", "UTF-16LE (no BOM)"},
        {"UTF-16BE", "", "UTF-16BE (no BOM)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *u = s_iconv(cases[i].to, s_text, &len);
        vouch_buf_t b;
        vouch_buf_init(&b);
        vouch_buf_puts(&b, cases[i].bom);
        vouch_buf_append(&b, u, len);
        s_expect(b.data, b.len, s_text, n, cases[i].enc);
        vouch_buf_free(&b);
        free(u);
    }
}

static void test_utf16_damage(void **state)
{
    (void)state;
    /* FF FE, "a", a lone high surrogate, "b", a lone low surrogate, "c", and
     * an odd byte at the end */
    static const char lone[] = "\xff\xfe"
                               "a\0"
                               "\x3d\xd8"
                               "b\0"
                               "\x00\xdc"
                               "c\0"
                               "d";
    s_out_t o = s_decode(lone, sizeof lone - 1, 0);
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.encoding, "UTF-16LE");
    assert_string_equal(o.charset, "UTF-16LE");
    assert_string_equal(o.text.data, "a\xff"
                                     "b\xff"
                                     "c\xff");
    assert_string_equal(o.bad, "3d d8 62 00");
    s_out_free(&o);

    /* a high surrogate cut by the end of the file */
    s_out_t e = s_decode("\xff\xfe"
                         "a\0\x3d\xd8",
                         6, 1);
    assert_int_equal(e.rc, 0);
    assert_string_equal(e.text.data, "a\xff");
    s_out_free(&e);
}

static void test_gb18030(void **state)
{
    (void)state;
    size_t n = strlen(s_text), len;
    char *gb = s_iconv("GB18030", s_text, &len);
    s_expect(gb, len, s_text, n, "GB18030");

    /* the 4-byte sequence of 㛃 cut at every point */
    static const char yan[] = "\xcd\xf5\x82\x30\xb7\x31,1\n"; /* 王㛃,1 */
    for (size_t cut = 1; cut < sizeof yan - 1; cut++) {
        s_sink_t sink;
        memset(&sink, 0, sizeof sink);
        vouch_decode_t *d = vouch_decode_new(s_collect, &sink);
        vouch_error_t err;
        assert_int_equal(vouch_decode_feed(d, yan, cut, &err), 0);
        assert_int_equal(vouch_decode_feed(d, yan + cut, sizeof yan - 1 - cut, &err), 0);
        assert_int_equal(vouch_decode_finish(d, &err), 0);
        assert_string_equal(vouch_decode_encoding(d), "GB18030");
        assert_string_equal(sink.text.data, "王㛃,1\n");
        vouch_decode_destroy(&d);
        vouch_buf_free(&sink.text);
    }

    /* bytes GB18030 has no character for: 0x81 0x20, a lone 0xff, and a lead
     * byte cut by the end of the file */
    static const char bad[] = "\xb0\xec\xb9\xab,\x81 x,\xff,\xb7";
    s_out_t o = s_decode(bad, sizeof bad - 1, 0);
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.encoding, "GB18030");
    assert_string_equal(o.text.data, "办公,\xff x,\xff,\xff");
    assert_string_equal(o.bad, "81 20 78 2c");
    s_out_free(&o);
    free(gb);
}

static void test_guess(void **state)
{
    (void)state;
    size_t len;
    char *gb = s_iconv("GB18030", s_text, &len);

    /* the decision waits for the first non-ASCII bytes, however far in:
     * 10000 bytes of ASCII first */
    vouch_buf_t b, want;
    vouch_buf_init(&b);
    vouch_buf_init(&want);
    for (int i = 0; i < 1000; i++)
        vouch_buf_puts(&b, "0123456789");
    vouch_buf_append(&want, b.data, b.len);
    vouch_buf_append(&b, gb, len);
    vouch_buf_puts(&want, s_text);
    s_expect(b.data, b.len, want.data, want.len, "GB18030");

    /* UTF-8 that fills the guess window exactly and goes on: a character cut
     * by the window's end is not held against it */
    vouch_buf_reset(&b);
    while (b.len < 3 * VOUCH_DECODE_GUESS_BYTES)
        vouch_buf_puts(&b, "x单");
    s_expect(b.data, b.len, b.data, b.len, "UTF-8");

    /* UTF-8 with one damaged cell stays UTF-8: the cell is marked */
    vouch_buf_reset(&b);
    vouch_buf_puts(&b, s_text);
    vouch_buf_puts(&b, "某局,\xb0\xec\xb9\xab\xb7\xd1,1\n");
    s_out_t o = s_decode(b.data, b.len, 0);
    assert_string_equal(o.encoding, "UTF-8");
    assert_string_equal(o.charset, "UTF-8");
    assert_string_equal(o.bad, "b0 ec b9 ab");
    assert_non_null(strstr(o.text.data, "某局,\xff"));
    s_out_free(&o);

    /* a UTF-8 file cut inside its last character */
    s_out_t t = s_decode("单位名称,\xe5\x8d", 15, 1);
    assert_string_equal(t.encoding, "UTF-8");
    assert_string_equal(t.text.data, "单位名称,\xff\xff"); /* a mark a byte */
    s_out_free(&t);

    vouch_buf_free(&b);
    vouch_buf_free(&want);
    free(gb);
}

static void test_stop(void **state)
{
    (void)state;
    const size_t n = 100000;
    char *big = vouch_malloc(n);
    memset(big, 'a', n);
    s_sink_t sink;
    memset(&sink, 0, sizeof sink);
    sink.stop_after = 1;
    vouch_decode_t *d = vouch_decode_new(s_collect, &sink);
    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i += 1000)
        rc = vouch_decode_feed(d, big + i, 1000, &err);
    assert_int_equal(rc, -1);
    /* the receiver knows why it stopped: err is left alone */
    assert_string_equal(err.text, "");
    assert_int_equal(vouch_decode_feed(d, "a", 1, &err), -1);
    assert_int_equal(vouch_decode_finish(d, &err), -1);
    assert_int_equal(sink.calls, 1);
    vouch_decode_destroy(&d);
    vouch_decode_destroy(&d); /* NULL-safe */
    vouch_buf_free(&sink.text);
    free(big);
}

/* Random bytes and damaged encodings: never a crash, always UTF-8 out. */
static void test_fuzz(void **state)
{
    (void)state;
    uint64_t rng = 0x243f6a8885a308d3ull;
    size_t len;
    char *gb = s_iconv("GB18030", s_text, &len);
    char *u16 = s_iconv("UTF-16LE", s_text, &len);
    size_t u16_len = len;
    vouch_buf_t b;
    vouch_buf_init(&b);
    for (int iter = 0; iter < 4000; iter++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        vouch_buf_reset(&b);
        switch (rng % 4) {
        case 0:
            vouch_buf_puts(&b, s_text);
            break;
        case 1:
            vouch_buf_puts(&b, gb);
            break;
        case 2:
            vouch_buf_append(&b, "\xff\xfe", 2);
            vouch_buf_append(&b, u16, u16_len);
            break;
        default:
            for (int i = 0; i < 300; i++) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                vouch_buf_putc(&b, (char)rng);
            }
        }
        for (int m = 0; m < 4 && b.len; m++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            b.data[rng % b.len] = (char)(rng >> 32);
        }
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        s_out_t o = s_decode(b.data, b.len, rng % 3 ? rng % 11 + 1 : 0);
        assert_int_equal(o.rc, 0);
        assert_true(o.encoding[0] != '\0');
        /* valid UTF-8 but for the marks */
        for (size_t i = 0; i < o.text.len; i++)
            if (o.text.data[i] == VOUCH_DECODE_BAD)
                o.text.data[i] = '?';
        iconv_t cd = iconv_open("UTF-8", "UTF-8");
        char *in = o.text.data ? o.text.data : (char *)"";
        size_t left = o.text.len, room = o.text.len + 1;
        char *out = vouch_malloc(room), *op = out;
        assert_int_not_equal(iconv(cd, &in, &left, &op, &room), (size_t)-1);
        iconv_close(cd);
        free(out);
        s_out_free(&o);
    }
    vouch_buf_free(&b);
    free(gb);
    free(u16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_and_empty),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_utf16_damage),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
