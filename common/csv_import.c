/* csv_import.c: the streaming reader of delimited voucher exports. Bytes pass
 * decode (BOM, UTF-8 or GB18030, UTF-16) -> delimiter sniff -> libcsv ->
 * header search -> line builder; only the current record (and, until the
 * header is found, the first 20) is ever held, so memory is flat in file size. */
#include "csv_import.h"

#include <csv.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "decode.h"
#include "money.h"
#include "text.h"

#define S_HEADER_SCAN 20    /* records searched for the header */
#define S_SNIFF_LINES 20    /* lines the delimiter sniff looks at */
#define S_SNIFF_BYTES 65536 /* ... within this many bytes */
#define S_PIECE 65536       /* most bytes handed to libcsv at once */
#define S_FIELD_DEFAULT 65536
#define S_LINE_DEFAULT (1024 * 1024)
#define S_WORD_SZ 64
/* the 20 of S_HEADER_SCAN, spelled out for the message */
#define S_NO_HEADER "no header row: no row among the first 20 names at least three known columns"
#define S_QUOTE_MAX 80 /* bytes of a bad cell quoted in an error */

/* libcsv's parser state for "between records": csv.h exposes the struct but
 * not the constant (0 in every libcsv 3.x). We read it to learn on which
 * physical line a record starts. */
#define S_CSV_ROW_NOT_BEGUN 0

const char *const vouch_csv_field_names[VOUCH_F_COUNT] = {
    [VOUCH_F_ORG] = "org",
    [VOUCH_F_VOUCHER_DATE] = "voucher_date",
    [VOUCH_F_PERIOD] = "period",
    [VOUCH_F_VOUCHER_WORD] = "voucher_word",
    [VOUCH_F_VOUCHER_NO] = "voucher_no",
    [VOUCH_F_LINE_NO] = "line_no",
    [VOUCH_F_SUMMARY] = "summary",
    [VOUCH_F_ACCOUNT_CODE] = "account_code",
    [VOUCH_F_ACCOUNT_NAME] = "account_name",
    [VOUCH_F_FUNC_CODE] = "func_code",
    [VOUCH_F_ECON_CODE] = "econ_code",
    [VOUCH_F_DEBIT] = "debit",
    [VOUCH_F_CREDIT] = "credit",
    [VOUCH_F_DIRECTION] = "direction",
    [VOUCH_F_AMOUNT] = "amount",
    [VOUCH_F_INDICATOR] = "indicator",
    [VOUCH_F_DEPARTMENT] = "department",
    [VOUCH_F_PROJECT] = "project",
    [VOUCH_F_CLAIMANT] = "claimant",
    [VOUCH_F_PAYEE] = "payee",
    [VOUCH_F_PAYEE_ACCOUNT] = "payee_account",
    [VOUCH_F_COUNTERPARTY] = "counterparty",
    [VOUCH_F_PAYMENT_METHOD] = "payment_method",
    [VOUCH_F_PROCUREMENT_METHOD] = "procurement_method",
    [VOUCH_F_CONTRACT_NO] = "contract_no",
    [VOUCH_F_INVOICE_NO] = "invoice_no",
    [VOUCH_F_BUSINESS_DATE] = "business_date",
    [VOUCH_F_APPROVAL_DATE] = "approval_date",
    [VOUCH_F_DOCUMENT_DATES] = "document_dates",
    [VOUCH_F_ATTACHMENTS] = "attachments",
    [VOUCH_F_PREPARER] = "preparer",
    [VOUCH_F_REVIEWER] = "reviewer",
    [VOUCH_F_AUXILIARY] = "auxiliary",
    [VOUCH_F_YEAR] = "year",
    [VOUCH_F_DAY] = "day",
};

/* ---------------------------------------------------------------------------
 * Header aliases: VOUCHER-FORMAT.md "Canonical fields and the headers that
 * mean them", as data. Aliases are written folded (NFKC, no white space).
 * S_EXACT aliases are too short to look for inside a longer header: 日期 must
 * not make 发票日期 the voucher date. To teach vouch a new export, add rows. */

typedef enum { S_CONTAINS = 0, S_EXACT = 1 } s_match_t;

