/* test_deliver.c: delivering a digest without a network: the folder's files
 * and their atomic replacement, the robots' bodies and their cut, the mail
 * message as a mail reader decodes it, and targets that must be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "deliver.h"
#include "deliver_internal.h"
#include "file.h"
#include "text.h"
#include "tmpdir.h"

#define ID "vouch-digest-42"

static vouch_delivery_t s_digest(vouch_deliver_kind_t kind, const char *target)
{
    vouch_delivery_t d = {
        .kind = kind,
        .target = target,
        .digest_id = ID,
        .subject = "永州市人社局 本周新发现 3 条",
        .markdown = "# 本周新发现\n\n- 记-23 场地租赁列支招待费 4,000.00 元\n",
        .html = "<!doctype html><html><body><h1>本周新发现</h1></body></html>\n",
        .json = "{\"digest_id\":\"" ID "\",\"findings\":3}",
        .mail_from = "vouch@audit.example.cn",
        .timeout_s = 5,
    };
    return d;
}

static char *s_slurp(const char *dir, const char *name)
{
    char *path = vouch_asprintf("%s/%s", dir, name);
    vouch_error_t err;
    size_t len;
    char *text = vouch_file_read(path, 1 << 20, &len, &err);
    free(path);
    return text;
}

static int s_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void test_dir_writes_three_files(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_DIR, s_dir);
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_deliver(&d, &err), 0);
    const char *names[] = {ID ".md", ID ".html", ID ".json"};
    const char *texts[] = {d.markdown, d.html, d.json};
    for (int i = 0; i < 3; i++) {
        char *got = s_slurp(s_dir, names[i]);
        assert_non_null(got);
        assert_string_equal(got, texts[i]);
        free(got);
        char *path = vouch_asprintf("%s/%s", s_dir, names[i]);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0640);
        free(path);
    }
    /* no temporary file left behind */
    assert_int_equal(s_count_entries(s_dir), 3);
}

static void test_dir_retry_replaces_atomically(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_DIR, s_dir);
    vouch_error_t err;
    assert_int_equal(vouch_deliver(&d, &err), 0);
    /* a reader that opened the first file keeps reading it whole: the retry
     * renames a new file over the name, it never rewrites in place */
    char *path = vouch_asprintf("%s/" ID ".md", s_dir);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    d.markdown = "# 重发\n";
    assert_int_equal(vouch_deliver(&d, &err), 0);
    char old[256] = {0};
    assert_true(read(fd, old, sizeof old - 1) > 0);
    close(fd);
    assert_string_equal(old, "# 本周新发现\n\n- 记-23 场地租赁列支招待费 4,000.00 元\n");
    char *now = s_slurp(s_dir, ID ".md");
    assert_string_equal(now, "# 重发\n");
    free(now);
    free(path);
    assert_int_equal(s_count_entries(s_dir), 3);
}

static void test_dir_refused(void **state)
{
    (void)state;
    vouch_error_t err;
    char *missing = vouch_asprintf("%s/no-such-folder", s_dir);
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_DIR, missing);
    vouch_error_clear(&err);
    assert_int_equal(vouch_deliver(&d, &err), -1);
    assert_non_null(strstr(err.text, "no-such-folder"));
    assert_non_null(strstr(err.text, "No such file or directory"));

    /* a file where the folder should be */
    char *file = vouch_asprintf("%s/a-file", s_dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    d.target = file;
    vouch_error_clear(&err);
    assert_int_equal(vouch_deliver(&d, &err), -1);
    assert_non_null(strstr(err.text, "Not a directory"));

    /* a folder without write permission (root writes anyway) */
    if (geteuid() != 0) {
        char *ro = vouch_asprintf("%s/read-only", s_dir);
        assert_int_equal(mkdir(ro, 0500), 0);
        d.target = ro;
        vouch_error_clear(&err);
        assert_int_equal(vouch_deliver(&d, &err), -1);
        assert_non_null(strstr(err.text, "Permission denied"));
        chmod(ro, 0700);
        free(ro);
    }

    /* an id that would climb out of the folder */
    d.target = s_dir;
    d.digest_id = "../escape";
    vouch_error_clear(&err);
    assert_int_equal(vouch_deliver(&d, &err), -1);
    assert_non_null(strstr(err.text, "digest id"));
    assert_int_equal(s_count_entries(s_dir), 1); /* a-file only */
    free(file);
    free(missing);
}

