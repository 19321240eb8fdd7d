/* test_sheet.c: the Excel readers. A 用友 NC 综合查询 export gives the same
 * rows cell for cell in every shape it comes in (shared strings, inline
 * strings, BIFF8 .xls, .xlsx bytes named .xls); every cell type reads as the
 * text a user sees; broken files are refused with a reason, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "alloc.h"
#include "sheet.h"

#define S_EXCEL VOUCH_FIXTURES "/excel/"
#define S_MAX_ROWS 64

typedef struct {
    long row;
    size_t ncells;
    char **cells;
} s_row_t;

typedef struct {
    s_row_t rows[S_MAX_ROWS];
    size_t nrows;
    vouch_buf_t dump; /* every row and cell, to compare readers */
    long stop_at;     /* row at which to refuse, 0 for never */
} s_sink_t;

static int s_collect(void *arg, long row, const char *const *cells, size_t ncells,
                     vouch_error_t *err)
{
    s_sink_t *s = arg;
    if (s->stop_at && row == s->stop_at) {
        vouch_error_set(err, "stopped at the caller's wish");
        return -1;
    }
    vouch_buf_printf(&s->dump, "%ld", row);
    for (size_t i = 0; i < ncells; i++)
        vouch_buf_printf(&s->dump, "\t%s", cells[i]);
    vouch_buf_putc(&s->dump, '\n');
    if (s->nrows < S_MAX_ROWS) {
        s_row_t *r = &s->rows[s->nrows++];
        r->row = row;
        r->ncells = ncells;
        r->cells = vouch_calloc(ncells ? ncells : 1, sizeof *r->cells);
        for (size_t i = 0; i < ncells; i++)
            r->cells[i] = vouch_strdup(cells[i]);
    }
    return 0;
}

static void s_sink_init(s_sink_t *s)
{
    memset(s, 0, sizeof *s);
    vouch_buf_init(&s->dump);
    vouch_buf_puts(&s->dump, "");
}

static void s_sink_free(s_sink_t *s)
{
    for (size_t i = 0; i < s->nrows; i++) {
        for (size_t k = 0; k < s->rows[i].ncells; k++)
            free(s->rows[i].cells[k]);
        free(s->rows[i].cells);
    }
    vouch_buf_free(&s->dump);
    memset(s, 0, sizeof *s);
}

static const s_row_t *s_row(const s_sink_t *s, long row)
{
    for (size_t i = 0; i < s->nrows; i++)
        if (s->rows[i].row == row)
            return &s->rows[i];
    return NULL;
}

/* The text of a cell by its letters ("AB"); "" past the row's last cell. */
static const char *s_cell(const s_sink_t *s, long row, const char *letters)
{
    const s_row_t *r = s_row(s, row);
    assert_non_null(r);
    size_t col = 0;
    for (const char *c = letters; *c; c++)
        col = col * 26 + (size_t)(*c - 'A' + 1);
    col--;
    return col < r->ncells ? r->cells[col] : "";
}

static vouch_sheet_kind_t s_sniff_file(const char *path)
{
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return vouch_sheet_sniff(head, n);
}

/* Reads the file as its bytes say; the sheet's name into sheet. */
static int s_read(const char *path, const char *display, s_sink_t *sink, char *sheet,
                  vouch_error_t *err)
{
    vouch_error_clear(err);
    return vouch_sheet_read(path, s_sniff_file(path), display, s_collect, sink, sheet, 64, err);
}

