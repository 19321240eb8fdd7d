/* vouch_xls.c: vouch-xls, the helper that reads one .xls file with FreeXL
 * and writes its rows to stdout for vouchd or vouchctl (sheet_isolate.c).
 * FreeXL is not trusted with hostile files in vouchd's own process.
 *   vouch-xls PATH [DISPLAY-NAME] */
#include <stdio.h>
#include <unistd.h>

#include "sheet.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || isatty(STDOUT_FILENO)) {
        fprintf(stderr, "usage: vouch-xls PATH [NAME] | ...  (run by vouchd and vouchctl)\n");
        return 2;
    }
    return vouch_sheet_xls_serve(argv[1], argc == 3 ? argv[2] : argv[1], STDOUT_FILENO);
}