static const struct {
    vouch_csv_field_t field;
    const char *alias;
    s_match_t match;
} s_aliases[] = {
    {VOUCH_F_ORG, "单位名称", S_CONTAINS},
    {VOUCH_F_ORG, "单位", S_EXACT},
    {VOUCH_F_ORG, "核算单位", S_CONTAINS},
    {VOUCH_F_ORG, "核算账簿名称", S_CONTAINS},
    {VOUCH_F_ORG, "账簿名称", S_CONTAINS},
    {VOUCH_F_ORG, "账套名称", S_CONTAINS},
    {VOUCH_F_ORG, "公司", S_EXACT},

    {VOUCH_F_VOUCHER_DATE, "凭证日期", S_CONTAINS},
    {VOUCH_F_VOUCHER_DATE, "记账日期", S_CONTAINS},
    {VOUCH_F_VOUCHER_DATE, "制单日期", S_CONTAINS},
    {VOUCH_F_VOUCHER_DATE, "日期", S_EXACT},

    {VOUCH_F_PERIOD, "会计期间", S_CONTAINS},
    {VOUCH_F_PERIOD, "会计月份", S_CONTAINS},
    {VOUCH_F_PERIOD, "期间", S_EXACT},
    {VOUCH_F_PERIOD, "月份", S_EXACT},
    {VOUCH_F_PERIOD, "月", S_EXACT},

    {VOUCH_F_VOUCHER_WORD, "凭证字", S_CONTAINS},
    {VOUCH_F_VOUCHER_WORD, "凭证类别字", S_CONTAINS},
    {VOUCH_F_VOUCHER_WORD, "凭证类别", S_CONTAINS},
    {VOUCH_F_VOUCHER_WORD, "凭证类型", S_CONTAINS},

    {VOUCH_F_VOUCHER_NO, "凭证号", S_CONTAINS},
    {VOUCH_F_VOUCHER_NO, "凭证号码", S_CONTAINS},
    {VOUCH_F_VOUCHER_NO, "凭证编号", S_CONTAINS},
    {VOUCH_F_VOUCHER_NO, "凭证字号", S_CONTAINS},
    {VOUCH_F_VOUCHER_NO, "凭证号数", S_CONTAINS},

    {VOUCH_F_LINE_NO, "分录号", S_CONTAINS},
    {VOUCH_F_LINE_NO, "分录序号", S_CONTAINS},
    {VOUCH_F_LINE_NO, "行号", S_CONTAINS},
    {VOUCH_F_LINE_NO, "序号", S_EXACT},

    {VOUCH_F_SUMMARY, "摘要", S_CONTAINS},
    {VOUCH_F_SUMMARY, "凭证摘要", S_CONTAINS},
    {VOUCH_F_SUMMARY, "分录摘要", S_CONTAINS},
    {VOUCH_F_SUMMARY, "业务说明", S_CONTAINS},

    {VOUCH_F_ACCOUNT_CODE, "科目编码", S_CONTAINS},
    {VOUCH_F_ACCOUNT_CODE, "科目代码", S_CONTAINS},
    {VOUCH_F_ACCOUNT_CODE, "科目编号", S_CONTAINS},
    {VOUCH_F_ACCOUNT_CODE, "会计科目编码", S_CONTAINS},
    {VOUCH_F_ACCOUNT_CODE, "会计科目", S_EXACT},
    {VOUCH_F_ACCOUNT_CODE, "科目", S_EXACT},
    {VOUCH_F_ACCOUNT_NAME, "科目名称", S_CONTAINS},
    {VOUCH_F_ACCOUNT_NAME, "会计科目名称", S_CONTAINS},
    {VOUCH_F_ACCOUNT_NAME, "科目全名", S_CONTAINS},

    {VOUCH_F_FUNC_CODE, "功能分类科目", S_CONTAINS},
    {VOUCH_F_FUNC_CODE, "支出功能分类科目", S_CONTAINS},
    {VOUCH_F_FUNC_CODE, "功能分类", S_CONTAINS},
    {VOUCH_F_FUNC_CODE, "功能科目", S_CONTAINS},
    {VOUCH_F_FUNC_CODE, "预算科目", S_CONTAINS},

    {VOUCH_F_ECON_CODE, "经济分类科目", S_CONTAINS},
    {VOUCH_F_ECON_CODE, "部门经济分类", S_CONTAINS},
    {VOUCH_F_ECON_CODE, "支出经济分类科目", S_CONTAINS},
    {VOUCH_F_ECON_CODE, "经济分类", S_CONTAINS},
    {VOUCH_F_ECON_CODE, "经济科目", S_CONTAINS},

    {VOUCH_F_DEBIT, "借方金额", S_CONTAINS},
    {VOUCH_F_DEBIT, "借方", S_EXACT},
    {VOUCH_F_DEBIT, "借方发生额", S_CONTAINS},
    {VOUCH_F_DEBIT, "借方-本币", S_CONTAINS},
    {VOUCH_F_DEBIT, "借方(本币)", S_CONTAINS},
    {VOUCH_F_DEBIT, "本币借方", S_CONTAINS},
    {VOUCH_F_CREDIT, "贷方金额", S_CONTAINS},
    {VOUCH_F_CREDIT, "贷方", S_EXACT},
    {VOUCH_F_CREDIT, "贷方发生额", S_CONTAINS},
    {VOUCH_F_CREDIT, "贷方-本币", S_CONTAINS},
    {VOUCH_F_CREDIT, "贷方(本币)", S_CONTAINS},
    {VOUCH_F_CREDIT, "本币贷方", S_CONTAINS},

    {VOUCH_F_DIRECTION, "方向", S_EXACT},
    {VOUCH_F_DIRECTION, "借贷方向", S_CONTAINS},
    {VOUCH_F_DIRECTION, "借贷", S_EXACT},
    {VOUCH_F_AMOUNT, "金额", S_CONTAINS},
    {VOUCH_F_AMOUNT, "发生额", S_CONTAINS},

    {VOUCH_F_INDICATOR, "预算指标", S_CONTAINS},
    {VOUCH_F_INDICATOR, "指标名称", S_CONTAINS},
    {VOUCH_F_INDICATOR, "指标", S_EXACT},
    {VOUCH_F_INDICATOR, "用款指标", S_CONTAINS},
    {VOUCH_F_INDICATOR, "预算项目", S_CONTAINS},

    {VOUCH_F_DEPARTMENT, "部门", S_EXACT},
    {VOUCH_F_DEPARTMENT, "部门名称", S_CONTAINS},
    {VOUCH_F_DEPARTMENT, "核算部门", S_CONTAINS},

    {VOUCH_F_PROJECT, "项目", S_EXACT},
    {VOUCH_F_PROJECT, "项目名称", S_CONTAINS},

    {VOUCH_F_CLAIMANT, "报销人", S_CONTAINS},
    {VOUCH_F_CLAIMANT, "申请人", S_CONTAINS},
    {VOUCH_F_CLAIMANT, "借款人", S_CONTAINS},

    {VOUCH_F_PAYEE, "收款人", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款人全称", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款人名称", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款单位", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款方", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款账户名称", S_CONTAINS},
    {VOUCH_F_PAYEE, "收款人账户名称", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款账号", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款人账号", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款账户", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款人账户", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款人银行账号", S_CONTAINS},
    {VOUCH_F_PAYEE_ACCOUNT, "收款银行账号", S_CONTAINS},

    {VOUCH_F_COUNTERPARTY, "供应商", S_CONTAINS},
    {VOUCH_F_COUNTERPARTY, "客商", S_CONTAINS},
    {VOUCH_F_COUNTERPARTY, "往来单位", S_CONTAINS},
    {VOUCH_F_COUNTERPARTY, "对方单位", S_CONTAINS},

    {VOUCH_F_PAYMENT_METHOD, "结算方式", S_CONTAINS},
    {VOUCH_F_PAYMENT_METHOD, "支付方式", S_CONTAINS},
    {VOUCH_F_PAYMENT_METHOD, "付款方式", S_CONTAINS},

    {VOUCH_F_PROCUREMENT_METHOD, "采购方式", S_CONTAINS},
    {VOUCH_F_PROCUREMENT_METHOD, "采购渠道", S_CONTAINS},
    {VOUCH_F_PROCUREMENT_METHOD, "政府采购方式", S_CONTAINS},
    {VOUCH_F_PROCUREMENT_METHOD, "采购组织形式", S_CONTAINS},

    {VOUCH_F_CONTRACT_NO, "合同编号", S_CONTAINS},
    {VOUCH_F_CONTRACT_NO, "合同号", S_CONTAINS},

    {VOUCH_F_INVOICE_NO, "发票号", S_CONTAINS},
    {VOUCH_F_INVOICE_NO, "发票号码", S_CONTAINS},
    {VOUCH_F_INVOICE_NO, "发票编号", S_CONTAINS},

    {VOUCH_F_BUSINESS_DATE, "业务日期", S_CONTAINS},
    {VOUCH_F_BUSINESS_DATE, "业务发生日期", S_CONTAINS},
    {VOUCH_F_BUSINESS_DATE, "出差日期", S_CONTAINS},
    {VOUCH_F_BUSINESS_DATE, "出差开始日期", S_CONTAINS},
    {VOUCH_F_BUSINESS_DATE, "合同开始日期", S_CONTAINS},

    {VOUCH_F_APPROVAL_DATE, "审批日期", S_CONTAINS},
    {VOUCH_F_APPROVAL_DATE, "批准日期", S_CONTAINS},

    {VOUCH_F_DOCUMENT_DATES, "单据日期", S_CONTAINS},
    {VOUCH_F_DOCUMENT_DATES, "发票日期", S_CONTAINS},
    {VOUCH_F_DOCUMENT_DATES, "开票日期", S_CONTAINS},

    {VOUCH_F_ATTACHMENTS, "附件数", S_CONTAINS},
    {VOUCH_F_ATTACHMENTS, "附单据数", S_CONTAINS},
    {VOUCH_F_ATTACHMENTS, "附件张数", S_CONTAINS},

    {VOUCH_F_PREPARER, "制单人", S_CONTAINS},
    {VOUCH_F_PREPARER, "制单", S_EXACT},
    {VOUCH_F_PREPARER, "制单员", S_CONTAINS},

    {VOUCH_F_REVIEWER, "审核人", S_CONTAINS},
    {VOUCH_F_REVIEWER, "复核人", S_CONTAINS},
    {VOUCH_F_REVIEWER, "审核", S_EXACT},
    {VOUCH_F_REVIEWER, "审核员", S_CONTAINS},

    {VOUCH_F_AUXILIARY, "辅助核算", S_CONTAINS},
    {VOUCH_F_AUXILIARY, "辅助核算项", S_CONTAINS},
    {VOUCH_F_AUXILIARY, "辅助项", S_CONTAINS},
    {VOUCH_F_AUXILIARY, "核算项目", S_CONTAINS},
    {VOUCH_F_AUXILIARY, "核算维度", S_CONTAINS},
    {VOUCH_F_AUXILIARY, "辅助信息", S_CONTAINS},

    {VOUCH_F_YEAR, "会计年度", S_CONTAINS},
    {VOUCH_F_YEAR, "年度", S_EXACT},
    {VOUCH_F_YEAR, "年份", S_EXACT},
    {VOUCH_F_YEAR, "年", S_EXACT},
    {VOUCH_F_DAY, "日", S_EXACT},
};

/* Auxiliary item types (辅助核算), as 【部门：办公室】 or 部门---01---办公室 name
 * them, and as paired columns (客商-代码 / 客商-名称) or a header of their own
 * (职员) do: the field each fills. Name fields take the item's name; the
 * classifications take its code. */
/* clang-format off */
static const struct {
    const char *type;
    vouch_csv_field_t field;
} s_aux_types[] = {
    {"部门", VOUCH_F_DEPARTMENT},
    {"职员", VOUCH_F_CLAIMANT},
    {"个人", VOUCH_F_CLAIMANT},
    {"人员", VOUCH_F_CLAIMANT},
    {"人员档案", VOUCH_F_CLAIMANT},
    {"员工", VOUCH_F_CLAIMANT},
    {"供应商", VOUCH_F_COUNTERPARTY},
    {"客商", VOUCH_F_COUNTERPARTY},
    {"往来单位", VOUCH_F_COUNTERPARTY},
    {"项目", VOUCH_F_PROJECT},
    {"经济分类", VOUCH_F_ECON_CODE},
    {"经济科目", VOUCH_F_ECON_CODE},
    {"部门经济分类", VOUCH_F_ECON_CODE},
    {"支出经济分类", VOUCH_F_ECON_CODE},
    {"功能分类", VOUCH_F_FUNC_CODE},
    {"功能科目", VOUCH_F_FUNC_CODE},
    {"支出功能分类", VOUCH_F_FUNC_CODE},
    {"结算方式", VOUCH_F_PAYMENT_METHOD},
};
/* clang-format on */

/* Words that keep a header away from a field whatever alias it contains:
 * 指标文号 names the budget document, not the indicator; 余额方向 is the
 * balance's side; 收款人开户银行 is a bank, not the payee; 对方科目 is the
 * other side of the entry; 外币借方金额 and 借方原币金额 are not in yuan, and
 * a header naming a side is never the one amount; 凭证合计金额是否保值
 * (用友 U8) is a flag. */
/* clang-format off */
static const struct {
    vouch_csv_field_t field;
    const char *word;
} s_vetoes[] = {
    {VOUCH_F_INDICATOR, "文号"},
    {VOUCH_F_DIRECTION, "余额"},
    {VOUCH_F_PAYEE, "开户"},
    {VOUCH_F_PAYEE, "银行"},
    {VOUCH_F_ACCOUNT_CODE, "对方"},
    {VOUCH_F_ACCOUNT_NAME, "对方"},
    {VOUCH_F_DEBIT, "外币"},
    {VOUCH_F_CREDIT, "外币"},
    {VOUCH_F_DEBIT, "原币"},
    {VOUCH_F_CREDIT, "原币"},
    {VOUCH_F_AMOUNT, "外币"},
    {VOUCH_F_AMOUNT, "是否"},
    {VOUCH_F_AMOUNT, "借方"},
    {VOUCH_F_AMOUNT, "贷方"},
};

/* Summary cells that mark a total, not a line (VOUCHER-FORMAT.md). */
static const char *const s_summary_rows[] = {
    "期初余额", "本日合计", "本月合计", "本期合计", "本年累计",
    "承前页", "过次页", "合计", "小计", "总计",
};
static const char *const s_total_words[] = {"合计", "总计", "累计"};
/* clang-format on */

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------- */

/* A record's cells: borrowed pointers, each NUL-terminated at len. */
typedef struct {
    const char **cell;
    const size_t *len;
    int n;
    long line;
} s_row_t;

/* A record kept until the header is known. */
typedef struct {
    char *data;
    const char **cell;
    size_t *len;
    int n;
    long line;
} s_saved_t;

typedef enum { S_PHASE_SNIFF, S_PHASE_PARSE, S_PHASE_DONE, S_PHASE_FAILED } s_phase_t;

/* Where a line's auxiliary items come from: one cell of typed items
 * (【部门：办公室】, 部门---01---办公室), or 金蝶 EAS's column triples
 * 核算项目N (the type) / 编码N / 名称N. */
typedef struct {
    int col;      /* the cell, or the type column of a triple */
    int code_col; /* the triple's, -1 when none */
    int name_col; /* the triple's, -1 when none */
    bool triple;
} s_aux_t;

struct vouch_csv_import_t {
    char *file_name;
    char *org_override;
    size_t max_field;
    size_t max_line;
    long max_lines;
    vouch_csv_line_fn *fn;
    void *arg;

    s_phase_t phase;
    vouch_decode_t *dec;
    vouch_buf_t sniff;
    size_t sniff_scan;  /* bytes of the sniff window looked at */
    size_t sniff_start; /* where the line being looked at starts */
    int sniff_lines;    /* complete non-blank lines seen */
    unsigned char delim;

    struct csv_parser csv;
    long line;       /* physical line of the bytes now in libcsv */
    bool prev_cr;    /* the last byte fed was '\r' (for CR LF) */
    long rec_line;   /* line the current record starts on, 0 before it starts */
    long field_line; /* line the current field starts on */
    long bad_line;   /* first line the decoder marked a byte it could not read on */

    /* the current record */
    vouch_buf_t cells;
    size_t *off;
    size_t *len;
    const char **ptr;
    int n;
    int cap;
    size_t rec_bytes;

    /* before the header */
    s_saved_t pre[S_HEADER_SCAN];
    int npre;

    /* the header */
    bool have_header;
    long header_line;
    int ncols;
    char **col_name; /* as written (libcsv has trimmed it), for errors */
    char **col_key;  /* NFKC'd and made unique, for extra_json */
    int *col_field;  /* the field, or -1 for a column kept in extra_json */
    int fcol[VOUCH_F_COUNT];
    uint64_t fields;
    bool payee_from_counterparty;
    bool amount_by_direction;
    bool direction_fallback; /* 借方/贷方 and 方向 + 金额: blank sides read the latter */
    bool date_from_parts;    /* no date column: 年 (or the file's year), 月 and 日 */
    int file_year;           /* a year a title row or the file name gives, 0 when none */
    char *title_org;
    s_aux_t *aux; /* columns of auxiliary items */
    int naux;

    /* the voucher run the last line belonged to */
    bool have_prev;
    vouch_buf_t prev_org;
    char prev_word[S_WORD_SZ];
    int32_t prev_no;
    int prev_year;
    int prev_period;
    int32_t line_no;
    int64_t seq;

    /* a data line's working memory, kept from line to line so that reading
     * one allocates nothing */
    vouch_buf_t norm_text; /* the line's cells normalised, each NUL-terminated */
    char **norm;           /* norm[i]: cell i, in norm_text */
    size_t *norm_off;      /* where each starts in norm_text while it grows */
    int norm_cap;
    vouch_buf_t folded; /* the summary and the first cell, folded */
    vouch_buf_t docs;   /* the line's document_dates */
    int32_t *dates;     /* the dates of a date-list cell */
    int dates_cap;

    bool rows; /* fed rows of cells (vouch_csv_import_row), not bytes */

    vouch_csv_import_stats_t stats;
    vouch_error_t err;
};

/* ---------------------------------------------------------------------------
 * Small text helpers */

static bool s_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* blank: only ASCII white space, U+3000 or U+00A0 */
static bool s_blank(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s_ascii_space((unsigned char)s[i]))
            i++;
        else if (len - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
            i += 3;
        else if (len - i >= 2 && memcmp(s + i, "\xc2\xa0", 2) == 0)
            i += 2;
        else
            return false;
    }
    return true;
}

/* A cell for an error message: at most S_QUOTE_MAX bytes, whole characters,
 * control characters shown as '?' so a binary cell cannot garble a log. */
static void s_quote(char *out, size_t size, const char *cell, size_t len)
{
    bool cut = len > S_QUOTE_MAX;
    vouch_text_copy(out, size < S_QUOTE_MAX + 1 ? size : S_QUOTE_MAX + 1, cell, len);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    if (cut && strlen(out) + 4 < size)
        strcat(out, "...");
}

static bool s_contains_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i]))
            return true;
    return false;
}

static bool s_equals_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    return false;
}

/* Remove every occurrence of pat from s, in place. */
static void s_remove_all(char *s, const char *pat)
{
    size_t n = strlen(pat);
    char *p;
    while ((p = strstr(s, pat)) != NULL)
        memmove(p, p + n, strlen(p + n) + 1);
}

/* ---------------------------------------------------------------------------
 * Header mapping */

static bool s_vetoed(vouch_csv_field_t field, const char *header)
{
    for (size_t i = 0; i < S_COUNT(s_vetoes); i++)
        if (s_vetoes[i].field == field && strstr(header, s_vetoes[i].word))
            return true;
    return false;
}

/* The field of an auxiliary type ("部门", "客商"), or -1. */
static int s_aux_type(const char *type)
{
    for (size_t i = 0; i < S_COUNT(s_aux_types); i++)
        if (strcmp(type, s_aux_types[i].type) == 0)
            return (int)s_aux_types[i].field;
    return -1;
}

/* Fields that hold a name: a code column of theirs (客商-代码, 部门编码)
 * must not fill them, or a supplier code becomes the payee. */
static bool s_is_name_field(int f)
{
    return f == VOUCH_F_DEPARTMENT || f == VOUCH_F_PROJECT || f == VOUCH_F_CLAIMANT ||
           f == VOUCH_F_PAYEE || f == VOUCH_F_COUNTERPARTY || f == VOUCH_F_PAYMENT_METHOD;
}