static void test_format_guess_and_parse(void **state)
{
    (void)state;
    assert_int_equal(
        vouch_webhook_format_guess("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
        VOUCH_WEBHOOK_WECOM);
    assert_int_equal(vouch_webhook_format_guess("https://QYAPI.Weixin.qq.com/cgi-bin/webhook/send"),
                     VOUCH_WEBHOOK_WECOM);
    assert_int_equal(
        vouch_webhook_format_guess("https://oapi.dingtalk.com/robot/send?access_token=x"),
        VOUCH_WEBHOOK_DINGTALK);
    assert_int_equal(vouch_webhook_format_guess("https://hooks.example.cn/vouch"),
                     VOUCH_WEBHOOK_JSON);
    /* the host decides, not a look-alike or a word in the query */
    assert_int_equal(vouch_webhook_format_guess("https://qyapi.weixin.qq.com.example.cn/x"),
                     VOUCH_WEBHOOK_JSON);
    assert_int_equal(vouch_webhook_format_guess("https://example.cn/?h=oapi.dingtalk.com"),
                     VOUCH_WEBHOOK_JSON);
    assert_int_equal(vouch_webhook_format_guess("not a url"), VOUCH_WEBHOOK_JSON);
    assert_int_equal(vouch_webhook_format_guess(NULL), VOUCH_WEBHOOK_JSON);

    assert_int_equal(vouch_webhook_format_parse("json"), VOUCH_WEBHOOK_JSON);
    assert_int_equal(vouch_webhook_format_parse("wecom"), VOUCH_WEBHOOK_WECOM);
    assert_int_equal(vouch_webhook_format_parse("dingtalk"), VOUCH_WEBHOOK_DINGTALK);
    assert_int_equal(vouch_webhook_format_parse("WeCom"), -1);
    assert_int_equal(vouch_webhook_format_parse(""), -1);
    assert_int_equal(vouch_webhook_format_parse(NULL), -1);
}

/* the robot body's markdown field, checked to be a markdown message */
static char *s_robot_text(const vouch_delivery_t *d, const char *field)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    char *body = vouch_deliver_webhook_body(d, &err);
    assert_non_null(body);
    json_t *root = json_loads(body, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "msgtype")), "markdown");
    const char *text = json_string_value(json_object_get(json_object_get(root, "markdown"), field));
    assert_non_null(text);
    char *copy = vouch_strdup(text);
    json_decref(root);
    free(body);
    return copy;
}

static void test_wecom_cut(void **state)
{
    (void)state;
    vouch_buf_t md;
    vouch_buf_init(&md);
    for (int i = 1; i <= 200; i++)
        vouch_buf_printf(&md, "- 第%d条：记-%d 场地租赁列支招待费 4,000.00 元\n", i, i);
    assert_true(md.len > 3 * VOUCH_DELIVER_WECOM_LIMIT);
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_WEBHOOK, "https://qyapi.weixin.qq.com/x");
    d.webhook_format = VOUCH_WEBHOOK_WECOM;
    d.markdown = md.data;
    char *content = s_robot_text(&d, "content");
    size_t len = strlen(content);
    assert_true(len <= VOUCH_DELIVER_WECOM_LIMIT);
    assert_true(len > VOUCH_DELIVER_WECOM_LIMIT * 3 / 4);
    assert_true(vouch_text_valid_utf8(content, len));
    /* ends with the note naming the digest, after whole lines of the digest */
    assert_true(vouch_text_ends_with(content, "已截断；完整摘要见 " ID "\n"));
    char *note = strstr(content, "\n\n> ");
    assert_non_null(note);
    assert_memory_equal(content, md.data, (size_t)(note - content) + 1);
    assert_int_equal(md.data[note - content], '\n');
    free(content);

    /* one long line without a break: cut between characters */
    vouch_buf_reset(&md);
    for (int i = 0; i < 3000; i++)
        vouch_buf_puts(&md, i % 7 ? "报" : "𠀀");
    content = s_robot_text(&d, "content");
    len = strlen(content);
    assert_true(len <= VOUCH_DELIVER_WECOM_LIMIT);
    assert_true(vouch_text_valid_utf8(content, len));
    assert_true(vouch_text_ends_with(content, ID "\n"));
    free(content);

    /* a short digest goes as it is */
    d.markdown = "# 无新发现\n";
    content = s_robot_text(&d, "content");
    assert_string_equal(content, "# 无新发现\n");
    free(content);
    vouch_buf_free(&md);
}