/* A refusal a user can act on: names the file, says why in lower case. */
static void s_assert_reason(const vouch_error_t *err, const char *display)
{
    assert_string_equal(err->file, display);
    assert_true(err->text[0] != '\0');
    assert_false(err->text[0] >= 'A' && err->text[0] <= 'Z');
    assert_true(err->text[strlen(err->text) - 1] != '.');
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(vouch_sheet_sniff("PK\3\4\24\0\6\0", 8), VOUCH_SHEET_XLSX);
    assert_int_equal(vouch_sheet_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), VOUCH_SHEET_XLS);
    /* too short to tell, or something else */
    assert_int_equal(vouch_sheet_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A", 7), VOUCH_SHEET_NONE);
    assert_int_equal(vouch_sheet_sniff("PK\3", 3), VOUCH_SHEET_NONE);
    assert_int_equal(vouch_sheet_sniff("PK\5\6", 4), VOUCH_SHEET_NONE);
    assert_int_equal(vouch_sheet_sniff("单位名称,凭证日期", 12), VOUCH_SHEET_NONE);
    assert_int_equal(vouch_sheet_sniff("<html><table>", 13), VOUCH_SHEET_NONE);
    assert_int_equal(vouch_sheet_sniff(NULL, 0), VOUCH_SHEET_NONE);
    /* the bytes decide, never the name */
    assert_int_equal(s_sniff_file(S_EXCEL "nc-zhcx.xlsx"), VOUCH_SHEET_XLSX);
    assert_int_equal(s_sniff_file(S_EXCEL "nc-zhcx.xls"), VOUCH_SHEET_XLS);
    assert_int_equal(s_sniff_file(S_EXCEL "nc-zhcx-xlsx-bytes.xls"), VOUCH_SHEET_XLSX);
    assert_int_equal(s_sniff_file(S_EXCEL "broken/not-zip.xlsx"), VOUCH_SHEET_NONE);
}

/* What the NC export must read as, whatever shape it came in. */
static void s_assert_nc_rows(const s_sink_t *s)
{
    /* two title rows, the header (row 3 is blank and skipped), 20 lines, the total */
    assert_int_equal(s->nrows, 24);
    assert_int_equal(s->rows[0].row, 1);
    assert_string_equal(s_cell(s, 1, "A"), "永州市人力资源和社会保障局序时账");
    assert_int_equal(s->rows[0].ncells, 1); /* the merged title's other cells are blank */
    assert_string_equal(s_cell(s, 2, "A"), "2022年1月-12月  单位：元");
    assert_null(s_row(s, 3));

    /* the header is row 4 */
    const s_row_t *h = s_row(s, 4);
    assert_int_equal(h->ncells, 18);
    const char *header[] = {"核算账簿名称",   "日期",           "凭证号",         "分录号",
                            "摘要",           "科目编码",       "科目名称",       "借方-本币",
                            "贷方-本币",      "客商－代码",     "客商－名称",     "人员档案－代码",
                            "人员档案－名称", "经济分类－代码", "经济分类－名称", "预算指标",
                            "审批日期",       "业务日期"};
    for (size_t i = 0; i < 18; i++)
        assert_string_equal(h->cells[i], header[i]);

    /* 记-23: the rented meeting room booked as 公务接待费 */
    assert_string_equal(s_cell(s, 13, "A"), "永州市人力资源和社会保障局");
    assert_string_equal(s_cell(s, 13, "B"), "2022-04-20"); /* serial 44671, yyyy-mm-dd */
    assert_string_equal(s_cell(s, 13, "C"), " 23");        /* NC's padding kept */
    assert_string_equal(s_cell(s, 13, "D"), "1");
    assert_string_equal(s_cell(s, 13, "E"), "接待省人社厅领导调研租赁会议室");
    assert_string_equal(s_cell(s, 13, "F"), "5001");
    assert_string_equal(s_cell(s, 13, "H"), "4000"); /* a number, never "4,000.00" */
    assert_string_equal(s_cell(s, 13, "I"), "");     /* a gap */
    assert_string_equal(s_cell(s, 13, "J"), "0100024");
    assert_string_equal(s_cell(s, 13, "K"), "永州宾馆");
    assert_string_equal(s_cell(s, 13, "N"), "30217");
    assert_string_equal(s_cell(s, 13, "O"), "公务接待费");
    assert_string_equal(s_cell(s, 13, "Q"), "2022-04-18"); /* yyyy"年"m"月"d"日" */
    assert_string_equal(s_cell(s, 13, "R"), "2022-04-19"); /* built-in format 14 */
    /* its credit line: trailing blank cells are not counted */
    assert_int_equal(s_row(s, 14)->ncells, 9);
    assert_string_equal(s_cell(s, 14, "I"), "4000");

    /* 记-29: 835,000.00 in the CSV, a number here */
    assert_string_equal(s_cell(s, 11, "C"), " 29");
    assert_string_equal(s_cell(s, 11, "H"), "835000");
    assert_string_equal(s_cell(s, 11, "Q"), "2021-11-15");
    /* a trip with cents; a claimant in the 人员档案 pair */
    assert_string_equal(s_cell(s, 9, "H"), "3333.1");
    assert_string_equal(s_cell(s, 9, "L"), "001001");
    assert_string_equal(s_cell(s, 9, "M"), "何春生");
    /* 记-51, 记-52 and the five payees of 记-78 */
    assert_string_equal(s_cell(s, 15, "C"), " 51");
    assert_string_equal(s_cell(s, 17, "H"), "1995");
    assert_string_equal(s_cell(s, 22, "K"), "红网永州分站");
    assert_string_equal(s_cell(s, 24, "I"), "735000");

    /* the total is a row like any other: dropping it is the importer's job */
    const s_row_t *total = s_row(s, 25);
    assert_non_null(total);
    assert_int_equal(total->ncells, 9);
    assert_string_equal(s_cell(s, 25, "A"), "");
    assert_string_equal(s_cell(s, 25, "E"), "总  计");
    assert_string_equal(s_cell(s, 25, "H"), "2549193.1");
    assert_string_equal(s_cell(s, 25, "I"), "2549193.1");
}

