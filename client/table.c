/* table.c: aligned text tables and CSV fields for vouchctl's output. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "text.h"

struct vouch_table_t {
    int ncols;
    char **headers;
    bool *right;
    int *max;
    char ***rows;
    size_t nrows, cap;
};

vouch_table_t *vouch_table_new(int ncols, const char *const *headers)
{
    vouch_table_t *self = vouch_calloc(1, sizeof *self);
    self->ncols = ncols;
    self->headers = vouch_calloc((size_t)ncols, sizeof(char *));
    self->right = vouch_calloc((size_t)ncols, sizeof(bool));
    self->max = vouch_calloc((size_t)ncols, sizeof(int));
    for (int i = 0; i < ncols; i++)
        self->headers[i] = vouch_strdup(headers[i]);
    return self;
}

void vouch_table_destroy(vouch_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_table_t *self = *self_p;
    for (size_t r = 0; r < self->nrows; r++) {
        for (int c = 0; c < self->ncols; c++)
            free(self->rows[r][c]);
        free(self->rows[r]);
    }
    for (int c = 0; c < self->ncols; c++)
        free(self->headers[c]);
    free(self->rows);
    free(self->headers);
    free(self->right);
    free(self->max);
    free(self);
    *self_p = NULL;
}

void vouch_table_align_right(vouch_table_t *self, int col)
{
    self->right[col] = true;
}

void vouch_table_max_width(vouch_table_t *self, int col, int width)
{
    self->max[col] = width;
}

/* s cut to width display columns, whole characters only */
static char *s_cut(const char *s, int width)
{
    if (vouch_text_width(s) <= width)
        return vouch_strdup(s);
    vouch_buf_t b;
    vouch_buf_init(&b);
    int used = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        char ch[5] = {0};
        for (int i = 0; i < len && p[i]; i++)
            ch[i] = (char)p[i];
        int w = vouch_text_width(ch);
        if (used + w > width - 1)
            break;
        vouch_buf_puts(&b, ch);
        used += w;
        p += strlen(ch);
    }
    vouch_buf_puts(&b, "…");
    return b.data;
}

void vouch_table_add(vouch_table_t *self, const char *const *cells)
{
    if (self->nrows == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 16;
        self->rows = vouch_realloc(self->rows, self->cap * sizeof *self->rows);
    }
    char **row = vouch_calloc((size_t)self->ncols, sizeof(char *));
    for (int c = 0; c < self->ncols; c++) {
        const char *v = cells[c] ? cells[c] : "";
        /* one line a row: newlines in a summary would break the table */
        char *flat = vouch_strdup(v);
        for (char *q = flat; *q; q++)
            if (*q == '\n' || *q == '\r' || *q == '\t')
                *q = ' ';
        row[c] = self->max[c] > 0 ? s_cut(flat, self->max[c]) : vouch_strdup(flat);
        free(flat);
    }
    self->rows[self->nrows++] = row;
}

static void s_cell(FILE *out, const char *s, int width, bool right, bool last)
{
    int pad = width - vouch_text_width(s);
    if (right)
        for (int i = 0; i < pad; i++)
            fputc(' ', out);
    fputs(s, out);
    if (!right && !last)
        for (int i = 0; i < pad; i++)
            fputc(' ', out);
    fputs(last ? "\n" : "  ", out);
}

void vouch_table_print(const vouch_table_t *self, FILE *out)
{
    int *w = vouch_calloc((size_t)self->ncols, sizeof(int));
    for (int c = 0; c < self->ncols; c++) {
        w[c] = vouch_text_width(self->headers[c]);
        for (size_t r = 0; r < self->nrows; r++) {
            int cw = vouch_text_width(self->rows[r][c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (int c = 0; c < self->ncols; c++)
        s_cell(out, self->headers[c], w[c], self->right[c], c == self->ncols - 1);
    for (int c = 0; c < self->ncols; c++) {
        for (int i = 0; i < w[c]; i++)
            fputc('-', out);
        fputs(c == self->ncols - 1 ? "\n" : "  ", out);
    }
    for (size_t r = 0; r < self->nrows; r++)
        for (int c = 0; c < self->ncols; c++)
            s_cell(out, self->rows[r][c], w[c], self->right[c], c == self->ncols - 1);
    free(w);
}

void vouch_csv_field(FILE *out, const char *s, bool last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else
        fputs(s, out);
    fputs(last ? "\r\n" : ",", out);
}
