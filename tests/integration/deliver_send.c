/* vouch-deliver-send: one vouch_deliver() attempt from the command line, so
 * that it_deliver.sh can drive common/deliver.c against the sinks beside it.
 * A test tool: not installed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "file.h"

#define S_MAX_BODY (16u << 20)

static void s_usage(FILE *f)
{
    fprintf(f, "usage: vouch-deliver-send --kind dir|webhook|mail --target T --id ID\n"
               "           [--format json|wecom|dingtalk] [--subject S] [--markdown FILE]\n"
               "           [--html FILE] [--json FILE] [--from ADDR] [--smtp-url URL]\n"
               "           [--smtp-user U] [--timeout SECONDS]\n"
               "\n"
               "One delivery attempt of a digest (common/deliver.c). The SMTP password,\n"
               "if any, is read from the environment variable VOUCH_SMTP_PASSWORD. Without\n"
               "--format a webhook's format is guessed from its host.\n"
               "\n"
               "Exit status: 0 delivered, 1 failed (the reason on stderr), 2 wrong usage.\n");
}

/* the text of path (a new string), or exit 1 */
static char *s_read(const char *path)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    size_t len;
    char *text = vouch_file_read(path, S_MAX_BODY, &len, &err);
    if (!text) {
        fprintf(stderr, "vouch-deliver-send: %s\n", err.text);
        exit(1);
    }
    return text;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"kind", required_argument, NULL, 'k'},
        {"target", required_argument, NULL, 't'},
        {"id", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},
        {"subject", required_argument, NULL, 's'},
        {"markdown", required_argument, NULL, 'm'},
        {"html", required_argument, NULL, 'H'},
        {"json", required_argument, NULL, 'j'},
        {"from", required_argument, NULL, 'F'},
        {"smtp-url", required_argument, NULL, 'u'},
        {"smtp-user", required_argument, NULL, 'U'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vouch_delivery_t d = {.timeout_s = 10};
    const char *kind = NULL, *format = NULL, *files[3] = {NULL, NULL, NULL};
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'k':
            kind = optarg;
            break;
        case 't':
            d.target = optarg;
            break;
        case 'i':
            d.digest_id = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 's':
            d.subject = optarg;
            break;
        case 'm':
            files[0] = optarg;
            break;
        case 'H':
            files[1] = optarg;
            break;
        case 'j':
            files[2] = optarg;
            break;
        case 'F':
            d.mail_from = optarg;
            break;
        case 'u':
            d.smtp_url = optarg;
            break;
        case 'U':
            d.smtp_user = optarg;
            break;
        case 'T':
            d.timeout_s = atol(optarg);
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (!kind || optind != argc) {
        s_usage(stderr);
        return 2;
    }
    if (strcmp(kind, "dir") == 0)
        d.kind = VOUCH_DELIVER_DIR;
    else if (strcmp(kind, "webhook") == 0)
        d.kind = VOUCH_DELIVER_WEBHOOK;
    else if (strcmp(kind, "mail") == 0)
        d.kind = VOUCH_DELIVER_MAIL;
    else {
        fprintf(stderr, "vouch-deliver-send: --kind is dir, webhook or mail\n");
        return 2;
    }
    int f = format ? vouch_webhook_format_parse(format)
                   : (int)vouch_webhook_format_guess(d.target ? d.target : "");
    if (f < 0) {
        fprintf(stderr, "vouch-deliver-send: --format is json, wecom or dingtalk\n");
        return 2;
    }
    d.webhook_format = (vouch_webhook_format_t)f;
    char *texts[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++)
        if (files[i])
            texts[i] = s_read(files[i]);
    d.markdown = texts[0];
    d.html = texts[1];
    d.json = texts[2];
    d.smtp_password = getenv("VOUCH_SMTP_PASSWORD");

    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = vouch_deliver(&d, &err);
    if (rc != 0)
        fprintf(stderr, "vouch-deliver-send: %s\n", err.text);
    for (int i = 0; i < 3; i++)
        free(texts[i]);
    return rc == 0 ? 0 : 1;
}