static void test_nc_shared_strings(void **state)
{
    (void)state;
    s_sink_t s;
    s_sink_init(&s);
    vouch_error_t err;
    char sheet[64];
    /* the empty Sheet1 comes first; the data is on the second sheet */
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xlsx", "序时账.xlsx", &s, sheet, &err), 0);
    assert_string_equal(sheet, "序时账");
    s_assert_nc_rows(&s);
    s_sink_free(&s);
}

static bool s_zip_has(const char *path, const char *name)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    bool has = zip_name_locate(z, name, 0) >= 0;
    zip_discard(z);
    return has;
}

static void test_nc_every_shape_agrees(void **state)
{
    (void)state;
    s_sink_t ref, other;
    vouch_error_t err;
    char sheet[64];
    s_sink_init(&ref);
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xlsx", "a.xlsx", &ref, sheet, &err), 0);
    /* inline strings (the fixture really has no shared strings table), BIFF8,
     * and .xlsx bytes under an .xls name */
    assert_false(s_zip_has(S_EXCEL "nc-zhcx-inline.xlsx", "xl/sharedStrings.xml"));
    assert_true(s_zip_has(S_EXCEL "nc-zhcx.xlsx", "xl/sharedStrings.xml"));
    const char *shapes[] = {"nc-zhcx-inline.xlsx", "nc-zhcx.xls", "nc-zhcx-xlsx-bytes.xls"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", S_EXCEL, shapes[i]);
        s_sink_init(&other);
        assert_int_equal(s_read(path, shapes[i], &other, sheet, &err), 0);
        assert_string_equal(sheet, "序时账");
        s_assert_nc_rows(&other);
        assert_string_equal(other.dump.data, ref.dump.data); /* cell for cell */
        s_sink_free(&other);
    }
    s_sink_free(&ref);
}