/* Fields that hold a code: their name column (经济分类-名称) yields to their
 * code column whichever comes first. */
static bool s_is_code_field(int f)
{
    return f == VOUCH_F_ACCOUNT_CODE || f == VOUCH_F_ECON_CODE || f == VOUCH_F_FUNC_CODE;
}

typedef enum { S_ROLE_NONE, S_ROLE_CODE, S_ROLE_NAME } s_role_t;

/* "客商-代码", "部门编码", "经济分类—名称" (folded): what the suffix says the
 * column holds, and how long the type before it is (dashes dropped). */
static s_role_t s_header_role(const char *h, size_t *type_len)
{
    static const struct {
        const char *suffix;
        s_role_t role;
    } suffixes[] = {
        {"代码", S_ROLE_CODE},
        {"编码", S_ROLE_CODE},
        {"编号", S_ROLE_CODE},
        {"名称", S_ROLE_NAME},
    };
    /* NFKC made －, ﹣ and ‐ '-'; the dashes it keeps: – — ― */
    static const char *const dashes[] = {"-", "_", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
    for (size_t i = 0; i < S_COUNT(suffixes); i++) {
        if (!vouch_text_ends_with(h, suffixes[i].suffix))
            continue;
        size_t n = strlen(h) - strlen(suffixes[i].suffix);
        for (bool cut = true; cut && n > 0;) {
            cut = false;
            for (size_t k = 0; k < S_COUNT(dashes) && !cut; k++) {
                size_t dl = strlen(dashes[k]);
                if (n >= dl && memcmp(h + n - dl, dashes[k], dl) == 0) {
                    n -= dl;
                    cut = true;
                }
            }
        }
        *type_len = n;
        return suffixes[i].role;
    }
    *type_len = strlen(h);
    return S_ROLE_NONE;
}

/* vouch_csv_header_field, with how sure the match is: 2 for a full alias,
 * 1 for a short one (日期, 序号, 科目) that a more specific column of the same
 * field should beat, 0 for a code field's name column. */
static int s_header_match(const char *header, int *rank)
{
    int field = -1, r = 2;
    if (!header)
        goto out;
    char *h = vouch_text_fold(header);
    if (!h)
        goto out;
    s_remove_all(h, "*");
    s_remove_all(h, "(元)");
    size_t type_len;
    s_role_t role = s_header_role(h, &type_len);

    for (size_t i = 0; i < S_COUNT(s_aliases); i++)
        if (strcmp(h, s_aliases[i].alias) == 0 && !s_vetoed(s_aliases[i].field, h)) {
            field = (int)s_aliases[i].field;
            r = s_aliases[i].match == S_EXACT ? 1 : 2;
            goto done;
        }

    /* an auxiliary type, alone (职员) or with its suffix (人员档案-名称) */
    if (type_len > 0) {
        char *type = vouch_strndup(h, type_len);
        field = s_aux_type(type);
        free(type);
        if (field >= 0)
            goto done;
    }

    /* the longest alias inside the header: 支出经济分类科目 over 经济分类 */
    size_t best = 0;
    for (size_t i = 0; i < S_COUNT(s_aliases); i++) {
        if (s_aliases[i].match == S_EXACT)
            continue;
        size_t n = strlen(s_aliases[i].alias);
        if (n > best && strstr(h, s_aliases[i].alias) && !s_vetoed(s_aliases[i].field, h)) {
            best = n;
            field = (int)s_aliases[i].field;
        }
    }
done:
    if (field >= 0 && role == S_ROLE_CODE && s_is_name_field(field))
        field = -1;
    if (field >= 0 && role == S_ROLE_NAME && s_is_code_field(field))
        r = 0;
    free(h);
out:
    if (rank)
        *rank = r;
    return field;
}

int vouch_csv_header_field(const char *header)
{
    return s_header_match(header, NULL);
}

/* ---------------------------------------------------------------------------
 * Records and how well they read as a header */

static void s_saved_free(s_saved_t *r)
{
    free(r->data);
    free(r->cell);
    free(r->len);
    memset(r, 0, sizeof *r);
}

static s_row_t s_saved_row(const s_saved_t *r)
{
    s_row_t row = {r->cell, r->len, r->n, r->line};
    return row;
}

static uint64_t s_row_fields(const s_row_t *row)
{
    uint64_t mask = 0;
    for (int i = 0; i < row->n; i++) {
        if (s_blank(row->cell[i], row->len[i]))
            continue;
        int f = vouch_csv_header_field(row->cell[i]);
        if (f >= 0)
            mask |= 1ull << f;
    }
    return mask;
}

static int s_popcount(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* ---------------------------------------------------------------------------
 * Errors */

/* The column's name for an error: its header as written once the header is
 * known, else its 1-based position. */
static void s_column_name(const vouch_csv_import_t *self, int col, char *out, size_t size)
{
    out[0] = '\0';
    if (col < 0)
        return;
    if (self->have_header) {
        if (col < self->ncols && self->col_name[col][0]) {
            vouch_text_copy(out, size, self->col_name[col], strlen(self->col_name[col]));
            goto clean;
        }
    } else {
        /* an error before the header was settled (a short file, or one of the
         * first 20 records): name the column by the best header so far */
        int best = -1, best_score = 2;
        for (int i = 0; i < self->npre; i++) {
            s_row_t row = s_saved_row(&self->pre[i]);
            int score = s_popcount(s_row_fields(&row));
            if (score > best_score) {
                best = i;
                best_score = score;
            }
        }
        if (best >= 0 && col < self->pre[best].n && self->pre[best].len[col] > 0) {
            vouch_text_copy(out, size, self->pre[best].cell[col], self->pre[best].len[col]);
            goto clean;
        }
    }
    snprintf(out, size, "%d", col + 1);
clean:
    /* a quoted header may hold a line break: keep the message on one line */
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

static int s_fail(vouch_csv_import_t *self, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int s_fail(vouch_csv_import_t *self, long line, int col, const char *fmt, ...)
{
    if (self->phase == S_PHASE_FAILED)
        return -1; /* the first error is the one to report */
    vouch_error_clear(&self->err);
    if (self->file_name)
        vouch_text_copy(self->err.file, sizeof self->err.file, self->file_name,
                        strlen(self->file_name));
    self->err.line = line;
    s_column_name(self, col, self->err.column, sizeof self->err.column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->err.text, sizeof self->err.text, fmt, ap);
    va_end(ap);
    self->phase = S_PHASE_FAILED;
    return -1;
}

/* "\"12,3a4.00\" is not an amount" with the cell as written */
static int s_fail_cell(vouch_csv_import_t *self, const s_row_t *row, int col, const char *what)
{
    char q[S_QUOTE_MAX + 8];
    /* a short row, or a column the layout lacks (a direction implied by the
     * amount's column), reads as an empty cell */
    if (col >= 0 && col < row->n && row->cell[col])
        s_quote(q, sizeof q, row->cell[col], row->len[col]);
    else
        q[0] = '\0';
    return s_fail(self, row->line, col, "\"%s\" is not %s", q, what);
}

/* ---------------------------------------------------------------------------
 * Cell shapes */

static bool s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A code: digits, with single dots between digit groups (5001.01). */
static size_t s_code_len(const char *s)
{
    size_t i = 0;
    while (s_is_digit(s[i]) ||
           (s[i] == '.' && i > 0 && s_is_digit(s[i - 1]) && s_is_digit(s[i + 1])))
        i++;
    return i;
}

static bool s_name_separator(char c)
{
    return c == ' ' || c == '-' || c == '_' || c == ':' || c == '/' || c == '|' || c == '.' ||
           c == '\t';
}

/* Split a code-and-name cell (NFKC'd): "30217 公务接待费", "30217-公务接待费",
 * "[30217]公务接待费", "【30217】公务接待费", "id##30217##公务接待费". Returns
 * true and the parts when the cell has that shape; a bare code is not split. */
static bool s_split_code(const char *s, const char **code, size_t *code_len, const char **name)
{
    const char *hash = strstr(s, "##");
    if (hash) {
        /* 金蝶 style: the first part that is a code, then the name */
        const char *part = s;
        for (;;) {
            const char *end = strstr(part, "##");
            size_t plen = end ? (size_t)(end - part) : strlen(part);
            if (plen > 0 && s_code_len(part) == plen) {
                *code = part;
                *code_len = plen;
                *name = end ? end + 2 : part + plen;
                return true;
            }
            if (!end)
                return false;
            part = end + 2;
        }
    }

    const char *close = NULL;
    size_t open_len = 0;
    if (s[0] == '[') {
        open_len = 1;
        close = "]";
    } else if (strncmp(s, "【", strlen("【")) == 0) {
        open_len = strlen("【");
        close = "】";
    }
    if (close) {
        const char *in = s + open_len;
        size_t n = s_code_len(in);
        if (n == 0 || strncmp(in + n, close, strlen(close)) != 0)
            return false;
        *code = in;
        *code_len = n;
        *name = in + n + strlen(close);
        return true;
    }

    size_t n = s_code_len(s);
    if (n == 0 || s[n] == '\0')
        return false;
    const char *p = s + n;
    while (s_name_separator(*p))
        p++;
    /* "2080101 30217" is two codes, not a code and a name */
    if (*p == '\0' || s_is_digit(*p))
        return false;
    *code = s;
    *code_len = n;
    *name = p;
    return true;
}

/* A number that went through Excel or a DBF ("23.0", "1.00000"): the length
 * of its integer part when s is digits and ".0...", else 0. */
static size_t s_float_int_len(const char *s)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || s[n] != '.' || !s[n + 1] || strspn(s + n + 1, "0") != strlen(s + n + 1))
        return 0;
    return n;
}

/* The period of a 期间 cell: "1", "01", "2022-01", "2022年1期", "202201",
 * "第1期", "1月", "1.0". 1..16 (13-16 are the adjusting periods), or -1. */
static int s_parse_period(const char *s)
{
    static const char *const allowed[] = {"年", "期", "月", "份", "第", "度"};
    if (s_float_int_len(s) > 0) { /* EAS writes 会计期间 as "1.0" */
        int v = s_float_int_len(s) <= 2 ? atoi(s) : -1;
        return v >= 1 && v <= 16 ? v : -1;
    }
    int value = -1, run_len = 0, last = -1, last_len = 0;
    for (const char *p = s; *p;) {
        if (s_is_digit(*p)) {
            value = run_len == 0 ? 0 : value;
            if (run_len < 9)
                value = value * 10 + (*p - '0');
            run_len++;
            last = value;
            last_len = run_len;
            p++;
            continue;
        }
        run_len = 0;
        if (*p == '-' || *p == '/' || *p == '.' || *p == ' ') {
            p++;
            continue;
        }
        size_t k = 0;
        for (size_t i = 0; i < S_COUNT(allowed) && k == 0; i++)
            if (strncmp(p, allowed[i], strlen(allowed[i])) == 0)
                k = strlen(allowed[i]);
        if (k == 0)
            return -1;
        p += k;
    }
    if (last_len == 6)
        last %= 100; /* 202201 */
    else if (last_len > 2)
        return -1;
    return last >= 1 && last <= 16 ? last : -1;
}

/* 1 debit, 2 credit, 0 blank, -1 not a direction */
static int s_parse_direction(const char *s)
{
    static const char *const debit[] = {"借", "借方", "d", "dr", "debit", "1", "j"};
    static const char *const credit[] = {"贷", "贷方", "c", "cr", "credit", "0", "-1"};
    char buf[16];
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    if (n >= sizeof buf)
        return -1;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    if (s_equals_any(buf, debit, S_COUNT(debit)))
        return 1;
    if (s_equals_any(buf, credit, S_COUNT(credit)))
        return 2;
    return -1;
}

/* 附件数: "3", "03", "3张", "3.0" (a number that went through Excel).
 * VOUCH_ATTACH_UNKNOWN when blank; -2 when it is not a count. */
static int32_t s_parse_attachments(const char *s)
{
    if (!*s)
        return VOUCH_ATTACH_UNKNOWN;
    int64_t v = 0;
    const char *p = s;
    if (!s_is_digit(*p))
        return -2;
    while (s_is_digit(*p)) {
        v = v * 10 + (*p - '0');
        if (v > 1000000)
            return -2;
        p++;
    }
    if (*p == '.') {
        p++;
        if (!s_is_digit(*p))
            return -2;
        while (*p == '0')
            p++;
    }
    while (*p == ' ')
        p++;
    if (strcmp(p, "张") == 0 || strcmp(p, "份") == 0)
        p += strlen(p);
    return *p == '\0' ? (int32_t)v : -2;
}

/* Dates in a list cell, in cell order, into *out (the reader's, until the
 * next call). Room for one more date than there are separators, since that
 * bounds the parts. */
static int s_parse_dates(vouch_csv_import_t *self, const char *s, const int32_t **out, int *n)
{
    int room = 1;
    for (const char *p = s; *p; p++)
        if (*p == ';' || *p == ',' || strncmp(p, "、", strlen("、")) == 0 ||
            strncmp(p, "；", strlen("；")) == 0 || strncmp(p, "，", strlen("，")) == 0)
            room++;
    if (room > self->dates_cap) {
        self->dates = vouch_realloc(self->dates, sizeof *self->dates * (size_t)room);
        self->dates_cap = room;
    }
    *out = self->dates;
    return vouch_date_parse_list(s, strlen(s), self->dates, room, n) != 0 ? -1 : 0;
}

/* The unit a title row names: "汨罗市人力资源和社会保障局序时账" or
 * "编制单位：永州市人力资源和社会保障局". New string, or NULL. */
static char *s_title_org(const s_row_t *row)
{
    static const char *const labels[] = {"编制单位:", "核算单位:", "单位名称:", "单位:"};
    static const char *const not_units[] = {"元", "万元", "人民币元", "人民币"};
    static const char *const books[] = {"序时账", "明细账", "日记账", "凭证", "总账"};
    static const char *const trailing[] = {"年", "度", "月", "份", "至", "第", "期", "(", ")", "-",
                                           "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7", "8", "9"};
    int nonblank = 0;
    for (int i = 0; i < row->n; i++)
        nonblank += !s_blank(row->cell[i], row->len[i]);

    for (int i = 0; i < row->n; i++) {
        char *t = vouch_text_nfkc(row->cell[i], row->len[i]);
        if (!t)
            continue;
        for (size_t k = 0; k < S_COUNT(labels); k++) {
            size_t ln = strlen(labels[k]);
            if (strncmp(t, labels[k], ln) != 0)
                continue;
            /* "单位:XX局  期间:2022年1月": the unit runs to the next space */
            char *v = t + ln;
            while (*v == ' ')
                v++;
            v[strcspn(v, " \t")] = '\0';
            if (*v && !s_equals_any(v, not_units, S_COUNT(not_units))) {
                char *org = vouch_strdup(v);
                free(t);
                return org;
            }
            break;
        }
        free(t);

        if (nonblank != 1 || s_blank(row->cell[i], row->len[i]))
            continue;
        char *f = vouch_text_fold(row->cell[i]);
        if (!f)
            continue;
        for (size_t k = 0; k < S_COUNT(books); k++) {
            if (!vouch_text_ends_with(f, books[k]))
                continue;
            f[strlen(f) - strlen(books[k])] = '\0';
            /* "...局2022年度" -> "...局" */
            for (bool cut = true; cut;) {
                cut = false;
                for (size_t j = 0; j < S_COUNT(trailing); j++)
                    if (vouch_text_ends_with(f, trailing[j]) && strlen(f) > strlen(trailing[j])) {
                        f[strlen(f) - strlen(trailing[j])] = '\0';
                        cut = true;
                    }
            }
            if (vouch_text_length(f) >= 2)
                return f;
            break;
        }
        free(f);
    }
    return NULL;
}

/* ---------------------------------------------------------------------------
 * The header */

/* "核算项目3" -> 3 (folded header), or -1. */
static int s_numbered(const char *h, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(h, prefix, n) != 0 || !h[n] || strspn(h + n, "0123456789") != strlen(h + n) ||
        strlen(h + n) > 3)
        return -1;
    return atoi(h + n);
}

/* 金蝶 EAS writes each auxiliary item as three columns: 核算项目N holds the
 * type, 编码N and 名称N its code and name. */
static void s_find_triples(vouch_csv_import_t *self, char **folded)
{
    for (int a = 0; a < self->naux; a++) {
        int k = s_numbered(folded[self->aux[a].col], "核算项目");
        if (k < 0)
            continue;
        for (int i = 0; i < self->ncols; i++) {
            if (self->col_field[i] >= 0)
                continue;
            if (s_numbered(folded[i], "编码") == k || s_numbered(folded[i], "代码") == k)
                self->aux[a].code_col = i;
            else if (s_numbered(folded[i], "名称") == k)
                self->aux[a].name_col = i;
        }
        s_aux_t *x = &self->aux[a];
        x->triple = x->code_col >= 0 || x->name_col >= 0;
        /* the companions are read through the triple, not kept as extra */
        if (x->code_col >= 0)
            self->col_field[x->code_col] = VOUCH_F_AUXILIARY;
        if (x->name_col >= 0)
            self->col_field[x->name_col] = VOUCH_F_AUXILIARY;
        self->stats.columns_mapped += (x->code_col >= 0) + (x->name_col >= 0);
    }
}

static void s_set_header(vouch_csv_import_t *self, const s_row_t *row)
{
    int n = row->n;
    self->have_header = true;
    self->header_line = row->line;
    self->stats.header_line = row->line;
    self->ncols = n;
    self->col_name = vouch_calloc((size_t)n, sizeof *self->col_name);
    self->col_key = vouch_calloc((size_t)n, sizeof *self->col_key);
    self->col_field = vouch_calloc((size_t)n, sizeof *self->col_field);
    int *rank = vouch_calloc((size_t)n, sizeof *rank);
    char **folded = vouch_calloc((size_t)n, sizeof *folded);

    for (int i = 0; i < n; i++) {
        self->col_name[i] = vouch_strndup(row->cell[i], row->len[i]);
        folded[i] = vouch_text_fold(self->col_name[i]);
        if (!folded[i])
            folded[i] = vouch_strdup("");
        self->col_field[i] =
            s_blank(row->cell[i], row->len[i]) ? -1 : s_header_match(row->cell[i], &rank[i]);
        /* of two columns for one field the surer match wins (分录序号 over
         * 序号, 经济分类-代码 over 经济分类-名称), else the first; the other is
         * kept as extra. Every column of auxiliary items is read, and every
         * column of document dates (单据日期 and 发票日期 both: RULES.md's
         * STALE_DOCUMENT counts every date of them). */
        int f = self->col_field[i];
        if (f < 0)
            continue;
        if (f == VOUCH_F_DOCUMENT_DATES && self->fcol[f] >= 0) {
            self->stats.columns_mapped++;
            continue;
        }
        if (f == VOUCH_F_AUXILIARY) {
            self->aux = vouch_realloc(self->aux, sizeof *self->aux * (size_t)(self->naux + 1));
            self->aux[self->naux++] = (s_aux_t){i, -1, -1, false};
        } else if (self->fcol[f] >= 0 && rank[i] <= rank[self->fcol[f]]) {
            self->col_field[i] = -1;
            continue;
        } else if (self->fcol[f] >= 0) {
            self->col_field[self->fcol[f]] = -1;
            self->stats.columns_mapped--;
        }
        if (self->fcol[f] < 0 || f != VOUCH_F_AUXILIARY)
            self->fcol[f] = i;
        self->fields |= 1ull << f;
        self->stats.columns_mapped++;
    }
    s_find_triples(self, folded);

    for (int i = 0; i < n; i++) {
        /* extra_json keys: the header as NFKC'd, unique within the file */
        char *base = vouch_text_nfkc(row->cell[i], row->len[i]);
        if (!base || !base[0]) {
            free(base);
            base = vouch_asprintf("column %d", i + 1);
        }
        char *key = vouch_strdup(base);
        for (int k = 2;; k++) {
            bool taken = false;
            for (int j = 0; j < i && !taken; j++)
                taken = strcmp(self->col_key[j], key) == 0;
            if (!taken)
                break;
            free(key);
            key = vouch_asprintf("%s_%d", base, k);
        }
        free(base);
        self->col_key[i] = key;
    }
    self->stats.columns = n;

    /* 年, 月 and 日 make the date only where there is no date column;
     * otherwise 会计年度 and the like stay with the line as they were */
    self->date_from_parts = self->fcol[VOUCH_F_VOUCHER_DATE] < 0 &&
                            self->fcol[VOUCH_F_PERIOD] >= 0 && self->fcol[VOUCH_F_DAY] >= 0 &&
                            (self->fcol[VOUCH_F_YEAR] >= 0 || self->file_year > 0);
    if (self->date_from_parts) {
        self->fields |= 1ull << VOUCH_F_VOUCHER_DATE;
    } else {
        const vouch_csv_field_t parts[] = {VOUCH_F_YEAR, VOUCH_F_DAY};
        for (size_t k = 0; k < S_COUNT(parts); k++)
            if (self->fcol[parts[k]] >= 0) {
                self->col_field[self->fcol[parts[k]]] = -1;
                self->fcol[parts[k]] = -1;
                self->fields &= ~(1ull << parts[k]);
                self->stats.columns_mapped--;
            }
    }

    if (self->fcol[VOUCH_F_PAYEE] < 0 && self->fcol[VOUCH_F_COUNTERPARTY] >= 0) {
        self->payee_from_counterparty = true;
        self->fields |= 1ull << VOUCH_F_PAYEE;
    }
    bool sides = self->fcol[VOUCH_F_DEBIT] >= 0 || self->fcol[VOUCH_F_CREDIT] >= 0;
    bool one = self->fcol[VOUCH_F_AMOUNT] >= 0 && self->fcol[VOUCH_F_DIRECTION] >= 0;
    if (!sides && one) {
        /* one amount and its side: the line still has a debit and a credit */
        self->amount_by_direction = true;
        self->fields |= 1ull << VOUCH_F_DEBIT | 1ull << VOUCH_F_CREDIT;
    }
    /* 金蝶 EAS writes both; a line whose 借方金额 and 贷方金额 are blank is
     * read from 方向 and 原币金额 rather than taken as zero */
    self->direction_fallback = sides && one;

    for (int i = 0; i < n; i++)
        free(folded[i]);
    free(folded);
    free(rank);
}

/* The columns a line cannot be built without. */
static int s_check_header(vouch_csv_import_t *self)
{
    long l = self->header_line;
    if (self->fcol[VOUCH_F_VOUCHER_DATE] < 0 && !self->date_from_parts)
        return s_fail(self, l, -1, "no voucher date column (凭证日期)");
    if (self->fcol[VOUCH_F_VOUCHER_NO] < 0)
        return s_fail(self, l, -1, "no voucher number column (凭证号)");
    if (self->fcol[VOUCH_F_DEBIT] < 0 && self->fcol[VOUCH_F_CREDIT] < 0 &&
        !self->amount_by_direction)
        return s_fail(self, l, -1, "no amount columns (借方金额 and 贷方金额, or 方向 and 金额)");
    if (self->fcol[VOUCH_F_ORG] < 0 && !self->org_override && !self->title_org)
        return s_fail(self, l, -1, "no unit: the file has no 单位 column and no --org was given");
    return 0;
}

static int s_data_row(vouch_csv_import_t *self, const s_row_t *row);

/* The first year in s: four digits alone, 1900-2099 ("2022年度", "凭证明细-
 * 2022.csv"; not the 2022 of 20220405). 0 when none. */
static int s_find_year(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!s_is_digit(s[i]) || (i > 0 && s_is_digit(s[i - 1])))
            continue;
        size_t n = 0;
        while (i + n < len && s_is_digit(s[i + n]))
            n++;
        int y = n == 4 ? atoi(s + i) : 0;
        if (y >= 1900 && y <= 2099)
            return y;
        i += n;
    }
    return 0;
}

