/* import.c: choose the reader by the file's first bytes and forward to it.
 * Workbooks are read by sheet.h into rows that the CSV reader maps as it maps
 * delimited text, so a header means the same whatever carried it. */
#include "import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "jsonl_import.h"
#include "sheet.h"

#define S_READ_CHUNK (64 * 1024)

struct vouch_import_t {
    vouch_import_kind_t kind;
    vouch_csv_import_t *csv; /* delimited text and workbooks */
    vouch_jsonl_import_t *jsonl;
    char sheet[256];
};

vouch_import_kind_t vouch_import_sniff(const char *head, size_t n)
{
    switch (vouch_sheet_sniff(head, n)) {
    case VOUCH_SHEET_XLSX:
        return VOUCH_IMPORT_XLSX;
    case VOUCH_SHEET_XLS:
        return VOUCH_IMPORT_XLS;
    default:
        break;
    }
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
    switch (kind) {
    case VOUCH_IMPORT_JSONL:
        return "jsonl";
    case VOUCH_IMPORT_XLSX:
        return "xlsx";
    case VOUCH_IMPORT_XLS:
        return "xls";
    default:
        return "csv";
    }
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

static bool s_workbook(const vouch_import_t *self)
{
    return self->kind == VOUCH_IMPORT_XLSX || self->kind == VOUCH_IMPORT_XLS;
}

int vouch_import_feed(vouch_import_t *self, const char *data, size_t len, vouch_error_t *err)
{
    if (s_workbook(self)) {
        vouch_error_set(err, "an Excel workbook is read from its file, not streamed");
        return -1;
    }
    return self->jsonl ? vouch_jsonl_import_feed(self->jsonl, data, len, err)
                       : vouch_csv_import_feed(self->csv, data, len, err);
}

int vouch_import_finish(vouch_import_t *self, vouch_error_t *err)
{
    return self->jsonl ? vouch_jsonl_import_finish(self->jsonl, err)
                       : vouch_csv_import_finish(self->csv, err);
}

static int s_on_row(void *arg, long row, const char *const *cells, size_t ncells,
                    vouch_error_t *err)
{
    vouch_import_t *self = arg;
    return vouch_csv_import_row(self->csv, row, cells, ncells, err);
}

static int s_read_workbook(vouch_import_t *self, const char *path, const char *display,
                           vouch_error_t *err)
{
    vouch_sheet_kind_t kind = self->kind == VOUCH_IMPORT_XLSX ? VOUCH_SHEET_XLSX : VOUCH_SHEET_XLS;
    if (vouch_sheet_read(path, kind, display, s_on_row, self, self->sheet, sizeof self->sheet,
                         err) != 0)
        return -1;
    return vouch_csv_import_finish(self->csv, err);
}

int vouch_import_file(FILE *f, const char *path, const vouch_csv_import_opts_t *opts,
                      vouch_csv_line_fn *fn, void *arg, vouch_import_t **out, vouch_error_t *err)
{
    const char *display = opts && opts->file_name ? opts->file_name : path;
    char *buf = vouch_malloc(S_READ_CHUNK);
    size_t n = fread(buf, 1, S_READ_CHUNK, f);
    *out = vouch_import_new(vouch_import_sniff(buf, n), opts, fn, arg);
    vouch_import_t *self = *out;
    int rc = 0;
    if (s_workbook(self)) {
        rc = s_read_workbook(self, path, display, err);
    } else {
        while (rc == 0 && n > 0) {
            rc = vouch_import_feed(self, buf, n, err);
            if (rc == 0)
                n = fread(buf, 1, S_READ_CHUNK, f);
        }
        if (rc == 0 && ferror(f)) {
            vouch_error_set(err, "cannot read: %s", strerror(errno));
            rc = -1;
        }
        if (rc == 0)
            rc = vouch_import_finish(self, err);
    }
    /* every error names the file, whichever layer found it */
    if (rc != 0 && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", display);
    free(buf);
    return rc;
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

int vouch_import_header(const vouch_import_t *self, const char *const **names, const int **fields)
{
    return self->csv ? vouch_csv_import_header(self->csv, names, fields) : 0;
}

const char *vouch_import_sheet(const vouch_import_t *self)
{
    return self->sheet;
}