static void test_cell_types(void **state)
{
    (void)state;
    s_sink_t s;
    s_sink_init(&s);
    vouch_error_t err;
    char sheet[64];
    /* sheet 1 holds only formatting and white space, sheet 3 comes too late */
    assert_int_equal(s_read(S_EXCEL "types.xlsx", "types.xlsx", &s, sheet, &err), 0);
    assert_string_equal(sheet, "类型");
    assert_int_equal(s.nrows, 6);
    assert_null(strstr(s.dump.data, "不应读到"));

    /* shared strings: rich-text runs joined, the phonetic run left out, _xHHHH_
     * escapes decoded (and _x005F_ for a literal "_x"), entities */
    assert_string_equal(s_cell(&s, 1, "A"), "摘要");
    assert_string_equal(s_cell(&s, 1, "B"), "第一行\r\n第二行");
    assert_string_equal(s_cell(&s, 1, "C"), "a_x0041_b");
    assert_string_equal(s_cell(&s, 1, "D"), "<&>");

    /* cells without r go to the next column; formula results; booleans; errors */
    assert_string_equal(s_cell(&s, 3, "A"), " 12");
    assert_string_equal(s_cell(&s, 3, "B"), "4000");
    assert_string_equal(s_cell(&s, 3, "C"), "");
    assert_string_equal(s_cell(&s, 3, "E"), "记-23");
    assert_string_equal(s_cell(&s, 3, "F"), "TRUE");
    assert_string_equal(s_cell(&s, 3, "G"), "#N/A");
    assert_string_equal(s_cell(&s, 3, "H"), "FALSE");
    assert_string_equal(s_cell(&s, 3, "I"), "4000");

    /* a row without r follows row 3; numbers as Excel shows them, never 1E+19 */
    const char *numbers[] = {
        "1234.56", "835000", "835000.5", "-12.3", "0.3", "123456789012345", "43001550061052500000",
        "0.00001", "0",      "",         "1995"};
    const s_row_t *r4 = s_row(&s, 4);
    assert_non_null(r4);
    assert_int_equal(r4->ncells, 11);
    for (size_t i = 0; i < 11; i++)
        assert_string_equal(r4->cells[i], numbers[i]);

    /* dates by format: built-in 14, yyyy"年"m"月"d"日", [$-F800]dddd..., the
     * 1900 leap-year bug, zh-CN built-in 31, ISO t="d"; not dates: [Red] and
     * "元/d" (brackets and quotes), h:mm, serials below 1; built-in 22
     * redefined by the file as 0.00; of two codes for one id, the later */
    const char *dates[] = {"2022-04-20", "2022-04-20", "2022-04-20", "1900-02-28",
                           "1900-02-29", "1900-03-01", "1900-01-01", "2022-04-20",
                           "2022-04-20", "44671",      "44671",      "0.5",
                           "0.25",       "-5",         "44671",      "2022-04-20"};
    const s_row_t *r5 = s_row(&s, 5);
    assert_int_equal(r5->ncells, 16);
    for (size_t i = 0; i < 16; i++)
        assert_string_equal(r5->cells[i], dates[i]);

    /* inline rich text; two-letter columns; the last column Excel has */
    const s_row_t *r7 = s_row(&s, 7);
    assert_int_equal(r7->ncells, VOUCH_SHEET_COLS_MAX);
    assert_string_equal(s_cell(&s, 7, "A"), "永州宾馆");
    assert_string_equal(s_cell(&s, 7, "AB"), "AB");
    assert_string_equal(s_cell(&s, 7, "XFD"), "last");
    assert_string_equal(s_cell(&s, 7, "B"), "");
    /* and the last row */
    assert_string_equal(s_cell(&s, VOUCH_SHEET_ROWS_MAX, "A"), "end");
    s_sink_free(&s);
}

static void test_caller_stops(void **state)
{
    (void)state;
    const char *files[] = {S_EXCEL "nc-zhcx.xlsx", S_EXCEL "nc-zhcx.xls"};
    for (size_t i = 0; i < 2; i++) {
        s_sink_t s;
        s_sink_init(&s);
        s.stop_at = 5;
        vouch_error_t err;
        char sheet[64];
        assert_int_equal(s_read(files[i], "ledger", &s, sheet, &err), -1);
        assert_int_equal(s.nrows, 3); /* rows 1, 2, 4 */
        /* the caller's reason, with the file and row filled in */
        assert_string_equal(err.text, "stopped at the caller's wish");
        assert_string_equal(err.file, "ledger");
        assert_int_equal(err.line, 5);
        assert_string_equal(sheet, "");
        s_sink_free(&s);
    }
}