/* Pick the header among the saved records, then read the records after it. */
static int s_choose_header(vouch_csv_import_t *self)
{
    int rc = -1;
    int best = -1, best_score = 0;
    for (int i = 0; i < self->npre; i++) {
        s_row_t row = s_saved_row(&self->pre[i]);
        int score = s_popcount(s_row_fields(&row));
        if (score > best_score) {
            best = i;
            best_score = score;
        }
    }
    if (best_score < 3) {
        s_fail(self, 0, -1, "%s", S_NO_HEADER);
        goto free_saved;
    }

    s_row_t header = s_saved_row(&self->pre[best]);
    if (!(s_row_fields(&header) & 1ull << VOUCH_F_ORG) && !self->org_override)
        for (int i = 0; i < best && !self->title_org; i++) {
            s_row_t title = s_saved_row(&self->pre[i]);
            self->title_org = s_title_org(&title);
        }
    /* for exports that give 月 and 日 only (用友 NC): the year a title row
     * ("2022年1月至12月") or else the file's name states */
    for (int i = 0; i < best && !self->file_year; i++)
        for (int c = 0; c < self->pre[i].n && !self->file_year; c++)
            self->file_year = s_find_year(self->pre[i].cell[c], self->pre[i].len[c]);
    if (!self->file_year && self->file_name)
        self->file_year = s_find_year(self->file_name, strlen(self->file_name));
    s_set_header(self, &header);
    if (s_check_header(self) != 0)
        goto free_saved;
    for (int i = best + 1; i < self->npre; i++) {
        s_row_t row = s_saved_row(&self->pre[i]);
        if (s_data_row(self, &row) != 0)
            goto free_saved;
    }
    rc = 0;
free_saved:
    for (int i = 0; i < self->npre; i++)
        s_saved_free(&self->pre[i]);
    self->npre = 0;
    return rc;
}

