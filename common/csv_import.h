/* csv_import.h: streaming reader of delimited voucher exports (libcsv).
 * Bytes go in chunk by chunk; complete, validated lines come out through a
 * callback, so no one holds the whole file. The first error stops the reader
 * and names file, line, column and reason. */
#ifndef VOUCH_CSV_IMPORT_H
#define VOUCH_CSV_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "voucher.h"

typedef struct vouch_csv_import_t vouch_csv_import_t;

/* Called once per data line, in file order. line is borrowed for the call only
 * (its text pointers die after it returns). extra_json is a JSON object of the
 * columns that map to no field ("{}" when none), also borrowed.
 * Return 0 to go on, -1 to stop (set err to say why). */
typedef int(vouch_csv_line_fn)(void *arg, const vouch_line_t *line, const char *extra_json,
                               vouch_error_t *err);

typedef struct {
    const char *file_name;    /* for error messages */
    const char *org_override; /* --org at ingest: used when the file has no org column */
    size_t max_field_bytes;   /* 0 = default 64 KiB */
    size_t max_line_bytes;    /* 0 = default 1 MiB */
    long max_lines;           /* 0 = no limit */
} vouch_csv_import_opts_t;

typedef struct {
    long lines;         /* data lines delivered */
    long dropped;       /* summary rows (合计...) dropped */
    long vouchers;      /* voucher changes seen (contiguous runs) */
    int columns_mapped; /* header cells mapped to a field */
    int columns;        /* header cells */
    /* what the file was read as: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE",
     * "GB18030" (and "UTF-16LE (no BOM)"...); "" until known, NULL from the
     * JSON Lines reader; a static string */
    const char *encoding;
    char delimiter;   /* ',', '\t', ';' or '|'; 0 until known */
    long header_line; /* physical line of the header row; 0 until known */
} vouch_csv_import_stats_t;

/* Returns a new reader; fn is called for each line. */
vouch_csv_import_t *vouch_csv_import_new(const vouch_csv_import_opts_t *opts, vouch_csv_line_fn *fn,
                                         void *arg);
void vouch_csv_import_destroy(vouch_csv_import_t **self_p);

/* Feed the next chunk of the file (any size, may split a character or a row).
 * Returns 0, or -1 with err filled (the reader is then finished). */
int vouch_csv_import_feed(vouch_csv_import_t *self, const char *data, size_t len,
                          vouch_error_t *err);

/* End of file: flushes the last row and checks the file held a header and data.
 * Returns 0, or -1 with err filled. */
int vouch_csv_import_finish(vouch_csv_import_t *self, vouch_error_t *err);

/* Instead of feed: one row already split into cells (a workbook's, sheet.h),
 * cells[0..n) UTF-8 text, line the row's number for errors. Header search,
 * mapping, limits and checks are those of delimited text; a reader takes
 * either rows or fed bytes, never both. Returns 0, or -1 with err filled. */
int vouch_csv_import_row(vouch_csv_import_t *self, long line, const char *const *cells, size_t n,
                         vouch_error_t *err);

const vouch_csv_import_stats_t *vouch_csv_import_stats(const vouch_csv_import_t *self);

/* The header row the reader settled on (stats.header_line): *names its cells
 * as written, *fields what each fills (a vouch_csv_field_t, or -1 for a
 * column kept in the line's extra_json). Both borrowed from the reader.
 * Returns the number of cells, 0 while the header is not known. */
int vouch_csv_import_header(const vouch_csv_import_t *self, const char *const **names,
                            const int **fields);

/* Which canonical fields the header mapped, as a bit set over vouch_csv_field_t:
 * rules use it to know whether they can run (coverage). */
uint64_t vouch_csv_import_fields(const vouch_csv_import_t *self);

/* Fields a header may map to: the text fields plus amounts, dates and counts. */
typedef enum {
    VOUCH_F_ORG,
    VOUCH_F_VOUCHER_DATE,
    VOUCH_F_PERIOD,
    VOUCH_F_VOUCHER_WORD,
    VOUCH_F_VOUCHER_NO,
    VOUCH_F_LINE_NO,
    VOUCH_F_SUMMARY,
    VOUCH_F_ACCOUNT_CODE,
    VOUCH_F_ACCOUNT_NAME,
    VOUCH_F_FUNC_CODE,
    VOUCH_F_ECON_CODE,
    VOUCH_F_DEBIT,
    VOUCH_F_CREDIT,
    VOUCH_F_DIRECTION,
    VOUCH_F_AMOUNT,
    VOUCH_F_INDICATOR,
    VOUCH_F_DEPARTMENT,
    VOUCH_F_PROJECT,
    VOUCH_F_CLAIMANT,
    VOUCH_F_PAYEE,
    VOUCH_F_PAYEE_ACCOUNT,
    VOUCH_F_COUNTERPARTY,
    VOUCH_F_PAYMENT_METHOD,
    VOUCH_F_PROCUREMENT_METHOD,
    VOUCH_F_CONTRACT_NO,
    VOUCH_F_INVOICE_NO,
    VOUCH_F_BUSINESS_DATE,
    VOUCH_F_APPROVAL_DATE,
    VOUCH_F_DOCUMENT_DATES,
    VOUCH_F_ATTACHMENTS,
    VOUCH_F_PREPARER,
    VOUCH_F_REVIEWER,
    /* pseudo-fields: they fill other fields rather than one of their own */
    VOUCH_F_AUXILIARY, /* 辅助核算: typed items, 【部门：办公室】 or 部门---01---办公室 */
    VOUCH_F_YEAR, /* 年: with 月 and 日, the date of exports without a date column */
    VOUCH_F_DAY,  /* 日 */
    VOUCH_F_COUNT
} vouch_csv_field_t;

extern const char *const vouch_csv_field_names[VOUCH_F_COUNT];

/* Map one header cell to a field (after NFKC, trimming, dropping '*' and "(元)"):
 * exact alias first, then an auxiliary type alone or before a code/name suffix
 * (职员, 客商-名称, 经济分类—代码), then the longest alias contained in it; short
 * aliases only exactly; a header containing 文号 is never the indicator. A code
 * column of a name field (客商-代码, 部门编码, 收款人编码) maps to nothing, so a
 * code never fills a name. -1 when none. */
int vouch_csv_header_field(const char *header);

#endif
