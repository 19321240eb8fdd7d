/* import.c: choose the reader by the file's first bytes and forward to it. */
#include "import.h"

#include <stdlib.h>

#include "alloc.h"
#include "jsonl_import.h"

struct vouch_import_t {
    vouch_import_kind_t kind;
    vouch_csv_import_t *csv;
    vouch_jsonl_import_t *jsonl;
};

vouch_import_kind_t vouch_import_sniff(const char *head, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)head[0] == 0xEF && (unsigned char)head[1] == 0xBB &&
        (unsigned char)head[2] == 0xBF)
        i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    /* no delimited export starts with '{': its first row is a title or a header */
    return i < n && head[i] == '{' ? VOUCH_IMPORT_JSONL : VOUCH_IMPORT_CSV;
}

const char *vouch_import_kind_name(vouch_import_kind_t kind)
{
    return kind == VOUCH_IMPORT_JSONL ? "jsonl" : "csv";
}

vouch_import_t *vouch_import_new(vouch_import_kind_t kind, const vouch_csv_import_opts_t *opts,
                                 vouch_csv_line_fn *fn, void *arg)
{
    vouch_import_t *self = vouch_calloc(1, sizeof *self);
    self->kind = kind;
    if (kind == VOUCH_IMPORT_JSONL)
        self->jsonl = vouch_jsonl_import_new(opts, fn, arg);
    else
        self->csv = vouch_csv_import_new(opts, fn, arg);
    return self;
}

void vouch_import_destroy(vouch_import_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_csv_import_destroy(&(*self_p)->csv);
    vouch_jsonl_import_destroy(&(*self_p)->jsonl);
    free(*self_p);
    *self_p = NULL;
}

int vouch_import_feed(vouch_import_t *self, const char *data, size_t len, vouch_error_t *err)
{
    return self->jsonl ? vouch_jsonl_import_feed(self->jsonl, data, len, err)
                       : vouch_csv_import_feed(self->csv, data, len, err);
}

int vouch_import_finish(vouch_import_t *self, vouch_error_t *err)
{
    return self->jsonl ? vouch_jsonl_import_finish(self->jsonl, err)
                       : vouch_csv_import_finish(self->csv, err);
}

const vouch_csv_import_stats_t *vouch_import_stats(const vouch_import_t *self)
{
    return self->jsonl ? vouch_jsonl_import_stats(self->jsonl) : vouch_csv_import_stats(self->csv);
}

uint64_t vouch_import_fields(const vouch_import_t *self)
{
    return self->jsonl ? vouch_jsonl_import_fields(self->jsonl)
                       : vouch_csv_import_fields(self->csv);
}

vouch_import_kind_t vouch_import_kind(const vouch_import_t *self)
{
    return self->kind;
}