/* ---------------------------------------------------------------------------
 * Data lines */

/* Strings a line's text pointers may point to besides the normalised cells. */
typedef struct {
    char **s;
    int n;
    int cap;
} s_owned_t;

static const char *s_own(s_owned_t *o, char *s)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 8;
        o->s = vouch_realloc(o->s, sizeof *o->s * (size_t)o->cap);
    }
    o->s[o->n++] = s;
    return s;
}

static void s_owned_free(s_owned_t *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->s[i]);
    free(o->s);
    memset(o, 0, sizeof *o);
}

/* Key/value pairs kept with the line besides its unmapped columns: the
 * auxiliary items no field took. Borrowed strings. */
typedef struct {
    const char **kv; /* key, value, key, value, ... */
    int n;           /* pairs */
    int cap;
} s_pairs_t;

static void s_pairs_add(s_pairs_t *p, const char *key, const char *value)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->kv = vouch_realloc(p->kv, sizeof *p->kv * 2 * (size_t)p->cap);
    }
    p->kv[2 * p->n] = key;
    p->kv[2 * p->n + 1] = value;
    p->n++;
}

/* The normalised cell of a field, "" when the file has no such column. */
static const char *s_cell(const vouch_csv_import_t *self, const s_row_t *row, char **norm,
                          vouch_csv_field_t f)
{
    int c = self->fcol[f];
    return c >= 0 && c < row->n ? norm[c] : "";
}

/* Columns whose value went into no field: kept in extra_json. */
static bool s_col_is_extra(const vouch_csv_import_t *self, int col)
{
    if (col >= self->ncols)
        return true;
    switch (self->col_field[col]) {
    case -1:
        return true;
    case VOUCH_F_COUNTERPARTY:
        return !self->payee_from_counterparty;
    case VOUCH_F_DIRECTION:
    case VOUCH_F_AMOUNT:
        return !self->amount_by_direction;
    default:
        /* VOUCH_F_AUXILIARY among them: what no field took comes as pairs */
        return false;
    }
}

/* The line's extra_json, a new string; NULL for "{}" */
static char *s_extra_json(const vouch_csv_import_t *self, const s_row_t *row, char **norm,
                          const s_pairs_t *more)
{
    json_t *obj = NULL;
    for (int i = 0; i < row->n; i++) {
        if (!norm[i][0] || !s_col_is_extra(self, i))
            continue;
        char tmp[32];
        const char *key = tmp;
        if (i < self->ncols)
            key = self->col_key[i];
        else
            snprintf(tmp, sizeof tmp, "column %d", i + 1);
        if (!obj)
            obj = json_object();
        json_object_set_new(obj, key, json_string(norm[i]));
    }
    for (int i = 0; i < more->n; i++) {
        const char *key = more->kv[2 * i];
        char *unique = NULL;
        if (!obj)
            obj = json_object();
        /* a type named like a column, or twice in one cell: 部门, 部门_2 */
        for (int k = 2; json_object_get(obj, unique ? unique : key); k++) {
            free(unique);
            unique = vouch_asprintf("%s_%d", key, k);
        }
        json_object_set_new(obj, unique ? unique : key, json_string(more->kv[2 * i + 1]));
        free(unique);
    }
    if (!obj)
        return NULL;
    char *dumped = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (!dumped)
        abort(); /* every string was checked UTF-8: only exhaustion is left */
    char *out = vouch_strdup(dumped);
    free(dumped);
    return out;
}

/* Earliest date of a date-list cell into *day (VOUCH_DATE_NONE when blank). */
static int s_earliest(vouch_csv_import_t *self, const s_row_t *row, char **norm,
                      vouch_csv_field_t f, int32_t *day)
{
    *day = VOUCH_DATE_NONE;
    const char *cell = s_cell(self, row, norm, f);
    if (!*cell)
        return 0;
    const int32_t *dates;
    int n = 0;
    if (s_parse_dates(self, cell, &dates, &n) != 0)
        return s_fail_cell(self, row, self->fcol[f], "a date");
    for (int i = 0; i < n; i++)
        if (*day == VOUCH_DATE_NONE || dates[i] < *day)
            *day = dates[i];
    return 0;
}

/* A code column's cell: "30217 公务接待费" gives code 30217; for the account
 * code the name goes to account_name when the file has no name column. */
static void s_code_field(const vouch_csv_import_t *self, const char *cell, vouch_text_field_t tf,
                         vouch_line_t *line, s_owned_t *owned)
{
    const char *code, *name;
    size_t code_len;
    bool name_wanted = tf == VOUCH_T_ACCOUNT_CODE && self->fcol[VOUCH_F_ACCOUNT_NAME] < 0;
    if (s_split_code(cell, &code, &code_len, &name)) {
        line->text[tf] = s_own(owned, vouch_strndup(code, code_len));
        if (name_wanted)
            line->text[VOUCH_T_ACCOUNT_NAME] = name;
        return;
    }
    if (name_wanted && *cell && !strpbrk(cell, "0123456789")) {
        /* a 科目 column holding only names: a name is not a code */
        line->text[VOUCH_T_ACCOUNT_NAME] = cell;
        return;
    }
    line->text[tf] = cell;
}

/* ---------------------------------------------------------------------------
 * Auxiliary items (辅助核算) */

typedef struct {
    const char *type;
    const char *code; /* "" when the shape has none */
    const char *name; /* or the value as written, when whole */
    bool whole;       /* 【类型：值】: the value may be "编码 名称" or a name */
} s_item_t;

typedef struct {
    s_item_t *v;
    int n;
    int cap;
} s_items_t;

static const char *s_trimmed(s_owned_t *o, const char *p, size_t n)
{
    while (n > 0 && *p == ' ')
        p++, n--;
    while (n > 0 && p[n - 1] == ' ')
        n--;
    return s_own(o, vouch_strndup(p, n));
}

static void s_items_add(s_items_t *it, const char *type, const char *code, const char *name,
                        bool whole)
{
    if (it->n == it->cap) {
        it->cap = it->cap ? it->cap * 2 : 8;
        it->v = vouch_realloc(it->v, sizeof *it->v * (size_t)it->cap);
    }
    it->v[it->n++] = (s_item_t){type, code, name, whole};
}

/* 用友 NC: 【部门：办公室】【职员：张三】 (NFKC made the colon ':'). False, with
 * no items added, when the cell has another shape. */
static bool s_parse_brackets(const char *s, s_items_t *items, s_owned_t *owned)
{
    static const char open[] = "【", close[] = "】";
    int before = items->n;
    const char *p = s;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (strncmp(p, open, sizeof open - 1) != 0)
            goto not_this;
        p += sizeof open - 1;
        const char *end = strstr(p, close);
        const char *colon = end ? memchr(p, ':', (size_t)(end - p)) : NULL;
        if (!colon)
            goto not_this;
        s_items_add(items, s_trimmed(owned, p, (size_t)(colon - p)), "",
                    s_trimmed(owned, colon + 1, (size_t)(end - colon - 1)), true);
        p = end + sizeof close - 1;
    }
    return items->n > before;
not_this:
    items->n = before;
    return false;
}

/* 金蝶 K/3 核算项目: 部门---01---办公室||职员---001---张三 (type, code, name;
 * type---value is read too). False, with no items added, for another shape. */
static bool s_parse_dashes(const char *s, s_items_t *items, s_owned_t *owned)
{
    if (!strstr(s, "---"))
        return false;
    int before = items->n;
    const char *p = s;
    while (*p) {
        const char *bar = strstr(p, "||");
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        const char *a = memmem(p, n, "---", 3);
        if (a) {
            const char *rest = a + 3, *end = p + n;
            const char *b = memmem(rest, (size_t)(end - rest), "---", 3);
            const char *type = s_trimmed(owned, p, (size_t)(a - p));
            if (b)
                s_items_add(items, type, s_trimmed(owned, rest, (size_t)(b - rest)),
                            s_trimmed(owned, b + 3, (size_t)(end - b - 3)), false);
            else
                s_items_add(items, type, "", s_trimmed(owned, rest, (size_t)(end - rest)), true);
        } else if (!s_blank(p, n)) {
            items->n = before;
            return false;
        }
        p += n + (bar ? 2 : 0);
    }
    return items->n > before;
}

/* The items of one auxiliary source on this row. A cell of another shape is
 * kept with the line as written. */
static void s_aux_collect(const vouch_csv_import_t *self, const s_aux_t *x, const s_row_t *row,
                          char **norm, s_items_t *items, s_owned_t *owned, s_pairs_t *extra)
{
    const char *key = self->col_key[x->col];
    const char *cell = x->col < row->n ? norm[x->col] : "";
    if (x->triple) {
        const char *code = x->code_col >= 0 && x->code_col < row->n ? norm[x->code_col] : "";
        const char *name = x->name_col >= 0 && x->name_col < row->n ? norm[x->name_col] : "";
        if (*code || *name)
            s_items_add(items, *cell ? cell : key, code, name, false);
        else if (*cell)
            s_pairs_add(extra, key, cell);
        return;
    }
    if (!*cell)
        return;
    int before = items->n;
    if (!s_parse_brackets(cell, items, owned) && !s_parse_dashes(cell, items, owned)) {
        s_pairs_add(extra, key, cell);
        return;
    }
    for (int i = before; i < items->n; i++)
        if (!items->v[i].type[0])
            items->v[i].type = key;
}

/* The text field an item of field f fills; -1 for none. A counterparty is
 * the payee only in files without a payee column. */
static int s_aux_target(const vouch_csv_import_t *self, int f)
{
    switch (f) {
    case VOUCH_F_DEPARTMENT:
        return VOUCH_T_DEPARTMENT;
    case VOUCH_F_PROJECT:
        return VOUCH_T_PROJECT;
    case VOUCH_F_CLAIMANT:
        return VOUCH_T_CLAIMANT;
    case VOUCH_F_COUNTERPARTY:
        return self->fcol[VOUCH_F_PAYEE] < 0 ? VOUCH_T_PAYEE : -1;
    case VOUCH_F_ECON_CODE:
        return VOUCH_T_ECON_CODE;
    case VOUCH_F_FUNC_CODE:
        return VOUCH_T_FUNC_CODE;
    case VOUCH_F_PAYMENT_METHOD:
        return VOUCH_T_PAYMENT_METHOD;
    default:
        return -1;
    }
}

/* An item into its field, unless the line's own column already filled it
 * (that column wins); otherwise it is kept with the line under its type. */