typedef struct {
    const char *file;
    vouch_sheet_kind_t kind; /* VOUCH_SHEET_NONE: as the bytes say */
    long line;
    const char *column;
    const char *reason; /* a part of the text */
} s_broken_t;

static void test_broken_files_refused(void **state)
{
    (void)state;
    const s_broken_t cases[] = {
        {"broken/truncated.xlsx", VOUCH_SHEET_NONE, 0, "", "a truncated one"},
        {"broken/not-zip.xlsx", VOUCH_SHEET_XLSX, 0, "", "not a zip archive"},
        {"broken/no-workbook.xlsx", VOUCH_SHEET_NONE, 0, "", "xl/workbook.xml is missing"},
        {"broken/bad-sheet-xml.xlsx", VOUCH_SHEET_NONE, 7, "",
         "malformed xml in xl/worksheets/sheet2.xml (xml line 2): not well-formed"},
        {"broken/corrupt-entry.xlsx", VOUCH_SHEET_NONE, 0, "",
         "xl/worksheets/sheet2.xml is damaged in the zip"},
        {"broken/wide.xlsx", VOUCH_SHEET_NONE, 1, "XFE", "more than 16384 columns"},
        {"broken/big-cell.xlsx", VOUCH_SHEET_NONE, 2, "B", "the cell is over 64 KiB"},
        {"broken/bad-sst-index.xlsx", VOUCH_SHEET_NONE, 3, "C", "shared string 999 is not in"},
        {"broken/not-number.xlsx", VOUCH_SHEET_NONE, 2, "D", "\"12,3a4\" is not a number"},
        {"broken/rows-out-of-order.xlsx", VOUCH_SHEET_NONE, 2, "",
         "row 2 comes after row 3: the rows are out of order"},
        {"broken/empty.xlsx", VOUCH_SHEET_NONE, 0, "", "no sheet holds data"},
        {"broken/truncated.xls", VOUCH_SHEET_NONE, 0, "", "truncated"},
        {"broken/garbage.xls", VOUCH_SHEET_NONE, 0, "", "not an xls workbook"},
        {"broken/not-zip.xlsx", VOUCH_SHEET_NONE, 0, "", "not an excel workbook"},
        /* a caller that trusts the name instead of the bytes is refused, not crashed */
        {"nc-zhcx-xlsx-bytes.xls", VOUCH_SHEET_XLS, 0, "", "not an xls workbook"},
        {"nc-zhcx.xls", VOUCH_SHEET_XLSX, 0, "", "not a zip archive"},
        {"no-such-file.xlsx", VOUCH_SHEET_XLSX, 0, "", "cannot open the workbook"},
        {"no-such-file.xls", VOUCH_SHEET_XLS, 0, "", "cannot open the file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const s_broken_t *c = &cases[i];
        char path[512];
        snprintf(path, sizeof path, "%s%s", S_EXCEL, c->file);
        vouch_sheet_kind_t kind = c->kind;
        if (kind == VOUCH_SHEET_NONE && access(path, R_OK) == 0)
            kind = s_sniff_file(path);
        s_sink_t s;
        s_sink_init(&s);
        vouch_error_t err;
        char sheet[64] = "x";
        int rc = vouch_sheet_read(path, kind, c->file, s_collect, &s, sheet, sizeof sheet, &err);
        if (rc != -1 || !strstr(err.text, c->reason))
            fail_msg("%s: rc %d, \"%s\"", c->file, rc, err.text);
        s_assert_reason(&err, c->file);
        assert_int_equal(err.line, c->line);
        assert_string_equal(err.column, c->column);
        assert_string_equal(sheet, "");
        s_sink_free(&s);
    }
}

static void test_number_text(void **state)
{
    (void)state;
    char out[VOUCH_SHEET_NUMBER_SIZE];
    assert_string_equal(vouch_sheet_number_text(1234.5599999999999, out), "1234.56");
    assert_string_equal(vouch_sheet_number_text(835000, out), "835000");
    assert_string_equal(vouch_sheet_number_text(835000.5, out), "835000.5");
    assert_string_equal(vouch_sheet_number_text(0.1 + 0.2, out), "0.3");
    assert_string_equal(vouch_sheet_number_text(-0.0, out), "0");
    assert_string_equal(vouch_sheet_number_text(-12.3, out), "-12.3");
    assert_string_equal(vouch_sheet_number_text(999999999999999.0, out), "999999999999999");
    assert_string_equal(vouch_sheet_number_text(1e15, out), "1000000000000000");
    assert_string_equal(vouch_sheet_number_text(123456789012345678.0, out), "123456789012346000");
    assert_string_equal(vouch_sheet_number_text(-1.5e-7, out), "-0.00000015");
    assert_string_equal(vouch_sheet_number_text(0.0001, out), "0.0001");
    assert_string_equal(vouch_sheet_number_text(NAN, out), "0");
    /* the widest there is still fits */
    vouch_sheet_number_text(-1.7976931348623157e308, out);
    assert_int_equal(strlen(out), 310);
    vouch_sheet_number_text(-2.2250738585072014e-308, out);
    assert_int_equal(strncmp(out, "-0.000", 6), 0);
    assert_true(strlen(out) < VOUCH_SHEET_NUMBER_SIZE);
}

static void test_serial_date(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(vouch_sheet_serial_date(44671, false, out), 0);
    assert_string_equal(out, "2022-04-20");
    assert_int_equal(vouch_sheet_serial_date(44671.75, false, out), 0);
    assert_string_equal(out, "2022-04-20");
    /* a millisecond before midnight is shown as the next day, as Excel does */
    assert_int_equal(vouch_sheet_serial_date(44671.999999999, false, out), 0);
    assert_string_equal(out, "2022-04-21");
    assert_int_equal(vouch_sheet_serial_date(1, false, out), 0);
    assert_string_equal(out, "1900-01-01");
    assert_int_equal(vouch_sheet_serial_date(59, false, out), 0);
    assert_string_equal(out, "1900-02-28");
    assert_int_equal(vouch_sheet_serial_date(60, false, out), 0);
    assert_string_equal(out, "1900-02-29");
    assert_int_equal(vouch_sheet_serial_date(61, false, out), 0);
    assert_string_equal(out, "1900-03-01");
    assert_int_equal(vouch_sheet_serial_date(2958465, false, out), 0);
    assert_string_equal(out, "9999-12-31");
    assert_int_equal(vouch_sheet_serial_date(2958466, false, out), -1);
    assert_int_equal(vouch_sheet_serial_date(0.5, false, out), -1);
    assert_int_equal(vouch_sheet_serial_date(-1, false, out), -1);
    assert_int_equal(vouch_sheet_serial_date(NAN, false, out), -1);
    assert_int_equal(vouch_sheet_serial_date(INFINITY, false, out), -1);
    /* the Mac epoch */
    assert_int_equal(vouch_sheet_serial_date(0, true, out), 0);
    assert_string_equal(out, "1904-01-01");
    assert_int_equal(vouch_sheet_serial_date(44671 - 1462, true, out), 0);
    assert_string_equal(out, "2022-04-20");
    assert_int_equal(vouch_sheet_serial_date(-1, true, out), -1);
}

/* --- mutation fuzz: random damage is refused or read, never a crash ------ */

/* FreeXL 1.0.6 leaks a few bytes inside freexl_open on some damaged files,
 * even though the reader closes every handle it gets; the fuzz finds them.
 * LeakSanitizer asks the program for suppressions through this hook, so the
 * test says which leaks are the library's and still catches ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfreexl.so\n";
}

static uint64_t s_rand_state;

static uint32_t s_rand(void)
{
    /* xorshift64*: the same sequence on every run */
    s_rand_state ^= s_rand_state >> 12;
    s_rand_state ^= s_rand_state << 25;
    s_rand_state ^= s_rand_state >> 27;
    return (uint32_t)((s_rand_state * 2685821657736338717ULL) >> 32);
}

