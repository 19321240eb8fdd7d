/* xlsx.c: .xlsx workbooks (Office Open XML) as rows of text. libzip inflates
 * each part in chunks and expat parses the chunks as they arrive, so a sheet
 * of any length costs one row of memory. The one thing held whole is the
 * shared strings table, since any cell may point anywhere into it. */
#include "sheet.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "alloc.h"
#include "text.h"

#define S_CHUNK (64 * 1024)
/* Bounds that no real export comes near but a hostile file could: the text
 * of one row, the shared strings table, the number of cell formats. */
#define S_ROW_BYTES_MAX (16 * 1024 * 1024)
#define S_SST_BYTES_MAX ((size_t)256 * 1024 * 1024)
#define S_XF_MAX 262144
/* A workbook's sheets and relationships; bounded because each sheet is
 * matched against every relationship. */
#define S_SHEETS_MAX 16384

typedef struct {
    char *id;
    char *type;
    char *part; /* the target, resolved to a name in the zip */
} s_rel_t;

typedef struct {
    char *name;
    char *rid;
} s_sheet_ref_t;

typedef struct {
    unsigned id;
    unsigned order; /* place in styles.xml: of two codes for one id, the later wins */
    bool date;
} s_numfmt_t;

typedef struct {
    zip_t *zip;
    const char *display;
    vouch_error_t *err;
    bool date1904;
    s_rel_t *rels; /* the workbook's relationships */
    size_t nrels, caprels;
    s_sheet_ref_t *sheets; /* in workbook order */
    size_t nsheets, capsheets;
    /* styles: which cell formats (the s attribute of a cell) show dates */
    s_numfmt_t *numfmts;
    size_t nnumfmts, capnumfmts;
    unsigned *xf_fmt; /* numFmtId of each cellXfs entry */
    size_t nxf, capxf;
    bool *xf_date;
    /* Shared strings, held whole: their text back to back, NUL after each,
     * and where each starts (SIZE_MAX for one over the cell limit, refused
     * only if a cell uses it, so that the error can name the cell). */
    vouch_buf_t sst;
    size_t *sst_at;
    size_t nsst, capsst;
} s_book_t;

/* Every parse's state starts with this, so that handlers can stop expat
 * with a reason of their own. */
typedef struct {
    XML_Parser parser;
    s_book_t *book;
    const char *part;
    long row;    /* the sheet row being read, for errors; 0 outside a sheet */
    bool failed; /* err holds the reason; expat's own error code says only "aborted" */
} s_parse_t;