static void s_aux_apply(vouch_csv_import_t *self, const s_item_t *it, vouch_line_t *line,
                        s_owned_t *owned, s_pairs_t *extra)
{
    char *folded = vouch_text_fold(it->type);
    int f = folded ? s_aux_type(folded) : -1;
    free(folded);
    int t = f >= 0 ? s_aux_target(self, f) : -1;
    const char *value = "", *code, *name;
    size_t code_len;
    if (t >= 0 && s_is_code_field(f)) {
        /* 经济分类: the code, from "30217", "30217 公务接待费" or the code part */
        value = it->code;
        if (!*value && s_split_code(it->name, &code, &code_len, &name))
            value = s_own(owned, vouch_strndup(code, code_len));
        else if (!*value)
            value = it->name;
    } else if (t >= 0) {
        /* a name: "001 张三" gives 张三, but the digits of "2022年培训项目" stay;
         * a code alone ("部门---01---") is no name */
        value = it->name;
        if (it->whole && s_split_code(it->name, &code, &code_len, &name) && name != code + code_len)
            value = name;
    }
    if (t >= 0 && *value && !*line->text[t]) {
        line->text[t] = value;
        self->fields |= 1ull << f;
        if (t == VOUCH_T_PAYEE)
            self->fields |= 1ull << VOUCH_F_PAYEE;
        return;
    }
    const char *shown = it->name;
    if (*it->code && *it->name)
        shown = s_own(owned, vouch_asprintf("%s %s", it->code, it->name));
    else if (*it->code)
        shown = it->code;
    if (*shown)
        s_pairs_add(extra, it->type, shown);
}

/* ---------------------------------------------------------------------------
 * Dates from 年, 月 and 日 */

/* A count cell: "5", "05", "5.0", "5日", "2022年"; -1 when it is none. */
static int s_parse_count(const char *s, const char *unit)
{
    size_t n = s_float_int_len(s);
    size_t digits = strspn(s, "0123456789");
    if (n == 0) {
        n = digits;
        const char *rest = s + n;
        if (n == 0 || n > 6 || (*rest && strcmp(rest, unit) != 0))
            return -1;
    } else if (n > 6) {
        return -1;
    }
    return atoi(s);
}

/* The voucher date of exports that give 年 (or a year in a title row or the
 * file name), 月 and 日 in columns of their own (用友 NC). */
static int s_date_from_parts(vouch_csv_import_t *self, const s_row_t *row, char **norm,
                             int32_t *day)
{
    const char *y = s_cell(self, row, norm, VOUCH_F_YEAR);
    const char *m = s_cell(self, row, norm, VOUCH_F_PERIOD);
    const char *d = s_cell(self, row, norm, VOUCH_F_DAY);
    int year = self->file_year;
    if (*y && (year = s_parse_count(y, "年")) < 1900)
        return s_fail_cell(self, row, self->fcol[VOUCH_F_YEAR], "a year");
    if (year <= 0)
        return s_fail(self, row->line, self->fcol[VOUCH_F_YEAR],
                      "blank year, and no year in a title row or the file name");
    if (!*m || !*d)
        return s_fail(self, row->line, self->fcol[!*m ? VOUCH_F_PERIOD : VOUCH_F_DAY],
                      "blank voucher date");
    int month = s_parse_period(m);
    if (month < 1 || month > 12)
        return s_fail_cell(self, row, self->fcol[VOUCH_F_PERIOD], "a month");
    int dd = s_parse_count(d, "日");
    *day = dd < 1 ? VOUCH_DATE_NONE : vouch_date_from_ymd(year, month, dd);
    if (*day == VOUCH_DATE_NONE) {
        char what[48];
        snprintf(what, sizeof what, "a day of %d-%02d", year, month);
        return s_fail_cell(self, row, self->fcol[VOUCH_F_DAY], what);
    }
    return 0;
}

/* Paged exports repeat the header on every page. */
static bool s_header_again(const vouch_csv_import_t *self, const s_row_t *row)
{
    int n = row->n > self->ncols ? row->n : self->ncols;
    for (int i = 0; i < n; i++) {
        const char *a = i < row->n ? row->cell[i] : "";
        size_t alen = i < row->n ? row->len[i] : 0;
        const char *b = i < self->ncols ? self->col_name[i] : "";
        if (alen != strlen(b) || memcmp(a, b, alen) != 0)
            return false;
    }
    return true;
}

/* The row's cells NFKC'd and trimmed, into the reader's buffers: norm[i]
 * lives until the next row. A cell that is not UTF-8 (they were checked as
 * they arrived) is "". */
static char **s_norm_row(vouch_csv_import_t *self, const s_row_t *row)
{
    if (row->n + 1 > self->norm_cap) {
        self->norm_cap = row->n + 1;
        self->norm = vouch_realloc(self->norm, sizeof *self->norm * (size_t)self->norm_cap);
        self->norm_off =
            vouch_realloc(self->norm_off, sizeof *self->norm_off * (size_t)self->norm_cap);
    }
    vouch_buf_reset(&self->norm_text);
    for (int i = 0; i < row->n; i++) {
        self->norm_off[i] = self->norm_text.len;
        vouch_text_nfkc_append(&self->norm_text, row->cell[i], row->len[i]);
        vouch_buf_putc(&self->norm_text, '\0');
    }
    for (int i = 0; i < row->n; i++)
        self->norm[i] = self->norm_text.data + self->norm_off[i];
    self->norm[row->n] = NULL;
    return self->norm;
}

static int s_data_row(vouch_csv_import_t *self, const s_row_t *row)
{
    if (s_header_again(self, row)) {
        self->stats.dropped++;
        return 0;
    }
    int rc = -1;
    char **norm = s_norm_row(self, row);
    s_owned_t owned = {NULL, 0, 0};
    s_items_t items = {NULL, 0, 0};
    s_pairs_t more = {NULL, 0, 0};
    char *extra = NULL;
#define S_CELL(f) s_cell(self, row, norm, VOUCH_F_##f)
#define S_COL(f) (self->fcol[VOUCH_F_##f])

    /* totals rows: 合计 in the summary, or in the first cell of the row */
    const char *first = "";
    for (int i = 0; i < row->n && !*first; i++)
        first = norm[i];
    vouch_buf_t *folded = &self->folded;
    vouch_buf_reset(folded);
    vouch_text_fold_append(folded, S_CELL(SUMMARY), strlen(S_CELL(SUMMARY)));
    vouch_buf_putc(folded, '\0');
    size_t at = folded->len;
    vouch_text_fold_append(folded, first, strlen(first));
    const char *fsum = folded->data, *ffirst = folded->data + at;
    bool drop = s_equals_any(fsum, s_summary_rows, S_COUNT(s_summary_rows)) ||
                s_equals_any(ffirst, s_summary_rows, S_COUNT(s_summary_rows)) ||
                (!*S_CELL(VOUCHER_DATE) && !*S_CELL(VOUCHER_NO) &&
                 s_contains_any(fsum, s_total_words, S_COUNT(s_total_words)));
    if (drop) {
        self->stats.dropped++;
        rc = 0;
        goto done;
    }
    if (self->max_lines > 0 && self->stats.lines >= self->max_lines) {
        s_fail(self, row->line, -1, "more than %ld lines", self->max_lines);
        goto done;
    }

    vouch_line_t line;
    memset(&line, 0, sizeof line);
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        line.text[t] = "";

    const char *org = S_CELL(ORG);
    if (!*org)
        org = self->org_override ? self->org_override : self->title_org;
    if (!org) {
        s_fail(self, row->line, S_COL(ORG), "blank unit and no --org was given");
        goto done;
    }

    const char *date = S_CELL(VOUCHER_DATE);
    if (self->date_from_parts) {
        if (s_date_from_parts(self, row, norm, &line.voucher_date) != 0)
            goto done;
    } else if (!*date) {
        s_fail(self, row->line, S_COL(VOUCHER_DATE), "blank voucher date");
        goto done;
    } else if (vouch_date_parse(date, strlen(date), &line.voucher_date) != 0) {
        s_fail_cell(self, row, S_COL(VOUCHER_DATE), "a date");
        goto done;
    }
    int year, month;
    vouch_date_to_ymd(line.voucher_date, &year, &month, NULL);
    line.fiscal_year = (int16_t)year;
    line.period = (int16_t)month;
    if (*S_CELL(PERIOD)) {
        int p = s_parse_period(S_CELL(PERIOD));
        if (p < 0) {
            s_fail_cell(self, row, S_COL(PERIOD), "an accounting period");
            goto done;
        }
        line.period = (int16_t)p;
    }

    const char *no_cell = S_CELL(VOUCHER_NO), *word_cell = S_CELL(VOUCHER_WORD);
    char word[S_WORD_SZ], no_word[S_WORD_SZ];
    if (!*no_cell) {
        s_fail(self, row->line, S_COL(VOUCHER_NO), "blank voucher number");
        goto done;
    }
    if (s_float_int_len(no_cell) > 0) /* K/3's 凭证号 through Excel: "23.0" */
        no_cell = s_own(&owned, vouch_strndup(no_cell, s_float_int_len(no_cell)));
    if (vouch_voucher_no_parse(no_cell, no_word, sizeof no_word, &line.voucher_no) != 0) {
        s_fail_cell(self, row, S_COL(VOUCHER_NO), "a voucher number");
        goto done;
    }
    /* the number's own word (记 of 记--0001) over a type column's longer
     * name for it (EAS 凭证类型 记账凭证) */
    if (no_word[0])
        memcpy(word, no_word, sizeof word);
    else
        vouch_voucher_word_clean(word_cell, word, sizeof word);
    line.text[VOUCH_T_VOUCHER_RAW] = no_cell;
    if (*word_cell && !no_word[0])
        line.text[VOUCH_T_VOUCHER_RAW] = s_own(&owned, vouch_asprintf("%s %s", word_cell, no_cell));

    bool by_direction = self->amount_by_direction || (self->direction_fallback && !*S_CELL(DEBIT) &&
                                                      !*S_CELL(CREDIT) && *S_CELL(AMOUNT));
    if (by_direction) {
        int64_t amount;
        const char *a = S_CELL(AMOUNT);
        if (vouch_money_parse(a, strlen(a), &amount) != 0) {
            s_fail_cell(self, row, S_COL(AMOUNT), "an amount");
            goto done;
        }
        int dir = s_parse_direction(S_CELL(DIRECTION));
        if (dir < 0 || (dir == 0 && amount != 0)) {
            s_fail_cell(self, row, S_COL(DIRECTION), "a direction (借 or 贷)");
            goto done;
        }
        line.debit = dir == 1 ? amount : 0;
        line.credit = dir == 2 ? amount : 0;
    } else {
        const char *d = S_CELL(DEBIT), *c = S_CELL(CREDIT);
        if (vouch_money_parse(d, strlen(d), &line.debit) != 0) {
            s_fail_cell(self, row, S_COL(DEBIT), "an amount");
            goto done;
        }
        if (vouch_money_parse(c, strlen(c), &line.credit) != 0) {
            s_fail_cell(self, row, S_COL(CREDIT), "an amount");
            goto done;
        }
    }

    if (s_earliest(self, row, norm, VOUCH_F_BUSINESS_DATE, &line.business_date) != 0 ||
        s_earliest(self, row, norm, VOUCH_F_APPROVAL_DATE, &line.approval_date) != 0)
        goto done;

    /* the dates of every document-date column, in column order */
    vouch_buf_t *docs = &self->docs;
    vouch_buf_reset(docs);
    for (int c = 0; c < row->n && c < self->ncols; c++) {
        if (self->col_field[c] != VOUCH_F_DOCUMENT_DATES || !*norm[c])
            continue;
        const int32_t *dates;
        int n = 0;
        if (s_parse_dates(self, norm[c], &dates, &n) != 0) {
            s_fail_cell(self, row, c, "a date");
            goto done;
        }
        for (int i = 0; i < n; i++) {
            char ymd[16];
            if (docs->len)
                vouch_buf_putc(docs, ';');
            vouch_buf_puts(docs, vouch_date_format(dates[i], ymd));
        }
    }
    if (docs->len)
        line.text[VOUCH_T_DOCUMENT_DATES] = docs->data;

    line.attachments = s_parse_attachments(S_CELL(ATTACHMENTS));
    if (line.attachments == -2) {
        s_fail_cell(self, row, S_COL(ATTACHMENTS), "an attachment count");
        goto done;
    }

    line.text[VOUCH_T_ORG] = org;
    line.text[VOUCH_T_VOUCHER_WORD] = word;
    line.text[VOUCH_T_SRC_LINE_NO] = S_CELL(LINE_NO);
    line.text[VOUCH_T_SUMMARY] = S_CELL(SUMMARY);
    line.text[VOUCH_T_ACCOUNT_NAME] = S_CELL(ACCOUNT_NAME);
    s_code_field(self, S_CELL(ACCOUNT_CODE), VOUCH_T_ACCOUNT_CODE, &line, &owned);
    s_code_field(self, S_CELL(FUNC_CODE), VOUCH_T_FUNC_CODE, &line, &owned);
    s_code_field(self, S_CELL(ECON_CODE), VOUCH_T_ECON_CODE, &line, &owned);
    line.text[VOUCH_T_INDICATOR] = S_CELL(INDICATOR);
    line.text[VOUCH_T_DEPARTMENT] = S_CELL(DEPARTMENT);
    line.text[VOUCH_T_PROJECT] = S_CELL(PROJECT);
    line.text[VOUCH_T_CLAIMANT] = S_CELL(CLAIMANT);
    line.text[VOUCH_T_PAYEE] = self->payee_from_counterparty ? S_CELL(COUNTERPARTY) : S_CELL(PAYEE);
    line.text[VOUCH_T_PAYEE_ACCOUNT] = S_CELL(PAYEE_ACCOUNT);
    line.text[VOUCH_T_PAYMENT_METHOD] = S_CELL(PAYMENT_METHOD);
    line.text[VOUCH_T_PROCUREMENT_METHOD] = S_CELL(PROCUREMENT_METHOD);
    line.text[VOUCH_T_CONTRACT_NO] = S_CELL(CONTRACT_NO);
    line.text[VOUCH_T_INVOICE_NO] = S_CELL(INVOICE_NO);
    line.text[VOUCH_T_PREPARER] = S_CELL(PREPARER);
    line.text[VOUCH_T_REVIEWER] = S_CELL(REVIEWER);
    /* 金蝶 K/3 writes * where a column has no value (结算方式 *, 数量单位 *) */
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        if (strcmp(line.text[t], "*") == 0)
            line.text[t] = "";
    for (int a = 0; a < self->naux; a++)
        s_aux_collect(self, &self->aux[a], row, norm, &items, &owned, &more);
    for (int i = 0; i < items.n; i++)
        s_aux_apply(self, &items.v[i], &line, &owned, &more);
#undef S_CELL
#undef S_COL

    /* a voucher is (org, year, period, word, number); its lines are numbered
     * afresh in file order whatever the export's own numbering */
    bool same = self->have_prev && self->prev_year == line.fiscal_year &&
                self->prev_period == line.period && self->prev_no == line.voucher_no &&
                strcmp(self->prev_word, word) == 0 && strcmp(self->prev_org.data, org) == 0;
    if (!same) {
        vouch_buf_reset(&self->prev_org);
        vouch_buf_puts(&self->prev_org, org);
        memcpy(self->prev_word, word, sizeof word);
        self->prev_year = line.fiscal_year;
        self->prev_period = line.period;
        self->prev_no = line.voucher_no;
        self->have_prev = true;
        self->line_no = 0;
        self->stats.vouchers++;
    }
    line.line_no = ++self->line_no;
    line.seq = ++self->seq;
    line.file_line = row->line > INT32_MAX ? INT32_MAX : (int32_t)row->line;

    extra = s_extra_json(self, row, norm, &more);
    if (self->fn) {
        vouch_error_t cb_err;
        vouch_error_clear(&cb_err);
        if (self->fn(self->arg, &line, extra ? extra : "{}", &cb_err) != 0) {
            /* the caller's reason, with the place filled in if it left it out */
            if (!cb_err.text[0])
                snprintf(cb_err.text, sizeof cb_err.text, "stopped by the line handler");
            s_fail(self, cb_err.line ? cb_err.line : row->line, -1, "%s", cb_err.text);
            if (cb_err.column[0])
                memcpy(self->err.column, cb_err.column, sizeof self->err.column);
            if (cb_err.file[0])
                memcpy(self->err.file, cb_err.file, sizeof self->err.file);
            goto done;
        }
    }
    self->stats.lines++;
    rc = 0;
done:
    free(extra);
    free(items.v);
    free(more.kv);
    s_owned_free(&owned);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Records from libcsv */

static void s_record_reset(vouch_csv_import_t *self)
{
    vouch_buf_reset(&self->cells);
    self->n = 0;
    self->rec_bytes = 0;
    self->rec_line = 0;
}

static void s_save_record(vouch_csv_import_t *self, long line)
{
    s_saved_t *r = &self->pre[self->npre++];
    r->data = vouch_malloc(self->cells.len + 1);
    memcpy(r->data, self->cells.data ? self->cells.data : "", self->cells.len);
    r->data[self->cells.len] = '\0';
    r->cell = vouch_calloc((size_t)self->n + 1, sizeof *r->cell);
    r->len = vouch_calloc((size_t)self->n + 1, sizeof *r->len);
    for (int i = 0; i < self->n; i++) {
        r->cell[i] = r->data + self->off[i];
        r->len[i] = self->len[i];
    }
    r->n = self->n;
    r->line = line;
}

static void s_end_record(vouch_csv_import_t *self)
{
    long line = self->rec_line ? self->rec_line : self->line;
    bool blank = true;
    for (int i = 0; i < self->n && blank; i++)
        blank = s_blank(self->cells.data + self->off[i], self->len[i]);
    if (blank) /* ",,,," rows and rows of spaces */
        return;

    if (!self->have_header) {
        s_save_record(self, line);
        if (self->npre == S_HEADER_SCAN)
            s_choose_header(self);
        return;
    }
    for (int i = 0; i < self->n; i++)
        self->ptr[i] = self->cells.data + self->off[i];
    s_row_t row = {self->ptr, self->len, self->n, line};
    s_data_row(self, &row);
}

static void s_cb_field(void *s, size_t len, void *data)
{
    vouch_csv_import_t *self = data;
    if (self->phase == S_PHASE_FAILED)
        return;
    if (self->rec_line == 0)
        self->rec_line = self->line;
    self->field_line = self->line; /* the next field starts after this delimiter */
    const char *cell = s ? s : "";
    long line = self->rec_line;
    int col = self->n;

    if (len > self->max_field) {
        s_fail(self, line, col, "field longer than %zu bytes", self->max_field);
        return;
    }
    if (self->rec_bytes + len + 1 > self->max_line) {
        s_fail(self, line, col, "line longer than %zu bytes", self->max_line);
        return;
    }
    if (memchr(cell, '\0', len)) {
        s_fail(self, self->line, col, "NUL byte in the text");
        return;
    }
    /* the decoder marked what it could not read; the cell and line are
     * known only here. Its mark (VOUCH_DECODE_BAD, 0xFF) is never UTF-8, so
     * the one check finds it too. */
    if (!vouch_text_valid_utf8(cell, len)) {
        const char *bytes = vouch_decode_bad_bytes(self->dec);
        s_fail(self, self->bad_line ? self->bad_line : self->line, col, "not %s text%s%s%s",
               vouch_decode_charset(self->dec), bytes[0] ? " (bytes " : "", bytes,
               bytes[0] ? ")" : "");
        return;
    }

    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 32;
        self->off = vouch_realloc(self->off, sizeof *self->off * (size_t)self->cap);
        self->len = vouch_realloc(self->len, sizeof *self->len * (size_t)self->cap);
        self->ptr = vouch_realloc(self->ptr, sizeof *self->ptr * (size_t)self->cap);
    }
    self->off[self->n] = self->cells.len;
    self->len[self->n] = len;
    vouch_buf_append(&self->cells, cell, len);
    vouch_buf_putc(&self->cells, '\0');
    self->n++;
    self->rec_bytes += len + 1;
}

