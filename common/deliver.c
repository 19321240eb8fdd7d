/* deliver.c: one delivery attempt of a digest: atomic files in a folder, a
 * webhook POST, or a mail through SMTP; the last two over libcurl, each call
 * with its own handle, limited to its own protocols and to a timeout. */
#include "deliver.h"
#include "deliver_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "text.h"

#define S_DEFAULT_TIMEOUT 30L
#define S_CONNECT_TIMEOUT 10L
#define S_REPLY_MAX 65536         /* enough of a reply to read a robot's errcode */
#define S_SNIPPET 200             /* bytes of a reply an error quotes */
#define S_SUBJECT_CHUNK 42        /* bytes an encoded-word holds: 56 base64 characters */
#define S_BOUNDARY "=_vouch_part" /* "=_" never occurs in base64, so never in a part */

/* ---- small helpers ---- */

static pthread_once_t s_curl_once = PTHREAD_ONCE_INIT;
static CURLcode s_curl_rc;

static void s_curl_init(void)
{
    s_curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* the largest n' <= n that does not cut s inside a UTF-8 character; s[n] must exist */
static size_t s_utf8_floor(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

static bool s_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The id becomes file names, a Message-ID and a header: keep it to a dot-atom. */
static int s_check_id(const char *id, vouch_error_t *err)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0) {
        vouch_error_set(err, "no digest id given");
        return -1;
    }
    bool ok = len <= 128 && s_id_char(id[0]) && s_id_char(id[len - 1]) && !strstr(id, "..");
    for (size_t i = 0; ok && i < len; i++)
        ok = s_id_char(id[i]) || id[i] == '.' || id[i] == '_' || id[i] == '-';
    if (!ok) {
        vouch_error_set(err, "digest id %.130s is not letters, digits, '.', '_' and '-'", id);
        return -1;
    }
    return 0;
}

static int s_check_text(const char *what, const char *s, vouch_error_t *err)
{
    if (!s) {
        vouch_error_set(err, "no %s given", what);
        return -1;
    }
    if (!vouch_text_valid_utf8(s, strlen(s))) {
        vouch_error_set(err, "the %s is not valid UTF-8", what);
        return -1;
    }
    return 0;
}

/* A bare ASCII address, as SMTP's envelope and the From/To headers take it
 * (no SMTPUTF8: a Chinese local part is refused, not garbled). */
static int s_check_address(const char *what, const char *a, vouch_error_t *err)
{
    size_t len = a ? strlen(a) : 0;
    const char *at = len ? strchr(a, '@') : NULL;
    bool ok = at && at > a && at[1] && len <= 254;
    for (size_t i = 0; ok && i < len; i++)
        ok = a[i] > ' ' && a[i] < 0x7f && !strchr("<>,;\"()[]\\", a[i]);
    if (!ok) {
        vouch_error_set(err, "%s %.260s is not a mail address", what, a ? a : "(none)");
        return -1;
    }
    return 0;
}

/* The first bytes of a reply, fit for an error: whole characters, no
 * control characters, bad bytes as U+FFFD. */
static void s_snippet(const char *data, size_t len, char *out, size_t size)
{
    char cut[S_SNIPPET + 1];
    vouch_text_copy(cut, sizeof cut, data ? data : "", data ? len : 0);
    for (char *p = cut; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            *p = ' ';
    char *clean = vouch_text_sanitize(cut);
    vouch_text_copy(out, size, clean, strlen(clean));
    free(clean);
}

/* ---- URLs ---- */

/* is word one of the comma-separated list, ignoring case? */
static bool s_listed(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        if (len == n && strncasecmp(p, word, n) == 0)
            return true;
        p += len;
        if (!*p)
            return false;
    }
}

typedef struct {
    char *scheme, *host, *port, *path; /* curl_free'd; port may be NULL */
    char shown[512];                   /* scheme://host[:port]/path, for errors */
} s_url_t;

static void s_url_free(s_url_t *u)
{
    curl_free(u->scheme);
    curl_free(u->host);
    curl_free(u->port);
    curl_free(u->path);
    memset(u, 0, sizeof *u);
}