static void test_cut_every_limit(void **state)
{
    (void)state;
    const char *text =
        "a𠀀报b\n𠀀𠀀报报\nccc𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报𠀀报";
    for (size_t limit = 1; limit < strlen(text) + 2; limit++) {
        char *cut = vouch_deliver_cut(text, limit, "d-1");
        size_t len = strlen(cut);
        assert_true(len <= limit || len == strlen(text));
        assert_true(vouch_text_valid_utf8(cut, len));
        free(cut);
    }
}

static void test_dingtalk_and_json_bodies(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_WEBHOOK, "https://oapi.dingtalk.com/robot/send");
    d.webhook_format = VOUCH_WEBHOOK_DINGTALK;
    d.markdown = "# \"引号\" 与 \\反斜杠\\\n\n| 凭证 | 金额 |\n|---|---|\n| 记-23 | 4,000.00 |\n";
    char *text = s_robot_text(&d, "text");
    assert_string_equal(text, d.markdown);
    free(text);
    char *title = s_robot_text(&d, "title");
    assert_string_equal(title, d.subject);
    free(title);

    vouch_error_t err;
    d.webhook_format = VOUCH_WEBHOOK_JSON;
    char *body = vouch_deliver_webhook_body(&d, &err);
    assert_string_equal(body, d.json);
    free(body);
    d.json = "[1, 2]";
    vouch_error_clear(&err);
    assert_null(vouch_deliver_webhook_body(&d, &err));
    assert_non_null(strstr(err.text, "not a JSON object"));
    d.json = "{\"a\":";
    assert_null(vouch_deliver_webhook_body(&d, &err));

    /* markdown that is not UTF-8 (GBK bytes) never reaches a robot */
    d.webhook_format = VOUCH_WEBHOOK_WECOM;
    d.markdown = "\xb5\xa5\xce\xbb";
    vouch_error_clear(&err);
    assert_null(vouch_deliver_webhook_body(&d, &err));
    assert_non_null(strstr(err.text, "UTF-8"));
}

/* ---- the mail message ---- */

static int s_b64_value(char c)
{
    const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(abc, c) : NULL;
    return p ? (int)(p - abc) : -1;
}

/* base64 of s[0..len), CR and LF skipped, into b */
static void s_b64_decode(vouch_buf_t *b, const char *s, size_t len)
{
    unsigned long v = 0;
    int bits = 0;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        if (s[i] == '\r' || s[i] == '\n')
            continue;
        int x = s_b64_value(s[i]);
        assert_true(x >= 0);
        v = v << 6 | (unsigned long)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            vouch_buf_putc(b, (char)(v >> bits & 0xff));
        }
    }
}

/* the decoded body of the part of that content type */
static char *s_part(const char *msg, const char *type)
{
    char *head = vouch_asprintf("Content-Type: %s; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\n",
                                type);
    const char *start = strstr(msg, head);
    assert_non_null(start);
    start += strlen(head);
    free(head);
    const char *end = strstr(start, "\r\n--");
    assert_non_null(end);
    /* lines of at most 76 characters */
    for (const char *p = start; p < end;) {
        const char *eol = strstr(p, "\r\n");
        assert_true(eol - p <= 76);
        p = eol + 2;
    }
    vouch_buf_t b;
    vouch_buf_init(&b);
    s_b64_decode(&b, start, (size_t)(end - start));
    vouch_buf_putc(&b, '\0');
    return b.data;
}

static char *s_subject(const char *msg)
{
    const char *p = strstr(msg, "\r\nSubject: ");
    assert_non_null(p);
    p += strlen("\r\nSubject: ");
    vouch_buf_t b;
    vouch_buf_init(&b);
    for (;;) {
        assert_memory_equal(p, "=?UTF-8?B?", 10);
        const char *end = strstr(p, "?=");
        assert_true(end - p + 2 <= 75); /* RFC 2047's limit on an encoded-word */
        s_b64_decode(&b, p + 10, (size_t)(end - p - 10));
        p = end + 2;
        if (strncmp(p, "\r\n ", 3) != 0)
            break;
        p += 3; /* folded: the next word is on a continuation line */
    }
    vouch_buf_putc(&b, '\0');
    return b.data;
}