static char *s_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    vouch_buf_t b;
    vouch_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        vouch_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

static void s_spew(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void s_flip(char *data, size_t len, int flips)
{
    for (int k = 0; k < flips; k++)
        data[s_rand() % len] ^= (char)(1 + s_rand() % 255);
}

/* One read of a damaged file: 0, or -1 with a reason. */
static int s_fuzz_read(const char *path, vouch_sheet_kind_t kind)
{
    s_sink_t s;
    s_sink_init(&s);
    vouch_error_t err;
    char sheet[64];
    int rc = vouch_sheet_read(path, kind, "fuzz", s_collect, &s, sheet, sizeof sheet, &err);
    if (rc != 0) {
        assert_int_equal(rc, -1);
        s_assert_reason(&err, "fuzz");
    }
    s_sink_free(&s);
    return rc;
}

/* Byte flips anywhere in the file: mostly the zip's checks catch them. */
static void test_fuzz_file_bytes(void **state)
{
    (void)state;
    char tmp[] = "/tmp/vouch-sheet-fuzz-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    const char *files[] = {S_EXCEL "nc-zhcx.xlsx", S_EXCEL "nc-zhcx.xls"};
    const vouch_sheet_kind_t kinds[] = {VOUCH_SHEET_XLSX, VOUCH_SHEET_XLS};
    for (size_t f = 0; f < 2; f++) {
        size_t len;
        char *orig = s_slurp(files[f], &len);
        char *data = vouch_malloc(len);
        int ok = 0, refused = 0;
        s_rand_state = 0x9E3779B97F4A7C15ULL + f;
        for (int i = 0; i < 300; i++) {
            memcpy(data, orig, len);
            s_flip(data, len, 1 + (int)(s_rand() % 8));
            s_spew(tmp, data, len);
            if (s_fuzz_read(tmp, kinds[f]) == 0)
                ok++;
            else
                refused++;
        }
        /* both outcomes happen, so both paths were walked */
        assert_true(ok > 0);
        assert_true(refused > 0);
        free(data);
        free(orig);
    }
    unlink(tmp);
}

/* Byte flips inside the XML parts, zipped again so that the zip's CRCs
 * pass and expat and the handlers see the damage. */
static void test_fuzz_xml_parts(void **state)
{
    (void)state;
    int zerr;
    zip_t *src = zip_open(S_EXCEL "nc-zhcx.xlsx", ZIP_RDONLY, &zerr);
    assert_non_null(src);
    zip_int64_t n = zip_get_num_entries(src, 0);
    assert_true(n > 0 && n < 32);
    char *names[32], *parts[32];
    size_t sizes[32];
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(src, (zip_uint64_t)i, 0, &st), 0);
        names[i] = vouch_strdup(st.name);
        sizes[i] = (size_t)st.size;
        parts[i] = vouch_malloc(sizes[i] + 1);
        zip_file_t *zf = zip_fopen_index(src, (zip_uint64_t)i, 0);
        assert_non_null(zf);
        assert_int_equal(zip_fread(zf, parts[i], st.size), (zip_int64_t)st.size);
        zip_fclose(zf);
    }
    zip_discard(src);

    char tmp[] = "/tmp/vouch-sheet-fuzz-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    int ok = 0, refused = 0;
    s_rand_state = 0xC0FFEE;
    for (int iter = 0; iter < 300; iter++) {
        zip_int64_t victim = (zip_int64_t)(s_rand() % (uint32_t)n);
        zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
        assert_non_null(z);
        for (zip_int64_t i = 0; i < n; i++) {
            char *copy = vouch_malloc(sizes[i] + 1);
            memcpy(copy, parts[i], sizes[i]);
            if (i == victim && sizes[i] > 0) {
                /* flips, or an XML special character dropped in */
                if (s_rand() % 2)
                    s_flip(copy, sizes[i], 1 + (int)(s_rand() % 4));
                else
                    copy[s_rand() % sizes[i]] = "<>&\"'/="[s_rand() % 7];
            }
            zip_source_t *zs = zip_source_buffer(z, copy, sizes[i], 1);
            assert_non_null(zs);
            assert_true(zip_file_add(z, names[i], zs, ZIP_FL_OVERWRITE) >= 0);
        }
        assert_int_equal(zip_close(z), 0);
        if (s_fuzz_read(tmp, VOUCH_SHEET_XLSX) == 0)
            ok++;
        else
            refused++;
    }
    assert_true(ok > 0);
    assert_true(refused > 0);
    unlink(tmp);
    for (zip_int64_t i = 0; i < n; i++) {
        free(names[i]);
        free(parts[i]);
    }
}