/* The start of url that an error may show: up to any query or fragment, and
 * only the scheme when there is a user (and maybe a password) before an '@'. */
static void s_url_head(const char *url, char *out, size_t size)
{
    if (!url) {
        snprintf(out, size, "(none)");
        return;
    }
    size_t n = strcspn(url, "?#");
    const char *at = memchr(url, '@', n);
    const char *sep = strstr(url, "://");
    if (at)
        n = sep && sep < at ? (size_t)(sep - url) + 3 : 0;
    if (n > 200)
        n = 200;
    snprintf(out, size, "%.*s%s", (int)n, url, url[n] ? "..." : "");
}

/* url's parts, when its scheme is one of the comma-separated schemes (any
 * when NULL) and it has a host; what for errors ("webhook"). shown leaves out
 * user, password, query and fragment, which is where a robot's key
 * (?key=, ?access_token=) lives. */
static int s_url_parse(const char *url, const char *schemes, const char *what, s_url_t *u,
                       vouch_error_t *err)
{
    memset(u, 0, sizeof *u);
    CURLU *h = curl_url();
    if (!h)
        abort();
    int rc = -1;
    char head[208];
    s_url_head(url, head, sizeof head);
    if (!url || curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_SCHEME, &u->scheme, 0) != CURLUE_OK) {
        vouch_error_set(err, "%s %s is not a URL", what, head);
        goto free_parts;
    }
    if (schemes && !s_listed(schemes, u->scheme)) {
        vouch_error_set(err, "%s %s: the scheme %.20s is not allowed (only %s)", what, head,
                        u->scheme, schemes);
        goto free_parts;
    }
    if (curl_url_get(h, CURLUPART_HOST, &u->host, 0) != CURLUE_OK || !u->host[0]) {
        vouch_error_set(err, "%s %s names no host", what, head);
        goto free_parts;
    }
    if (curl_url_get(h, CURLUPART_PORT, &u->port, 0) != CURLUE_OK)
        u->port = NULL;
    if (curl_url_get(h, CURLUPART_PATH, &u->path, 0) != CURLUE_OK)
        u->path = NULL;
    snprintf(u->shown, sizeof u->shown, "%s://%s%s%s%s", u->scheme, u->host, u->port ? ":" : "",
             u->port ? u->port : "", u->path ? u->path : "");
    rc = 0;
    goto free_handle;
free_parts:
    s_url_free(u);
free_handle:
    curl_url_cleanup(h);
    return rc;
}

static bool s_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0 ||
           strcasecmp(host, "localhost") == 0;
}

vouch_webhook_format_t vouch_webhook_format_guess(const char *url)
{
    s_url_t u;
    vouch_webhook_format_t f = VOUCH_WEBHOOK_JSON;
    if (s_url_parse(url, NULL, "webhook", &u, NULL) != 0)
        return f;
    if (strcasecmp(u.host, "qyapi.weixin.qq.com") == 0)
        f = VOUCH_WEBHOOK_WECOM;
    else if (strcasecmp(u.host, "oapi.dingtalk.com") == 0)
        f = VOUCH_WEBHOOK_DINGTALK;
    s_url_free(&u);
    return f;
}

int vouch_webhook_format_parse(const char *name)
{
    static const char *names[] = {"json", "wecom", "dingtalk"};
    static const vouch_webhook_format_t values[] = {VOUCH_WEBHOOK_JSON, VOUCH_WEBHOOK_WECOM,
                                                    VOUCH_WEBHOOK_DINGTALK};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return (int)values[i];
    return -1;
}

/* ---- DIR ---- */