static void s_cb_row(int c, void *data)
{
    vouch_csv_import_t *self = data;
    (void)c;
    if (self->phase != S_PHASE_FAILED)
        s_end_record(self);
    s_record_reset(self);
}

/* The line the field now being read started on: after the last delimiter of
 * the record, or where the record started. */
static long s_open_field_line(const vouch_csv_import_t *self)
{
    if (self->n > 0)
        return self->field_line;
    return self->rec_line ? self->rec_line : self->line;
}

/* One piece (at most one line, at most S_PIECE bytes) into libcsv. */
static int s_parse_piece(vouch_csv_import_t *self, const char *p, size_t n)
{
    if (self->bad_line == 0 && memchr(p, VOUCH_DECODE_BAD, n))
        self->bad_line = self->line;
    size_t done = csv_parse(&self->csv, p, n, s_cb_field, s_cb_row, self);
    if (self->phase == S_PHASE_FAILED)
        return -1;
    if (done != n) {
        if (csv_error(&self->csv) == CSV_EPARSE)
            return s_fail(self, self->line, self->n,
                          "a quote inside an unquoted field, or text after a closing quote");
        return s_fail(self, self->line, self->n, "csv parser: %s",
                      csv_strerror(csv_error(&self->csv)));
    }
    if (self->csv.pstate != S_CSV_ROW_NOT_BEGUN && self->rec_line == 0)
        self->rec_line = self->line;

    /* libcsv grows a field without bound: stop it here, and say where a
     * runaway quote began since that is the usual cause */
    size_t pending = self->csv.entry_pos;
    if (pending > self->max_field || self->rec_bytes + pending > self->max_line) {
        bool field = pending > self->max_field;
        long at = s_open_field_line(self);
        if (self->csv.quoted)
            return s_fail(self, at, self->n,
                          "%s longer than %zu bytes (a quoted field opened on line %ld never "
                          "closes?)",
                          field ? "field" : "line", field ? self->max_field : self->max_line, at);
        return s_fail(self, at, self->n, "%s longer than %zu bytes", field ? "field" : "line",
                      field ? self->max_field : self->max_line);
    }
    return 0;
}

/* Where the next c at or after data[from] is, len when there is none. */
static size_t s_find(const char *data, size_t from, size_t len, char c)
{
    const char *p = memchr(data + from, c, len - from);
    return p ? (size_t)(p - data) : len;
}

/* Bytes of UTF-8 text into libcsv, one physical line at a time so that
 * callbacks know which line they are on. A line break is '\n', '\r' or
 * "\r\n". */