static void test_mime_message(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_MAIL, "zhang.san@czj.example.cn");
    d.subject = "永州市人力资源和社会保障局 2022 年度 本周新发现 3 条（MISCLASS_EXPENSE 1 条）";
    vouch_error_t err;
    vouch_error_clear(&err);
    char *msg = vouch_deliver_mime(&d, 1700000000, &err);
    assert_non_null(msg);
    assert_memory_equal(msg, "From: vouch@audit.example.cn\r\nTo: zhang.san@czj.example.cn\r\n",
                        strlen("From: vouch@audit.example.cn\r\nTo: zhang.san@czj.example.cn\r\n"));
    assert_non_null(strstr(msg, "\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
    assert_non_null(strstr(msg, "\r\nMessage-ID: <" ID "@vouch>\r\n"));
    assert_non_null(strstr(msg, "\r\nX-Vouch-Digest-Id: " ID "\r\n"));
    assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Type: multipart/alternative; boundary="));

    char *subject = s_subject(msg);
    assert_string_equal(subject, d.subject);
    free(subject);
    char *plain = s_part(msg, "text/plain");
    assert_string_equal(plain, d.markdown);
    free(plain);
    char *html = s_part(msg, "text/html");
    assert_string_equal(html, d.html);
    free(html);

    /* every line ends CRLF and stays under 78 characters */
    for (const char *p = msg; *p;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 78);
        assert_null(memchr(p, '\n', (size_t)(eol - p)));
        p = eol + 2;
    }
    free(msg);
}

static void test_mime_refuses_injection(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_MAIL, "zhang.san@czj.example.cn");
    vouch_error_t err;
    /* a subject with a line break stays inside its encoded-word */
    d.subject = "摘要\r\nBcc: everyone@example.cn";
    char *msg = vouch_deliver_mime(&d, 0, &err);
    assert_non_null(msg);
    assert_null(strstr(msg, "\r\nBcc:"));
    char *subject = s_subject(msg);
    assert_string_equal(subject, d.subject);
    free(subject);
    free(msg);
    /* an address with a header behind it is not an address */
    d.target = "a@example.cn\r\nBcc: everyone@example.cn";
    vouch_error_clear(&err);
    assert_null(vouch_deliver_mime(&d, 0, &err));
    assert_non_null(strstr(err.text, "not a mail address"));
    d.target = "no-at-sign";
    assert_null(vouch_deliver_mime(&d, 0, &err));
    d.target = "张三@czj.example.cn"; /* would need SMTPUTF8 */
    assert_null(vouch_deliver_mime(&d, 0, &err));
    d.target = "a@example.cn";
    d.html = NULL;
    vouch_error_clear(&err);
    assert_null(vouch_deliver_mime(&d, 0, &err));
    assert_string_equal(err.text, "no html given");
}

/* ---- refused targets: nothing is fetched, nothing is sent ---- */

static void s_refused(vouch_delivery_t *d, const char *want)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_deliver(d, &err), -1);
    if (!strstr(err.text, want))
        fail_msg("error [%s] does not say [%s]", err.text, want);
    assert_null(strstr(err.text, "SECRET")); /* keys and passwords never in an error */
}

static void test_refused_targets(void **state)
{
    (void)state;
    vouch_delivery_t d = s_digest(VOUCH_DELIVER_WEBHOOK, "file:///etc/passwd");
    s_refused(&d, "the scheme file is not allowed");
    d.target = "ftp://example.cn/x?key=SECRET";
    s_refused(&d, "the scheme ftp is not allowed");
    d.target = "gopher://127.0.0.1:70/1";
    s_refused(&d, "the scheme gopher is not allowed");
    d.target = "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET";
    s_refused(&d, "is not a URL");
    d.target = "https://user:SECRET@/x";
    s_refused(&d, "webhook https://...");
    d.target = "ftp://user:SECRET@example.cn/";
    s_refused(&d, "webhook ftp://...: the scheme ftp");

    d = s_digest(VOUCH_DELIVER_MAIL, "zhang.san@czj.example.cn");
    d.smtp_url = "http://127.0.0.1:1/";
    s_refused(&d, "the scheme http is not allowed");
    d.smtp_url = NULL;
    s_refused(&d, "not a URL");

    d.kind = (vouch_deliver_kind_t)7;
    s_refused(&d, "unknown delivery kind");
    d.kind = VOUCH_DELIVER_DIR;
    d.target = "";
    s_refused(&d, "no target given");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dir_writes_three_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_dir_retry_replaces_atomically, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_dir_refused, s_setup, s_teardown),
        cmocka_unit_test(test_format_guess_and_parse),
        cmocka_unit_test(test_wecom_cut),
        cmocka_unit_test(test_cut_every_limit),
        cmocka_unit_test(test_dingtalk_and_json_bodies),
        cmocka_unit_test(test_mime_message),
        cmocka_unit_test(test_mime_refuses_injection),
        cmocka_unit_test(test_refused_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