/* dir/name holds text or is as before: temporary file, fsync, rename. */
static int s_write_atomic(const char *dir, const char *name, const char *text, vouch_error_t *err)
{
    char *path = vouch_asprintf("%s/%s", dir, name);
    char *tmp = vouch_asprintf("%s/.%s.XXXXXX", dir, name);
    int rc = -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        vouch_error_set(err, "cannot write in %.300s: %s", dir, strerror(errno));
        goto free_paths;
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            goto fail_file;
        done += (size_t)w;
    }
    if (fchmod(fd, 0640) != 0 || fsync(fd) != 0)
        goto fail_file;
    int closed = close(fd);
    fd = -1;
    if (closed != 0 || rename(tmp, path) != 0)
        goto fail_file;
    rc = 0;
    goto free_paths;
fail_file:
    vouch_error_set(err, "cannot write %.300s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
free_paths:
    free(tmp);
    free(path);
    return rc;
}

static int s_deliver_dir(const vouch_delivery_t *d, vouch_error_t *err)
{
    const char *texts[] = {d->markdown, d->html, d->json};
    const char *whats[] = {"markdown", "html", "json"};
    const char *exts[] = {"md", "html", "json"};
    for (int i = 0; i < 3; i++)
        if (s_check_text(whats[i], texts[i], err) != 0)
            return -1;
    for (int i = 0; i < 3; i++) {
        char *name = vouch_asprintf("%s.%s", d->digest_id, exts[i]);
        int rc = s_write_atomic(d->target, name, texts[i], err);
        free(name);
        if (rc != 0)
            return -1;
    }
    /* the renames survive a power cut once the folder's entries are synced */
    int fd = open(d->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        vouch_error_set(err, "cannot sync %.300s: %s", d->target, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* ---- curl ---- */

typedef struct {
    CURL *h;
    char errbuf[CURL_ERROR_SIZE];
    vouch_buf_t reply;       /* the HTTP body, up to S_REPLY_MAX */
    char server_line[256];   /* SMTP: the server's refusal (4xx, 5xx), else its last reply */
    struct curl_slist *list; /* headers or recipients */
    s_url_t url;             /* the URL called, as parsed */
} s_call_t;

static size_t s_on_reply(char *data, size_t size, size_t n, void *ud)
{
    vouch_buf_t *b = ud;
    size_t len = size * n;
    if (b->len < S_REPLY_MAX)
        vouch_buf_append(b, data, len < S_REPLY_MAX - b->len ? len : S_REPLY_MAX - b->len);
    return len;
}

/* Only what the server says is kept: what vouch sends may hold a password. */
static int s_on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    s_call_t *c = ud;
    while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        size--;
    /* after a refusal curl still says QUIT: keep the refusal, not the 221 */
    bool refused = c->server_line[0] == '4' || c->server_line[0] == '5';
    if (type == CURLINFO_HEADER_IN && size > 0 && !refused)
        s_snippet(data, size, c->server_line, sizeof c->server_line);
    return 0;
}

/* A handle for url, limited to protocols (a scheme list), d's timeout, no
 * redirects; what names the URL in errors. s_call_close in any case. */
static int s_call_open(s_call_t *c, const vouch_delivery_t *d, const char *url,
                       const char *protocols, const char *what, vouch_error_t *err)
{
    memset(c, 0, sizeof *c);
    vouch_buf_init(&c->reply);
    if (s_url_parse(url, protocols, what, &c->url, err) != 0)
        return -1;
    pthread_once(&s_curl_once, s_curl_init);
    if (s_curl_rc != CURLE_OK || !(c->h = curl_easy_init())) {
        vouch_error_set(err, "cannot start libcurl: %s", curl_easy_strerror(s_curl_rc));
        return -1;
    }
    long timeout = d->timeout_s > 0 ? d->timeout_s : S_DEFAULT_TIMEOUT;
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT,
                     timeout < S_CONNECT_TIMEOUT ? timeout : S_CONNECT_TIMEOUT);
    if (curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, protocols) != CURLE_OK ||
        curl_easy_setopt(c->h, CURLOPT_REDIR_PROTOCOLS_STR, protocols) != CURLE_OK) {
        vouch_error_set(err, "libcurl cannot be limited to %s", protocols);
        return -1;
    }
    curl_easy_setopt(c->h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->h, CURLOPT_USERAGENT, "vouch");
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    return 0;
}