static int s_parse(vouch_csv_import_t *self, const char *data, size_t len)
{
    /* the next '\n' and '\r', each looked for again only once passed, so
     * that a file of one kind of line break is scanned once for the other */
    size_t i = 0, nl = s_find(data, 0, len, '\n'), cr = s_find(data, 0, len, '\r');
    while (i < len) {
        if (nl < i)
            nl = s_find(data, i, len, '\n');
        if (cr < i)
            cr = s_find(data, i, len, '\r');
        size_t lim = len - i > S_PIECE ? i + S_PIECE : len;
        size_t j = nl < cr ? nl : cr;
        j = j < lim ? j : lim;
        bool brk = j < lim;
        size_t end = brk ? j + 1 : j;
        if (s_parse_piece(self, data + i, end - i) != 0)
            return -1;
        if (brk) {
            bool after_cr = j == i && self->prev_cr;
            if (data[j] == '\r' || !after_cr)
                self->line++;
            self->prev_cr = data[j] == '\r';
        } else {
            self->prev_cr = false;
        }
        i = end;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Delimiter sniff: the candidate that splits the first records into the same
 * number of columns (three or more) most often, quotes respected */

#define S_SNIFF_CELL 256 /* longer cells are no header cells: not looked up */

typedef struct {
    int records; /* records at the most common width */
    int width;   /* that width (at least 3), 0 when none */
    int hits;    /* most known header cells in one record */
} s_split_t;

typedef struct {
    int counts[S_SNIFF_LINES];
    int nrec;
    int fields;
    uint64_t mask;
    int hits;
    vouch_buf_t cell;
} s_splitter_t;

static void s_split_field(s_splitter_t *sp)
{
    sp->fields++;
    vouch_buf_t *c = &sp->cell;
    if (c->len && c->len < S_SNIFF_CELL && !memchr(c->data, '\0', c->len)) {
        int f = vouch_csv_header_field(c->data);
        if (f >= 0)
            sp->mask |= 1ull << f;
    }
    vouch_buf_reset(c);
}

static void s_split_record(s_splitter_t *sp)
{
    s_split_field(sp);
    sp->counts[sp->nrec++] = sp->fields;
    int hits = s_popcount(sp->mask);
    if (hits > sp->hits)
        sp->hits = hits;
    sp->fields = 0;
    sp->mask = 0;
}

/* The window split at delim as libcsv would: a field that opens with a quote
 * runs to its closing quote, line breaks included. A record cut by the end of
 * the window counts only when the file ends there. */
static s_split_t s_sniff_split(const char *buf, size_t len, char delim, bool final)
{
    s_splitter_t sp;
    memset(&sp, 0, sizeof sp);
    vouch_buf_init(&sp.cell);
    bool quoted = false, blank = true, field_start = true;
    size_t i = 0;
    for (; i < len && sp.nrec < S_SNIFF_LINES; i++) {
        char c = buf[i];
        if (quoted) {
            if (c == '"' && i + 1 < len && buf[i + 1] == '"')
                i++;
            else if (c == '"')
                quoted = false;
            if ((c != '"' || quoted) && sp.cell.len < S_SNIFF_CELL)
                vouch_buf_putc(&sp.cell, c);
            continue;
        }
        if (c == '"' && field_start) {
            quoted = true;
            blank = field_start = false;
        } else if (c == delim) {
            s_split_field(&sp);
            blank = false;
            field_start = true;
        } else if (c == '\n' || c == '\r') {
            if (!blank || sp.cell.len)
                s_split_record(&sp);
            vouch_buf_reset(&sp.cell);
            sp.fields = 0;
            sp.mask = 0;
            blank = field_start = true;
        } else {
            if (sp.cell.len < S_SNIFF_CELL)
                vouch_buf_putc(&sp.cell, c);
            blank = field_start = false;
        }
    }
    if (final && i >= len && sp.nrec < S_SNIFF_LINES && (!blank || sp.cell.len))
        s_split_record(&sp);
    vouch_buf_free(&sp.cell);

    s_split_t r = {0, 0, sp.hits};
    for (int a = 0; a < sp.nrec; a++) {
        if (sp.counts[a] < 3)
            continue;
        int same = 0;
        for (int b = 0; b < sp.nrec; b++)
            same += sp.counts[b] == sp.counts[a];
        if (same > r.records || (same == r.records && sp.counts[a] > r.width)) {
            r.records = same;
            r.width = sp.counts[a];
        }
    }
    return r;
}

static void s_sniff_decide(vouch_csv_import_t *self, bool final)
{
    static const char candidates[] = {',', '\t', ';', '|'};
    size_t lim = self->sniff.len < S_SNIFF_BYTES ? self->sniff.len : S_SNIFF_BYTES;
    const char *buf = self->sniff.data ? self->sniff.data : "";
    final = final && lim == self->sniff.len;
    /* a delimiter that makes a header (three known columns) beats one that
     * does not; then the most rows of one width; then the better header;
     * then the order above, comma first, as most exports write */
    size_t pick = 0;
    s_split_t best = s_sniff_split(buf, lim, candidates[0], final);
    for (size_t k = 1; k < sizeof candidates; k++) {
        s_split_t r = s_sniff_split(buf, lim, candidates[k], final);
        bool header = r.hits >= 3, best_header = best.hits >= 3;
        if (header != best_header       ? header
            : r.records != best.records ? r.records > best.records
                                        : r.hits > best.hits) {
            pick = k;
            best = r;
        }
    }
    self->delim = (unsigned char)candidates[pick];
    self->stats.delimiter = candidates[pick];
    csv_set_delim(&self->csv, self->delim);
}

/* Count the complete non-blank lines of the sniff window, going on from
 * where the last call stopped (chunks may be a byte each). */
static int s_sniff_lines(vouch_csv_import_t *self)
{
    size_t lim = self->sniff.len < S_SNIFF_BYTES ? self->sniff.len : S_SNIFF_BYTES;
    for (; self->sniff_scan < lim; self->sniff_scan++) {
        char c = self->sniff.data[self->sniff_scan];
        if (c == '\n' || c == '\r') {
            self->sniff_lines += self->sniff_scan > self->sniff_start;
            self->sniff_start = self->sniff_scan + 1;
        }
    }
    return self->sniff_lines;
}

/* Sniff done: parse what was held, then the rest of the chunk. */
static int s_sniff_flush(vouch_csv_import_t *self, const char *rest, size_t rest_len, bool final)
{
    s_sniff_decide(self, final);
    self->phase = S_PHASE_PARSE;
    int rc = s_parse(self, self->sniff.data ? self->sniff.data : "", self->sniff.len);
    vouch_buf_free(&self->sniff);
    if (rc == 0 && rest_len)
        rc = s_parse(self, rest, rest_len);
    return rc;
}

static int s_decoded(vouch_csv_import_t *self, const char *data, size_t len)
{
    if (self->phase == S_PHASE_PARSE)
        return s_parse(self, data, len);
    /* the sniff holds at most its window, however large the chunk */
    size_t room = S_SNIFF_BYTES - self->sniff.len;
    size_t take = len < room ? len : room;
    vouch_buf_append(&self->sniff, data, take);
    if (self->sniff.len >= S_SNIFF_BYTES || s_sniff_lines(self) >= S_SNIFF_LINES)
        return s_sniff_flush(self, data + take, len - take, false);
    return 0;
}

/* Text from the decoder: UTF-8, with marks where bytes could not be read. */
static int s_on_text(void *arg, const char *text, size_t len)
{
    vouch_csv_import_t *self = arg;
    if (self->phase == S_PHASE_FAILED)
        return -1;
    self->stats.encoding = vouch_decode_encoding(self->dec);
    return s_decoded(self, text, len);
}

/* After the decoder returned: its own failure (iconv cannot start) becomes
 * the reader's; a failure of the reader is already recorded. */
static int s_after_decode(vouch_csv_import_t *self, int rc, const vouch_error_t *derr)
{
    self->stats.encoding = vouch_decode_encoding(self->dec);
    if (rc != 0 && self->phase != S_PHASE_FAILED)
        s_fail(self, 0, -1, "%s", derr->text[0] ? derr->text : "the text cannot be decoded");
    return self->phase == S_PHASE_FAILED ? -1 : rc;
}

/* ---------------------------------------------------------------------------
 * Public */

vouch_csv_import_t *vouch_csv_import_new(const vouch_csv_import_opts_t *opts, vouch_csv_line_fn *fn,
                                         void *arg)
{
    vouch_csv_import_t *self = vouch_calloc(1, sizeof *self);
    if (opts && opts->file_name)
        self->file_name = vouch_strdup(opts->file_name);
    if (opts && opts->org_override && opts->org_override[0])
        self->org_override = vouch_strdup(opts->org_override);
    self->max_field = opts && opts->max_field_bytes ? opts->max_field_bytes : S_FIELD_DEFAULT;
    self->max_line = opts && opts->max_line_bytes ? opts->max_line_bytes : S_LINE_DEFAULT;
    self->max_lines = opts && opts->max_lines > 0 ? opts->max_lines : 0;
    self->fn = fn;
    self->arg = arg;
    self->phase = S_PHASE_SNIFF;
    self->dec = vouch_decode_new(s_on_text, self);
    self->stats.encoding = "";
    self->delim = ',';
    self->line = 1;
    vouch_buf_init(&self->sniff);
    vouch_buf_init(&self->cells);
    vouch_buf_init(&self->prev_org);
    vouch_buf_init(&self->norm_text);
    vouch_buf_init(&self->folded);
    vouch_buf_init(&self->docs);
    for (int f = 0; f < VOUCH_F_COUNT; f++)
        self->fcol[f] = -1;

    if (csv_init(&self->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(self);
        return NULL;
    }
    /* out of memory aborts in one place; and a block larger than libcsv's
     * 128 bytes, since it grows its field buffer one block at a time */
    csv_set_realloc_func(&self->csv, vouch_realloc);
    csv_set_free_func(&self->csv, free);
    csv_set_blk_size(&self->csv, 16384);
    return self;
}

void vouch_csv_import_destroy(vouch_csv_import_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_csv_import_t *self = *self_p;
    csv_free(&self->csv);
    vouch_decode_destroy(&self->dec);
    vouch_buf_free(&self->sniff);
    vouch_buf_free(&self->cells);
    free(self->off);
    free(self->len);
    free(self->ptr);
    for (int i = 0; i < self->npre; i++)
        s_saved_free(&self->pre[i]);
    for (int i = 0; i < self->ncols; i++) {
        free(self->col_name[i]);
        free(self->col_key[i]);
    }
    free(self->col_name);
    free(self->col_key);
    free(self->col_field);
    free(self->title_org);
    free(self->aux);
    vouch_buf_free(&self->prev_org);
    vouch_buf_free(&self->norm_text);
    free(self->norm);
    free(self->norm_off);
    vouch_buf_free(&self->folded);
    vouch_buf_free(&self->docs);
    free(self->dates);
    free(self->file_name);
    free(self->org_override);
    free(self);
    *self_p = NULL;
}

static int s_result(const vouch_csv_import_t *self, int rc, vouch_error_t *err)
{
    if (rc != 0 && err)
        *err = self->err;
    return rc;
}

int vouch_csv_import_feed(vouch_csv_import_t *self, const char *data, size_t len,
                          vouch_error_t *err)
{
    if (self->phase == S_PHASE_FAILED)
        return s_result(self, -1, err);
    if (self->phase == S_PHASE_DONE) {
        s_fail(self, 0, -1, "data fed after the end of the file");
        return s_result(self, -1, err);
    }
    if (self->rows) {
        s_fail(self, 0, -1, "bytes given to a reader of rows");
        return s_result(self, -1, err);
    }
    if (len == 0)
        return 0;
    vouch_error_t derr;
    vouch_error_clear(&derr);
    int rc = vouch_decode_feed(self->dec, data, len, &derr);
    return s_result(self, s_after_decode(self, rc, &derr), err);
}

int vouch_csv_import_row(vouch_csv_import_t *self, long line, const char *const *cells, size_t n,
                         vouch_error_t *err)
{
    if (self->phase == S_PHASE_FAILED)
        return s_result(self, -1, err);
    if (self->phase == S_PHASE_DONE || (self->phase == S_PHASE_PARSE && !self->rows)) {
        s_fail(self, line, -1, "a row given to a reader of text, or after the end");
        return s_result(self, -1, err);
    }
    if (!self->rows) {
        self->rows = true;
        self->phase = S_PHASE_PARSE;
        self->stats.encoding = "UTF-8 (workbook cells)";
    }
    if (n > INT_MAX / 2) {
        s_fail(self, line, -1, "%zu cells in one row", n);
        return s_result(self, -1, err);
    }
    /* the cells go the way libcsv's would: the same limits, checks and record */
    s_record_reset(self);
    self->line = line;
    self->rec_line = line;
    for (size_t i = 0; i < n && self->phase != S_PHASE_FAILED; i++)
        s_cb_field((void *)cells[i], strlen(cells[i]), self);
    s_cb_row(0, self);
    return s_result(self, self->phase == S_PHASE_FAILED ? -1 : 0, err);
}

int vouch_csv_import_finish(vouch_csv_import_t *self, vouch_error_t *err)
{
    if (self->phase == S_PHASE_DONE)
        return 0;
    if (self->phase == S_PHASE_FAILED)
        return s_result(self, -1, err);
    if (self->rows)
        goto records_done;
    vouch_error_t derr;
    vouch_error_clear(&derr);
    if (s_after_decode(self, vouch_decode_finish(self->dec, &derr), &derr) != 0)
        return s_result(self, -1, err);
    if (self->phase == S_PHASE_SNIFF && s_sniff_flush(self, NULL, 0, true) != 0)
        return s_result(self, -1, err);
    if (self->phase == S_PHASE_FAILED)
        return s_result(self, -1, err);

    if (csv_fini(&self->csv, s_cb_field, s_cb_row, self) != 0) {
        s_fail(self, s_open_field_line(self), self->n, "unterminated quoted field");
        return s_result(self, -1, err);
    }
    if (self->phase == S_PHASE_FAILED)
        return s_result(self, -1, err);
records_done:
    if (!self->have_header) {
        if (self->npre == 0) {
            s_fail(self, 0, -1, "%s", S_NO_HEADER);
            return s_result(self, -1, err);
        }
        if (s_choose_header(self) != 0)
            return s_result(self, -1, err);
    }
    if (self->stats.lines == 0) {
        s_fail(self, 0, -1, "no voucher lines after the header");
        return s_result(self, -1, err);
    }
    self->phase = S_PHASE_DONE;
    return 0;
}

const vouch_csv_import_stats_t *vouch_csv_import_stats(const vouch_csv_import_t *self)
{
    return &self->stats;
}

int vouch_csv_import_header(const vouch_csv_import_t *self, const char *const **names,
                            const int **fields)
{
    if (!self->have_header)
        return 0;
    *names = (const char *const *)self->col_name;
    *fields = self->col_field;
    return self->ncols;
}

uint64_t vouch_csv_import_fields(const vouch_csv_import_t *self)
{
    return self->fields;
}