/* .xls through the vouch-xls helper (sheet_isolate.c): the same rows, cell
 * for cell, as FreeXL gives in this process; the caller's stop and the
 * helper's refusals come back as they would; a helper that dies costs the
 * file, with a reason, never this process. */
static void test_xls_isolated(void **state)
{
    (void)state;
    s_sink_t ref, iso;
    vouch_error_t err;
    char sheet[64];
    s_sink_init(&ref);
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xls", "a.xls", &ref, sheet, &err), 0);
    vouch_sheet_isolate_xls(VOUCH_BIN_DIR "/vouch-xls");
    s_sink_init(&iso);
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xls", "a.xls", &iso, sheet, &err), 0);
    assert_string_equal(sheet, "序时账");
    assert_string_equal(iso.dump.data, ref.dump.data);
    s_sink_free(&iso);

    s_sink_init(&iso);
    iso.stop_at = 5;
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xls", "ledger", &iso, sheet, &err), -1);
    assert_string_equal(err.text, "stopped at the caller's wish");
    assert_int_equal(err.line, 5);
    assert_string_equal(err.file, "ledger");
    s_sink_free(&iso);

    s_sink_init(&iso);
    assert_int_equal(s_read(S_EXCEL "broken/truncated.xls", "t.xls", &iso, sheet, &err), -1);
    assert_non_null(strstr(err.text, "truncated"));
    assert_string_equal(err.file, "t.xls");
    s_sink_free(&iso);

    /* a helper that crashes, and one that says nothing */
    char crash[64];
    snprintf(crash, sizeof crash, "/tmp/vouch-xls-crash-%d", (int)getpid());
    FILE *f = fopen(crash, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nkill -SEGV $$\n", f);
    fclose(f);
    chmod(crash, 0700);
    vouch_sheet_isolate_xls(crash);
    s_sink_init(&iso);
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xls", "c.xls", &iso, sheet, &err), -1);
    assert_non_null(strstr(err.text, "made its reader fail (signal 11)"));
    assert_string_equal(err.file, "c.xls");
    s_sink_free(&iso);
    vouch_sheet_isolate_xls("/bin/true");
    s_sink_init(&iso);
    assert_int_equal(s_read(S_EXCEL "nc-zhcx.xls", "e.xls", &iso, sheet, &err), -1);
    assert_non_null(strstr(err.text, "could not be read to its end"));
    s_sink_free(&iso);
    unlink(crash);
    vouch_sheet_isolate_xls(NULL);
    s_sink_free(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_nc_shared_strings),
        cmocka_unit_test(test_nc_every_shape_agrees),
        cmocka_unit_test(test_cell_types),
        cmocka_unit_test(test_caller_stops),
        cmocka_unit_test(test_xls_isolated),
        cmocka_unit_test(test_broken_files_refused),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_serial_date),
        cmocka_unit_test(test_fuzz_file_bytes),
        cmocka_unit_test(test_fuzz_xml_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