static void s_call_close(s_call_t *c)
{
    curl_slist_free_all(c->list);
    if (c->h)
        curl_easy_cleanup(c->h);
    vouch_buf_free(&c->reply);
    s_url_free(&c->url);
}

static void s_call_append(s_call_t *c, const char *item)
{
    struct curl_slist *l = curl_slist_append(c->list, item);
    if (!l)
        abort();
    c->list = l;
}

static const char *s_curl_error(const s_call_t *c, CURLcode rc)
{
    return c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
}

/* ---- WEBHOOK ---- */

static json_t *s_robot_message(const vouch_delivery_t *d, vouch_error_t *err)
{
    if (s_check_text("markdown", d->markdown, err) != 0)
        return NULL;
    bool wecom = d->webhook_format == VOUCH_WEBHOOK_WECOM;
    char *text = vouch_deliver_cut(d->markdown,
                                   wecom ? VOUCH_DELIVER_WECOM_LIMIT : VOUCH_DELIVER_DINGTALK_LIMIT,
                                   d->digest_id);
    json_t *md = json_object();
    json_object_set_new(md, wecom ? "content" : "text", json_string(text));
    free(text);
    if (!wecom) {
        const char *title = d->subject ? d->subject : d->digest_id;
        if (s_check_text("subject", title, err) != 0) {
            json_decref(md);
            return NULL;
        }
        json_object_set_new(md, "title", json_string(title));
    }
    json_t *root = json_object();
    json_object_set_new(root, "msgtype", json_string("markdown"));
    json_object_set_new(root, "markdown", md);
    return root;
}

char *vouch_deliver_webhook_body(const vouch_delivery_t *d, vouch_error_t *err)
{
    if (d->webhook_format == VOUCH_WEBHOOK_JSON) {
        if (s_check_text("json", d->json, err) != 0)
            return NULL;
        json_error_t jerr;
        json_t *root = json_loads(d->json, 0, &jerr);
        bool object = json_is_object(root);
        json_decref(root);
        if (!object) {
            vouch_error_set(err, "the json is not a JSON object%s%s", root ? "" : ": ",
                            root ? "" : jerr.text);
            return NULL;
        }
        return vouch_strdup(d->json);
    }
    if (d->webhook_format != VOUCH_WEBHOOK_WECOM && d->webhook_format != VOUCH_WEBHOOK_DINGTALK) {
        vouch_error_set(err, "unknown webhook format %d", (int)d->webhook_format);
        return NULL;
    }
    json_t *root = s_robot_message(d, err);
    if (!root)
        return NULL;
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!text)
        abort();
    return text;
}

/* 企业微信 and 钉钉 answer 200 with {"errcode": 93000, "errmsg": ...} when
 * they refuse a message; a reply that is not JSON is taken as the 2xx says. */
static int s_check_robot_reply(const s_call_t *c, vouch_error_t *err)
{
    json_t *root = json_loadb(c->reply.data ? c->reply.data : "", c->reply.len, 0, NULL);
    json_t *code = json_object_get(root, "errcode");
    int rc = 0;
    if (code && !(json_is_integer(code) && json_integer_value(code) == 0)) {
        const char *msg = json_string_value(json_object_get(root, "errmsg"));
        char said[S_SNIPPET * 2];
        s_snippet(msg, msg ? strlen(msg) : 0, said, sizeof said);
        vouch_error_set(err, "webhook %.200s refused the message: errcode %lld: %s", c->url.shown,
                        json_is_integer(code) ? (long long)json_integer_value(code) : -1LL, said);
        rc = -1;
    }
    json_decref(root);
    return rc;
}