/* Excel's letters for a 0-based column: 0 -> A, 27 -> AB, 16383 -> XFD. */
static void s_col_name(long col, char *out, size_t size)
{
    char rev[16];
    size_t n = 0;
    for (unsigned long c = (unsigned long)col + 1; c > 0 && n < sizeof rev; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    size_t i = 0;
    for (; i < n && i + 1 < size; i++)
        out[i] = rev[n - 1 - i];
    out[i] = '\0';
}

static void s_fail(s_book_t *b, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_fail(s_book_t *b, long line, long col, const char *fmt, ...)
{
    vouch_error_t *err = b->err;
    vouch_error_clear(err);
    vouch_text_copy(err->file, sizeof err->file, b->display, strlen(b->display));
    err->line = line;
    if (col >= 0)
        s_col_name(col, err->column, sizeof err->column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

/* libzip's messages ("Zlib error: data error") start in upper case; ours do not. */
static const char *s_lower(const char *msg, char *buf, size_t size)
{
    snprintf(buf, size, "%s", msg ? msg : "unknown error");
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* A handler's refusal: the reason into err, and expat stopped for good. */
static void s_stop(s_parse_t *p, long col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void s_stop(s_parse_t *p, long col, const char *fmt, ...)
{
    /* expat may still deliver events it had parsed; the first reason stands */
    if (p->failed)
        return;
    char text[sizeof p->book->err->text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    s_fail(p->book, p->row, col, "%s", text);
    p->failed = true;
    XML_StopParser(p->parser, XML_FALSE);
}

/* Names are compared without their namespace prefix: Excel writes <c>, the
 * OpenXML SDK <x:c>, and both mean the same element. */
static const char *s_local(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

static const char *s_attr(const char **atts, const char *local)
{
    for (; atts[0]; atts += 2)
        if (strncmp(atts[0], "xmlns", 5) != 0 && strcmp(s_local(atts[0]), local) == 0)
            return atts[1];
    return NULL;
}

static bool s_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* A non-negative decimal integer, all of text (spaces around allowed), up to max. */
static bool s_uint(const char *text, size_t len, unsigned long max, unsigned long *out)
{
    size_t i = 0;
    while (i < len && text[i] == ' ')
        i++;
    while (len > i && text[len - 1] == ' ')
        len--;
    if (i == len)
        return false;
    unsigned long v = 0;
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(text[i] - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

/* --- reading one part ---------------------------------------------------- */

static void XMLCALL s_refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                     const XML_Char *pubid, int has_internal)
{
    /* no workbook part declares a DTD; one that does is a file built to make
     * the parser expand entities, not an export */
    s_parse_t *p = ud;
    s_stop(p, -1, "%s declares a document type, which no workbook does", p->part);
}

/* Streams the part through expat in chunks. Returns 0, 1 when the part is
 * missing and not required, or -1 with err. */
static int s_parse_part(s_book_t *b, const char *part, bool required, s_parse_t *p,
                        XML_StartElementHandler start, XML_EndElementHandler end,
                        XML_CharacterDataHandler chars)
{
    int rc = -1;
    char why[256];
    zip_file_t *zf = zip_fopen(b->zip, part, ZIP_FL_NOCASE);
    if (!zf) {
        if (zip_error_code_zip(zip_get_error(b->zip)) == ZIP_ER_NOENT) {
            if (!required)
                return 1;
            s_fail(b, 0, -1, "not an xlsx workbook: %s is missing", part);
        } else {
            s_fail(b, 0, -1, "cannot read %s: %s", part,
                   s_lower(zip_strerror(b->zip), why, sizeof why));
        }
        return -1;
    }
    XML_Parser parser = XML_ParserCreate(NULL);
    if (!parser)
        abort(); /* expat allocates nothing else up front: out of memory */
    p->parser = parser;
    p->book = b;
    p->part = part;
    p->failed = false;
    XML_SetUserData(parser, p);
    XML_SetElementHandler(parser, start, end);
    XML_SetCharacterDataHandler(parser, chars);
    XML_SetStartDoctypeDeclHandler(parser, s_refuse_doctype);
    for (;;) {
        void *buf = XML_GetBuffer(parser, S_CHUNK);
        if (!buf) {
            s_fail(b, p->row, -1, "cannot parse %s: %s", part,
                   XML_ErrorString(XML_GetErrorCode(parser)));
            goto free_parser;
        }
        zip_int64_t n = zip_fread(zf, buf, S_CHUNK);
        if (n < 0) {
            s_fail(b, p->row, -1, "%s is damaged in the zip: %s", part,
                   s_lower(zip_file_strerror(zf), why, sizeof why));
            goto free_parser;
        }
        if (XML_ParseBuffer(parser, (int)n, n == 0) != XML_STATUS_OK) {
            if (!p->failed)
                s_fail(b, p->row, -1, "malformed xml in %s (xml line %lu): %s", part,
                       (unsigned long)XML_GetCurrentLineNumber(parser),
                       XML_ErrorString(XML_GetErrorCode(parser)));
            goto free_parser;
        }
        if (n == 0)
            break;
    }
    rc = 0;
free_parser:
    XML_ParserFree(parser);
    zip_fclose(zf);
    return rc;
}

static void XMLCALL s_ignore_end(void *ud, const XML_Char *name)
{
}

static void XMLCALL s_ignore_chars(void *ud, const XML_Char *s, int len)
{
}

/* --- relationships and the workbook -------------------------------------- */

/* The part a relationship points at: absolute targets ("/xl/worksheets/
 * sheet1.xml") count from the package root, relative ones ("worksheets/
 * sheet1.xml", "../x.xml") from the folder of the part that holds them. */
static char *s_resolve(const char *base_dir, const char *target)
{
    char *joined =
        target[0] == '/' ? vouch_strdup(target + 1) : vouch_asprintf("%s%s", base_dir, target);
    char *out = vouch_malloc(strlen(joined) + 1);
    size_t o = 0;
    for (const char *s = joined; *s;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (n > 0 && !(n == 1 && s[0] == '.')) {
            if (o > 0)
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
        if (*s == '/')
            s++;
    }
    out[o] = '\0';
    free(joined);
    return out;
}

typedef struct {
    s_parse_t p;
    const char *base_dir;
    s_rel_t *rels;
    size_t nrels, caprels;
} s_rels_parse_t;

static void XMLCALL s_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    s_rels_parse_t *r = ud;
    if (r->p.failed || strcmp(s_local(name), "Relationship") != 0)
        return;
    const char *id = s_attr(atts, "Id"), *type = s_attr(atts, "Type");
    const char *target = s_attr(atts, "Target"), *mode = s_attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (r->nrels == S_SHEETS_MAX) {
        s_stop(&r->p, -1, "%s has more than %d relationships", r->p.part, S_SHEETS_MAX);
        return;
    }
    if (r->nrels == r->caprels) {
        r->caprels = r->caprels ? 2 * r->caprels : 8;
        r->rels = vouch_realloc(r->rels, r->caprels * sizeof *r->rels);
    }
    r->rels[r->nrels++] =
        (s_rel_t){vouch_strdup(id), vouch_strdup(type), s_resolve(r->base_dir, target)};
}

static void s_rels_free(s_rel_t *rels, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rels[i].id);
        free(rels[i].type);
        free(rels[i].part);
    }
    free(rels);
}

/* Types differ between transitional and strict OOXML only in their prefix. */
static const s_rel_t *s_rel_by_type(const s_rel_t *rels, size_t n, const char *suffix)
{
    for (size_t i = 0; i < n; i++)
        if (s_ends_with(rels[i].type, suffix))
            return &rels[i];
    return NULL;
}

static int s_read_rels(s_book_t *b, const char *part, bool required, const char *base_dir,
                       s_rel_t **rels, size_t *nrels, size_t *caprels)
{
    s_rels_parse_t r = {.base_dir = base_dir};
    int rc = s_parse_part(b, part, required, &r.p, s_rels_start, s_ignore_end, s_ignore_chars);
    if (rc < 0) {
        s_rels_free(r.rels, r.nrels);
        return -1;
    }
    *rels = r.rels;
    *nrels = r.nrels;
    if (caprels)
        *caprels = r.caprels;
    return rc;
}

static void XMLCALL s_workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    s_parse_t *p = ud;
    s_book_t *b = p->book;
    const char *local = s_local(name);
    if (p->failed)
        return;
    if (strcmp(local, "workbookPr") == 0) {
        const char *v = s_attr(atts, "date1904");
        b->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(local, "sheet") == 0) {
        const char *sheet_name = s_attr(atts, "name"), *rid = s_attr(atts, "id");
        if (!rid)
            return;
        if (b->nsheets == S_SHEETS_MAX) {
            s_stop(p, -1, "the workbook lists more than %d sheets", S_SHEETS_MAX);
            return;
        }
        if (b->nsheets == b->capsheets) {
            b->capsheets = b->capsheets ? 2 * b->capsheets : 4;
            b->sheets = vouch_realloc(b->sheets, b->capsheets * sizeof *b->sheets);
        }
        b->sheets[b->nsheets++] =
            (s_sheet_ref_t){vouch_strdup(sheet_name ? sheet_name : ""), vouch_strdup(rid)};
    }
}

/* --- styles: which cells hold dates -------------------------------------- */

/* Built-in formats that show a date (or a time): 14-22 and 45-47 everywhere,
 * and the East Asian ones (27-36, 50-58, among them 31, yyyy"年"m"月"d"日")
 * that a Chinese Excel uses without writing their code into the file. */
static bool s_builtin_date(unsigned id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

/* Whether a format code shows a date: it has y or d, or m without h or s
 * (then m is a month, not minutes), outside quoted text ("元/d"), brackets
 * ([Red], [$-F800], [h]) and escaped or spacing characters (\d, _d, *d). */
static bool s_code_is_date(const char *code)
{
    bool y = false, m = false, d = false, hs = false;
    for (const char *c = code; *c; c++) {
        switch (*c) {
        case '"':
        case '[': {
            const char *close = strchr(c + 1, *c == '"' ? '"' : ']');
            if (!close)
                return y || d || (m && !hs);
            c = close;
            break;
        }
        case '\\':
        case '_':
        case '*':
            if (c[1])
                c++;
            break;
        case 'y':
        case 'Y':
            y = true;
            break;
        case 'd':
        case 'D':
            d = true;
            break;
        case 'm':
        case 'M':
            m = true;
            break;
        case 'h':
        case 'H':
        case 's':
        case 'S':
            hs = true;
            break;
        default:
            break;
        }
    }
    return y || d || (m && !hs);
}

typedef struct {
    s_parse_t p;
    int in_numfmts, in_cellxfs;
} s_styles_parse_t;

static void XMLCALL s_styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    s_styles_parse_t *st = ud;
    s_book_t *b = st->p.book;
    const char *local = s_local(name);
    unsigned long id = 0;
    if (st->p.failed)
        return;
    if (strcmp(local, "numFmts") == 0) {
        st->in_numfmts++;
    } else if (strcmp(local, "cellXfs") == 0) {
        /* only cellXfs: cellStyleXfs holds the named styles cells inherit
         * from, and its indexes are not what a cell's s attribute means */
        st->in_cellxfs++;
    } else if (strcmp(local, "numFmt") == 0 && st->in_numfmts) {
        const char *v = s_attr(atts, "numFmtId"), *code = s_attr(atts, "formatCode");
        if (!v || !code || !s_uint(v, strlen(v), UINT32_MAX, &id))
            return;
        if (b->nnumfmts == S_XF_MAX) {
            s_stop(&st->p, -1, "%s has more than %d number formats", st->p.part, S_XF_MAX);
            return;
        }
        if (b->nnumfmts == b->capnumfmts) {
            b->capnumfmts = b->capnumfmts ? 2 * b->capnumfmts : 16;
            b->numfmts = vouch_realloc(b->numfmts, b->capnumfmts * sizeof *b->numfmts);
        }
        b->numfmts[b->nnumfmts] =
            (s_numfmt_t){(unsigned)id, (unsigned)b->nnumfmts, s_code_is_date(code)};
        b->nnumfmts++;
    } else if (strcmp(local, "xf") == 0 && st->in_cellxfs) {
        const char *v = s_attr(atts, "numFmtId");
        if (!v || !s_uint(v, strlen(v), UINT32_MAX, &id))
            id = 0;
        if (b->nxf == S_XF_MAX) {
            s_stop(&st->p, -1, "%s has more than %d cell formats", st->p.part, S_XF_MAX);
            return;
        }
        if (b->nxf == b->capxf) {
            b->capxf = b->capxf ? 2 * b->capxf : 64;
            b->xf_fmt = vouch_realloc(b->xf_fmt, b->capxf * sizeof *b->xf_fmt);
        }
        b->xf_fmt[b->nxf++] = (unsigned)id;
    }
}

static void XMLCALL s_styles_end(void *ud, const XML_Char *name)
{
    s_styles_parse_t *st = ud;
    const char *local = s_local(name);
    if (strcmp(local, "numFmts") == 0 && st->in_numfmts)
        st->in_numfmts--;
    else if (strcmp(local, "cellXfs") == 0 && st->in_cellxfs)
        st->in_cellxfs--;
}

static int s_numfmt_cmp(const void *a, const void *b)
{
    const s_numfmt_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* After styles.xml: a cell format is a date if its number format is, the
 * file's own code for an id winning over the built-in meaning (files do
 * redefine 14 as "yyyy/m/d"). Sorted and searched, since a hostile file may
 * hold many thousands of each. */
static void s_resolve_dates(s_book_t *b)
{
    if (b->nnumfmts)
        qsort(b->numfmts, b->nnumfmts, sizeof *b->numfmts, s_numfmt_cmp);
    b->xf_date = vouch_calloc(b->nxf ? b->nxf : 1, sizeof *b->xf_date);
    for (size_t i = 0; i < b->nxf; i++) {
        bool date = s_builtin_date(b->xf_fmt[i]);
        /* the last entry with this id: the upper bound, one back */
        size_t lo = 0, hi = b->nnumfmts;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (b->numfmts[mid].id <= b->xf_fmt[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && b->numfmts[lo - 1].id == b->xf_fmt[i])
            date = b->numfmts[lo - 1].date;
        b->xf_date[i] = date;
    }
}

/* --- text as OOXML stores it --------------------------------------------- */

static bool s_hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return false;
        v = v * 16 + d;
    }
    *out = v;
    return true;
}

/* The code point of an _xHHHH_ escape at s (len bytes left), and how many
 * bytes it spans (a surrogate pair spans two escapes); 0 if s holds none. */
static size_t s_escape_at(const char *s, size_t len, unsigned *cp)
{
    unsigned hi, lo;
    if (len < 7 || s[0] != '_' || s[1] != 'x' || !s_hex4(s + 2, &hi) || s[6] != '_')
        return 0;
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        if (len < 14 || s[7] != '_' || s[8] != 'x' || !s_hex4(s + 9, &lo) || s[13] != '_' ||
            lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return 14;
    }
    if (hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
        return 0; /* no character: keep the text as written */
    *cp = hi;
    return 7;
}

/* OOXML writes characters XML cannot carry as _xHHHH_ (a carriage return in
 * a 摘要 is _x000D_) and a literal "_x" that would look like one as _x005F_x.
 * Decodes them in place (the UTF-8 is never longer); returns the new length. */
static size_t s_unescape(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t span = s[i] == '_' ? s_escape_at(s + i, len - i, &cp) : 0;
        if (span == 0) {
            s[o++] = s[i++];
            continue;
        }
        i += span;
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else if (cp < 0x800) {
            s[o++] = (char)(0xC0 | (cp >> 6));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s[o++] = (char)(0xE0 | (cp >> 12));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            s[o++] = (char)(0xF0 | (cp >> 18));
            s[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    s[o] = '\0';
    return o;
}

/* --- shared strings ------------------------------------------------------ */

typedef struct {
    s_parse_t p;
    bool in_si, in_t, over;
    int in_rph; /* phonetic runs (furigana, pinyin) are a reading aid, not the text */
    size_t start;
} s_sst_parse_t;

static void XMLCALL s_sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    s_sst_parse_t *sp = ud;
    const char *local = s_local(name);
    if (sp->p.failed)
        return;
    if (strcmp(local, "si") == 0) {
        sp->in_si = true;
        sp->over = false;
        sp->in_rph = 0;
        sp->start = sp->p.book->sst.len;
        vouch_buf_reserve(&sp->p.book->sst, 1);
    } else if (sp->in_si && strcmp(local, "rPh") == 0) {
        sp->in_rph++;
    } else if (sp->in_si && !sp->in_rph && strcmp(local, "t") == 0) {
        sp->in_t = true;
    }
}

static void XMLCALL s_sst_end(void *ud, const XML_Char *name)
{
    s_sst_parse_t *sp = ud;
    s_book_t *b = sp->p.book;
    const char *local = s_local(name);
    if (sp->p.failed)
        return;
    if (strcmp(local, "t") == 0) {
        sp->in_t = false;
    } else if (strcmp(local, "rPh") == 0 && sp->in_rph) {
        sp->in_rph--;
    } else if (strcmp(local, "si") == 0 && sp->in_si) {
        sp->in_si = false;
        if (b->nsst == b->capsst) {
            b->capsst = b->capsst ? 2 * b->capsst : 256;
            b->sst_at = vouch_realloc(b->sst_at, b->capsst * sizeof *b->sst_at);
        }
        if (sp->over) {
            b->sst.len = sp->start;
            b->sst_at[b->nsst++] = SIZE_MAX;
        } else {
            b->sst.len = sp->start + s_unescape(b->sst.data + sp->start, b->sst.len - sp->start);
            vouch_buf_putc(&b->sst, '\0');
            b->sst_at[b->nsst++] = sp->start;
        }
        if (b->sst.len + b->nsst * sizeof *b->sst_at > S_SST_BYTES_MAX)
            s_stop(&sp->p, -1, "the shared strings table is over %zu MiB", S_SST_BYTES_MAX >> 20);
    }
}

static void XMLCALL s_sst_chars(void *ud, const XML_Char *s, int len)
{
    s_sst_parse_t *sp = ud;
    s_book_t *b = sp->p.book;
    if (sp->p.failed || !sp->in_t || sp->in_rph || sp->over)
        return;
    if (b->sst.len - sp->start + (size_t)len > VOUCH_SHEET_CELL_MAX) {
        sp->over = true;
        b->sst.len = sp->start;
        return;
    }
    vouch_buf_append(&b->sst, s, (size_t)len);
}

/* --- a sheet ------------------------------------------------------------- */

typedef struct {
    s_parse_t p;
    vouch_sheet_row_fn *fn;
    void *arg;
    bool in_data, in_row, in_cell, in_v, in_is, in_t;
    int in_rph;
    long col; /* 0-based column of the last cell in this row; -1 before the first */
    char type;
    unsigned long style;
    vouch_buf_t val;  /* the text inside the current cell */
    vouch_buf_t text; /* this row's cells' text back to back, NUL after each */
    size_t *at;       /* at[col] = 1 + where col's text starts in text; 0: no text */
    size_t nat, capat;
    const char **cells;
    size_t capcells;
    size_t ncells; /* 1 + the last column with text */
    bool any;      /* some cell holds more than white space */
    long delivered;
} s_sheet_parse_t;

/* Blank: empty or only white space, ASCII or the ideographic space U+3000
 * that Chinese sheets pad with. */
static bool s_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            return false;
    }
    return true;
}

/* A number as OOXML writes it: decimal, optional sign, fraction and
 * exponent. strtod alone would also take "inf", "nan" and hex. */
static bool s_number(const char *s, size_t len, double *out)
{
    while (len > 0 && s[len - 1] == ' ')
        len--;
    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_digits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exp_digits++;
        if (exp_digits == 0)
            return false;
    }
    if (i != len)
        return false;
    char tmp[64];
    if (len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    *out = strtod(tmp, NULL);
    return isfinite(*out);
}

/* A reference's column ("AB12" -> 27); -1 if it does not start with letters. */
static long s_ref_col(const char *ref)
{
    long col = 0;
    const char *c = ref;
    for (; (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z'); c++) {
        if (col <= VOUCH_SHEET_COLS_MAX)
            col = col * 26 + ((*c | 0x20) - 'a' + 1);
    }
    return c == ref ? -1 : col - 1;
}

static void s_cell_done(s_sheet_parse_t *sp)
{
    s_book_t *b = sp->p.book;
    const char *text = sp->val.data;
    size_t len = sp->val.len;
    char number[VOUCH_SHEET_NUMBER_SIZE];
    unsigned long index;
    double value;
    switch (sp->type) {
    case 's':
        if (!s_uint(sp->val.data, sp->val.len, SIZE_MAX, &index) || index >= b->nsst) {
            s_stop(&sp->p, sp->col, "shared string %.40s is not in the table", sp->val.data);
            return;
        }
        if (b->sst_at[index] == SIZE_MAX) {
            s_stop(&sp->p, sp->col, "the cell is over %d KiB", VOUCH_SHEET_CELL_MAX / 1024);
            return;
        }
        text = b->sst.data + b->sst_at[index];
        len = strlen(text);
        break;
    case 'i': /* inline string */
    case 'f': /* a formula's string result */
        len = s_unescape(sp->val.data, sp->val.len);
        break;
    case 'b':
        if (strcmp(sp->val.data, "1") == 0)
            text = "TRUE";
        else if (strcmp(sp->val.data, "0") == 0)
            text = "FALSE";
        len = strlen(text);
        break;
    case 'e': /* the error as Excel shows it: #N/A, #DIV/0! */
        break;
    case 'd': { /* an ISO 8601 date (strict OOXML): keep the date */
        const char *t = strchr(sp->val.data, 'T');
        if (t)
            len = (size_t)(t - sp->val.data);
        break;
    }
    default:
        if (s_blank(sp->val.data))
            return; /* <v/>: a formatted empty cell */
        if (!s_number(sp->val.data, sp->val.len, &value)) {
            s_stop(&sp->p, sp->col, "\"%.40s\" is not a number", sp->val.data);
            return;
        }
        if (sp->style < b->nxf && b->xf_date[sp->style] &&
            vouch_sheet_serial_date(value, b->date1904, number) == 0)
            text = number;
        else
            text = vouch_sheet_number_text(value, number);
        len = strlen(text);
        break;
    }
    if (len == 0)
        return;
    if (sp->text.len + len + 1 > S_ROW_BYTES_MAX) {
        s_stop(&sp->p, sp->col, "the row is over %d MiB", S_ROW_BYTES_MAX >> 20);
        return;
    }
    size_t col = (size_t)sp->col;
    if (col >= sp->capat) {
        size_t cap = sp->capat ? sp->capat : 32;
        while (cap <= col)
            cap *= 2;
        sp->at = vouch_realloc(sp->at, cap * sizeof *sp->at);
        memset(sp->at + sp->capat, 0, (cap - sp->capat) * sizeof *sp->at);
        sp->capat = cap;
    }
    if (col >= sp->nat)
        sp->nat = col + 1;
    /* a second cell for the same column (not valid, but seen) wins, as in Excel */
    sp->at[col] = sp->text.len + 1;
    vouch_buf_append(&sp->text, text, len);
    vouch_buf_putc(&sp->text, '\0');
    if (col + 1 > sp->ncells)
        sp->ncells = col + 1;
    if (!sp->any)
        sp->any = !s_blank(sp->text.data + sp->at[col] - 1);
}

static void s_row_done(s_sheet_parse_t *sp)
{
    if (!sp->any)
        return;
    if (sp->ncells > sp->capcells) {
        sp->capcells = sp->ncells;
        sp->cells = vouch_realloc(sp->cells, sp->capcells * sizeof *sp->cells);
    }
    for (size_t i = 0; i < sp->ncells; i++)
        sp->cells[i] = sp->at[i] ? sp->text.data + sp->at[i] - 1 : "";
    vouch_error_t *err = sp->p.book->err;
    sp->delivered++;
    if (sp->fn(sp->arg, sp->p.row, sp->cells, sp->ncells, err) != 0) {
        if (!err->file[0])
            vouch_text_copy(err->file, sizeof err->file, sp->p.book->display,
                            strlen(sp->p.book->display));
        if (err->line == 0)
            err->line = sp->p.row;
        sp->p.failed = true;
        XML_StopParser(sp->p.parser, XML_FALSE);
    }
}

static void XMLCALL s_sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    s_sheet_parse_t *sp = ud;
    const char *local = s_local(name);
    if (sp->p.failed)
        return;
    if (strcmp(local, "sheetData") == 0) {
        sp->in_data = true;
    } else if (sp->in_data && strcmp(local, "row") == 0) {
        /* a row without r follows the one before it */
        const char *r = s_attr(atts, "r");
        unsigned long row = (unsigned long)sp->p.row + 1;
        if (r && (!s_uint(r, strlen(r), VOUCH_SHEET_ROWS_MAX, &row) || row == 0)) {
            s_stop(&sp->p, -1, "row number \"%.40s\" is not valid", r);
            return;
        }
        if (row > VOUCH_SHEET_ROWS_MAX) {
            s_stop(&sp->p, -1, "more than %d rows", VOUCH_SHEET_ROWS_MAX);
            return;
        }
        if (row <= (unsigned long)sp->p.row) {
            /* Excel writes rows in order, once each; a sheet that goes back
             * would hand the reader a line it has passed (fuzz_sheet) */
            long before = sp->p.row;
            sp->p.row = (long)row;
            s_stop(&sp->p, -1, "row %lu comes after row %ld: the rows are out of order", row,
                   before);
            return;
        }
        sp->p.row = (long)row;
        sp->in_row = true;
        sp->text.len = 0;
        if (sp->nat)
            memset(sp->at, 0, sp->nat * sizeof *sp->at);
        sp->nat = 0;
        sp->ncells = 0;
        sp->any = false;
        sp->col = -1;
    } else if (sp->in_row && strcmp(local, "c") == 0) {
        /* a cell without r goes to the next column */
        const char *r = s_attr(atts, "r"), *t = s_attr(atts, "t"), *s = s_attr(atts, "s");
        long col = sp->col + 1;
        if (r && (col = s_ref_col(r)) < 0) {
            s_stop(&sp->p, sp->col + 1, "cell reference \"%.40s\" is not valid", r);
            return;
        }
        if (col >= VOUCH_SHEET_COLS_MAX) {
            s_stop(&sp->p, col, "more than %d columns", VOUCH_SHEET_COLS_MAX);
            return;
        }
        sp->col = col;
        if (!t || strcmp(t, "n") == 0)
            sp->type = 'n';
        else if (strcmp(t, "s") == 0)
            sp->type = 's';
        else if (strcmp(t, "inlineStr") == 0)
            sp->type = 'i';
        else if (strcmp(t, "str") == 0)
            sp->type = 'f';
        else if (strcmp(t, "b") == 0)
            sp->type = 'b';
        else if (strcmp(t, "e") == 0)
            sp->type = 'e';
        else if (strcmp(t, "d") == 0)
            sp->type = 'd';
        else {
            s_stop(&sp->p, col, "cell type \"%.20s\" is not known", t);
            return;
        }
        if (!s || !s_uint(s, strlen(s), UINT32_MAX, &sp->style))
            sp->style = 0;
        sp->in_cell = true;
        sp->in_v = sp->in_is = sp->in_t = false;
        sp->in_rph = 0;
        sp->val.len = 0;
        sp->val.data[0] = '\0';
    } else if (sp->in_cell) {
        if (strcmp(local, "v") == 0)
            sp->in_v = true;
        else if (strcmp(local, "is") == 0)
            sp->in_is = true;
        else if (sp->in_is && strcmp(local, "rPh") == 0)
            sp->in_rph++;
        else if (sp->in_is && !sp->in_rph && strcmp(local, "t") == 0)
            sp->in_t = true;
    }
}

static void XMLCALL s_sheet_end(void *ud, const XML_Char *name)
{
    s_sheet_parse_t *sp = ud;
    const char *local = s_local(name);
    if (sp->p.failed)
        return;
    if (sp->in_cell) {
        if (strcmp(local, "c") == 0) {
            sp->in_cell = false;
            s_cell_done(sp);
        } else if (strcmp(local, "v") == 0) {
            sp->in_v = false;
        } else if (strcmp(local, "is") == 0) {
            sp->in_is = false;
        } else if (strcmp(local, "rPh") == 0 && sp->in_rph) {
            sp->in_rph--;
        } else if (strcmp(local, "t") == 0) {
            sp->in_t = false;
        }
    } else if (sp->in_row && strcmp(local, "row") == 0) {
        sp->in_row = false;
        s_row_done(sp);
    } else if (strcmp(local, "sheetData") == 0) {
        sp->in_data = false;
    }
}

static void XMLCALL s_sheet_chars(void *ud, const XML_Char *s, int len)
{
    s_sheet_parse_t *sp = ud;
    if (sp->p.failed || !sp->in_cell || !(sp->in_v || (sp->in_t && !sp->in_rph)))
        return;
    if (sp->val.len + (size_t)len > VOUCH_SHEET_CELL_MAX) {
        s_stop(&sp->p, sp->col, "the cell is over %d KiB", VOUCH_SHEET_CELL_MAX / 1024);
        return;
    }
    /* expat hands over UTF-8 it has checked, whatever the part was encoded in */
    vouch_buf_append(&sp->val, s, (size_t)len);
}

/* Streams one sheet; *delivered counts the rows that reached fn. */
static int s_read_sheet(s_book_t *b, const char *part, vouch_sheet_row_fn *fn, void *arg,
                        long *delivered)
{
    s_sheet_parse_t sp = {.fn = fn, .arg = arg, .col = -1};
    vouch_buf_init(&sp.val);
    vouch_buf_reserve(&sp.val, 64);
    vouch_buf_init(&sp.text);
    int rc = s_parse_part(b, part, true, &sp.p, s_sheet_start, s_sheet_end, s_sheet_chars);
    *delivered = sp.delivered;
    vouch_buf_free(&sp.val);
    vouch_buf_free(&sp.text);
    free(sp.at);
    free(sp.cells);
    return rc;
}

/* --- the workbook -------------------------------------------------------- */

static void s_book_free(s_book_t *b)
{
    s_rels_free(b->rels, b->nrels);
    for (size_t i = 0; i < b->nsheets; i++) {
        free(b->sheets[i].name);
        free(b->sheets[i].rid);
    }
    free(b->sheets);
    free(b->numfmts);
    free(b->xf_fmt);
    free(b->xf_date);
    vouch_buf_free(&b->sst);
    free(b->sst_at);
}

/* The package's relationships name the workbook part; the workbook's name
 * its sheets, styles and shared strings. Falls back on the names Excel uses
 * where a writer left a relationship out. */
static int s_load_book(s_book_t *b)
{
    int rc = -1;
    s_rel_t *root = NULL;
    size_t nroot = 0;
    char *workbook = NULL, *wb_rels = NULL;
    if (s_read_rels(b, "_rels/.rels", false, "", &root, &nroot, NULL) < 0)
        goto free_names;
    const s_rel_t *office = s_rel_by_type(root, nroot, "/officeDocument");
    workbook = vouch_strdup(office ? office->part : "xl/workbook.xml");
    const char *slash = strrchr(workbook, '/');
    size_t dir_len = slash ? (size_t)(slash - workbook + 1) : 0;
    char *dir = vouch_strndup(workbook, dir_len);
    wb_rels = vouch_asprintf("%s_rels/%s.rels", dir, workbook + dir_len);
    s_parse_t p = {0};
    int got = s_parse_part(b, workbook, true, &p, s_workbook_start, s_ignore_end, s_ignore_chars);
    if (got == 0)
        got = s_read_rels(b, wb_rels, true, dir, &b->rels, &b->nrels, &b->caprels);
    free(dir);
    if (got < 0)
        goto free_names;

    const s_rel_t *styles = s_rel_by_type(b->rels, b->nrels, "/styles");
    s_styles_parse_t st = {0};
    if (s_parse_part(b, styles ? styles->part : "xl/styles.xml", false, &st.p, s_styles_start,
                     s_styles_end, s_ignore_chars) < 0)
        goto free_names;
    s_resolve_dates(b);

    const s_rel_t *sst = s_rel_by_type(b->rels, b->nrels, "/sharedStrings");
    s_sst_parse_t sp = {0};
    if (s_parse_part(b, sst ? sst->part : "xl/sharedStrings.xml", false, &sp.p, s_sst_start,
                     s_sst_end, s_sst_chars) < 0)
        goto free_names;
    rc = 0;
free_names:
    s_rels_free(root, nroot);
    free(workbook);
    free(wb_rels);
    return rc;
}

int vouch_sheet_read_xlsx(const char *path, const char *display_name, vouch_sheet_row_fn *fn,
                          void *arg, char *sheet_out, size_t sheet_out_size, vouch_error_t *err)
{
    vouch_error_t scratch;
    s_book_t b = {.display = display_name ? display_name : "", .err = err ? err : &scratch};
    vouch_error_clear(b.err);
    vouch_buf_init(&b.sst);
    vouch_text_copy(sheet_out, sheet_out_size, "", 0);
    int rc = -1, zerr = 0;
    b.zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (!b.zip) {
        if (zerr == ZIP_ER_NOZIP) {
            /* libzip finds no central directory: other bytes, or a zip cut short */
            s_fail(&b, 0, -1, "not an xlsx workbook: not a zip archive, or a truncated one");
        } else {
            zip_error_t ze;
            char why[256];
            zip_error_init_with_code(&ze, zerr);
            s_fail(&b, 0, -1, "cannot open the workbook: %s",
                   s_lower(zip_error_strerror(&ze), why, sizeof why));
            zip_error_fini(&ze);
        }
        return -1;
    }
    if (s_load_book(&b) < 0)
        goto close_zip;
    for (size_t i = 0; i < b.nsheets; i++) {
        const s_rel_t *rel = NULL;
        for (size_t k = 0; k < b.nrels && !rel; k++)
            if (strcmp(b.rels[k].id, b.sheets[i].rid) == 0)
                rel = &b.rels[k];
        /* chart sheets and dialog sheets hold no cells */
        if (!rel || !s_ends_with(rel->type, "/worksheet"))
            continue;
        long delivered = 0;
        if (s_read_sheet(&b, rel->part, fn, arg, &delivered) < 0)
            goto close_zip;
        if (delivered > 0) {
            vouch_text_copy(sheet_out, sheet_out_size, b.sheets[i].name, strlen(b.sheets[i].name));
            rc = 0;
            goto close_zip;
        }
    }
    s_fail(&b, 0, -1, "no sheet holds data");
close_zip:
    zip_discard(b.zip);
    s_book_free(&b);
    return rc;
}
