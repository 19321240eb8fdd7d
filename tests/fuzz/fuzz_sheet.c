/* fuzz_sheet.c: libFuzzer target for the .xlsx reader (xlsx.c: libzip and
 * expat under vouch's own code): the input is written to a file, since a zip
 * is read by seeking. .xls is FreeXL's code, which this target found reading
 * past a stack buffer on a damaged file; vouchd and vouchctl therefore run it
 * in the vouch-xls helper process (sheet_isolate.c), and it is not fuzzed
 * here. Every row that
 * comes out must be text a user could be shown: UTF-8, within the limits,
 * rows in order; a refusal must say why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheet.h"
#include "text.h"

#define S_CHECK(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_sheet: contract broken: %s (%s:%d)\n", #cond, __FILE__,          \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char s_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(s_path, sizeof s_path, "/tmp/fuzz-sheet-%d", (int)getpid());
    return 0;
}

static int s_on_row(void *arg, long row, const char *const *cells, size_t ncells,
                    vouch_error_t *err)
{
    long *last = arg;
    (void)err;
    S_CHECK(row > *last && row <= VOUCH_SHEET_ROWS_MAX);
    *last = row;
    S_CHECK(ncells <= VOUCH_SHEET_COLS_MAX);
    for (size_t i = 0; i < ncells; i++) {
        size_t len = strlen(cells[i]);
        S_CHECK(len <= VOUCH_SHEET_CELL_MAX);
        S_CHECK(vouch_text_valid_utf8(cells[i], len));
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_sheet_kind_t kind = vouch_sheet_sniff(data, size);
    if (kind != VOUCH_SHEET_XLSX)
        return 0;
    FILE *f = fopen(s_path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    long last = 0;
    char sheet[128];
    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = vouch_sheet_read(s_path, kind, "fuzz", s_on_row, &last, sheet, sizeof sheet, &err);
    if (rc != 0)
        S_CHECK(err.text[0] != '\0');
    unlink(s_path);
    return 0;
}