static int s_deliver_webhook(const vouch_delivery_t *d, vouch_error_t *err)
{
    int rc = -1;
    s_call_t c;
    char *body = NULL;
    if (s_call_open(&c, d, d->target, "http,https", "webhook", err) != 0 ||
        !(body = vouch_deliver_webhook_body(d, err)))
        goto free_call;
    char *id_header = vouch_asprintf("X-Vouch-Digest-Id: %s", d->digest_id);
    s_call_append(&c, "Content-Type: application/json; charset=utf-8");
    s_call_append(&c, id_header);
    s_call_append(&c, "Expect:"); /* no 100-continue round trip */
    free(id_header);
    curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.list);
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, s_on_reply);
    curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &c.reply);
    CURLcode crc = curl_easy_perform(c.h);
    if (crc != CURLE_OK) {
        vouch_error_set(err, "webhook %.200s: %s", c.url.shown, s_curl_error(&c, crc));
        goto free_call;
    }
    long status = 0;
    curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        char said[S_SNIPPET * 2];
        s_snippet(c.reply.data, c.reply.len, said, sizeof said);
        vouch_error_set(err, "webhook %.200s answered http %ld%s: %s", c.url.shown, status,
                        status >= 300 && status < 400 ? " (redirects are not followed)" : "",
                        said[0] ? said : "(empty reply)");
        goto free_call;
    }
    if (d->webhook_format != VOUCH_WEBHOOK_JSON && s_check_robot_reply(&c, err) != 0)
        goto free_call;
    rc = 0;
free_call:
    s_call_close(&c);
    free(body);
    return rc;
}

/* ---- MAIL ---- */

static void s_base64(vouch_buf_t *b, const char *data, size_t len, bool lines)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)data;
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned long)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        char q[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < len ? abc[v >> 6 & 63] : '=',
                     i + 2 < len ? abc[v & 63] : '='};
        vouch_buf_append(b, q, 4);
        col += 4;
        if (lines && col == 76 && i + 3 < len) {
            vouch_buf_puts(b, "\r\n");
            col = 0;
        }
    }
}

/* RFC 2047 encoded-words of whole characters, folded one to a line. */
static void s_encoded_words(vouch_buf_t *b, const char *s)
{
    size_t len = strlen(s);
    for (size_t at = 0; at < len;) {
        size_t n = len - at;
        if (n > S_SUBJECT_CHUNK) {
            n = s_utf8_floor(s + at, S_SUBJECT_CHUNK);
            if (n == 0)
                n = S_SUBJECT_CHUNK;
        }
        vouch_buf_puts(b, at ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        s_base64(b, s + at, n, false);
        vouch_buf_puts(b, "?=");
        at += n;
    }
}

/* RFC 5322 date in UTC, spelt out so no locale enters */
static void s_mail_date(vouch_buf_t *b, time_t now)
{
    static const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&now, &tm);
    vouch_buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void s_mime_part(vouch_buf_t *b, const char *type, const char *text)
{
    vouch_buf_printf(b,
                     "--" S_BOUNDARY "\r\n"
                     "Content-Type: %s; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n",
                     type);
    s_base64(b, text, strlen(text), true);
    vouch_buf_puts(b, "\r\n");
}

char *vouch_deliver_mime(const vouch_delivery_t *d, time_t now, vouch_error_t *err)
{
    if (s_check_id(d->digest_id, err) != 0 || s_check_address("from", d->mail_from, err) != 0 ||
        s_check_address("to", d->target, err) != 0 ||
        s_check_text("subject", d->subject, err) != 0 ||
        s_check_text("markdown", d->markdown, err) != 0 || s_check_text("html", d->html, err) != 0)
        return NULL;
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: ", d->mail_from, d->target);
    s_encoded_words(&b, d->subject);
    vouch_buf_puts(&b, "\r\nDate: ");
    s_mail_date(&b, now);
    vouch_buf_printf(&b,
                     "\r\nMessage-ID: <%s@vouch>\r\n"
                     "X-Vouch-Digest-Id: %s\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: multipart/alternative; boundary=\"" S_BOUNDARY "\"\r\n\r\n",
                     d->digest_id, d->digest_id);
    s_mime_part(&b, "text/plain", d->markdown);
    s_mime_part(&b, "text/html", d->html);
    vouch_buf_puts(&b, "--" S_BOUNDARY "--\r\n");
    return b.data;
}

typedef struct {
    const char *data;
    size_t len, at;
} s_upload_t;

static size_t s_on_read(char *buf, size_t size, size_t n, void *ud)
{
    s_upload_t *up = ud;
    size_t len = size * n;
    if (len > up->len - up->at)
        len = up->len - up->at;
    memcpy(buf, up->data + up->at, len);
    up->at += len;
    return len;
}

static int s_deliver_mail(const vouch_delivery_t *d, vouch_error_t *err)
{
    int rc = -1;
    s_call_t c;
    char *message = NULL;
    if (s_call_open(&c, d, d->smtp_url, "smtp,smtps", "smtp url", err) != 0 ||
        !(message = vouch_deliver_mime(d, time(NULL), err)))
        goto free_call;
    bool smtps = strcasecmp(c.url.scheme, "smtps") == 0;
    s_upload_t up = {message, strlen(message), 0};
    char *from = vouch_asprintf("<%s>", d->mail_from);
    char *to = vouch_asprintf("<%s>", d->target);
    s_call_append(&c, to);
    curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
    curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.h, CURLOPT_READFUNCTION, s_on_read);
    curl_easy_setopt(c.h, CURLOPT_READDATA, &up);
    curl_easy_setopt(c.h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
    curl_easy_setopt(c.h, CURLOPT_VERBOSE, 1L); /* for s_on_debug, which keeps replies only */
    curl_easy_setopt(c.h, CURLOPT_DEBUGFUNCTION, s_on_debug);
    curl_easy_setopt(c.h, CURLOPT_DEBUGDATA, &c);
    if (d->smtp_user) {
        curl_easy_setopt(c.h, CURLOPT_USERNAME, d->smtp_user);
        curl_easy_setopt(c.h, CURLOPT_PASSWORD, d->smtp_password ? d->smtp_password : "");
    }
    /* a password crosses the network only under TLS */
    if (smtps || (d->smtp_user && !s_loopback(c.url.host)))
        curl_easy_setopt(c.h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    CURLcode crc = curl_easy_perform(c.h);
    free(from);
    free(to);
    if (crc != CURLE_OK) {
        vouch_error_set(err, "mail to %.260s through %.200s: %s%s%s", d->target, c.url.shown,
                        s_curl_error(&c, crc), c.server_line[0] ? "; the server said: " : "",
                        c.server_line);
        goto free_call;
    }
    rc = 0;
free_call:
    s_call_close(&c);
    free(message);
    return rc;
}

/* ---- the front door ---- */

char *vouch_deliver_cut(const char *text, size_t limit, const char *digest_id)
{
    size_t len = strlen(text);
    if (len <= limit)
        return vouch_strdup(text);
    char *note = vouch_asprintf("\n\n> 内容过长，已截断；完整摘要见 %s\n", digest_id);
    size_t note_len = strlen(note);
    if (note_len > limit) { /* an absurd id: cut without the note */
        note[0] = '\0';
        note_len = 0;
    }
    size_t cut = s_utf8_floor(text, limit - note_len);
    /* a line break in the last quarter keeps the last line, list item or table row whole */
    const char *nl = cut ? memrchr(text, '\n', cut) : NULL;
    if (nl && (size_t)(nl - text) >= cut - cut / 4)
        cut = (size_t)(nl - text);
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_append(&b, text, cut);
    vouch_buf_puts(&b, note);
    free(note);
    return b.data;
}

int vouch_deliver(const vouch_delivery_t *d, vouch_error_t *err)
{
    if (!d->target || !d->target[0]) {
        vouch_error_set(err, "no target given");
        return -1;
    }
    if (s_check_id(d->digest_id, err) != 0)
        return -1;
    switch (d->kind) {
    case VOUCH_DELIVER_DIR:
        return s_deliver_dir(d, err);
    case VOUCH_DELIVER_WEBHOOK:
        return s_deliver_webhook(d, err);
    case VOUCH_DELIVER_MAIL:
        return s_deliver_mail(d, err);
    }
    vouch_error_set(err, "unknown delivery kind %d", (int)d->kind);
    return -1;
}
