#!/usr/bin/env python3
"""read_xlsx.py FILE: a workbook as openpyxl (as a spreadsheet program) reads it,
dumped as JSON for the integration tests to question with jq:

  [{"name", "freeze_panes", "auto_filter", "widths": {"A": 16.0, ...},
    "rows": [[value, ...], ...],      # dates as "YYYY-MM-DDTHH:MM:SS"
    "types": [["int"|"float"|"str"|"datetime"|"NoneType", ...], ...],
    "formats": [["General"|"#,##0.00"|"yyyy-mm-dd", ...], ...]}, ...]
"""
import datetime
import json
import sys

import openpyxl


def main():
    book = openpyxl.load_workbook(sys.argv[1])
    sheets = []
    for ws in book.worksheets:
        rows, types, formats = [], [], []
        for row in ws.iter_rows():
            rows.append([c.value.isoformat() if isinstance(c.value, datetime.datetime)
                         else c.value for c in row])
            types.append([type(c.value).__name__ for c in row])
            formats.append([c.number_format for c in row])
        sheets.append({
            "name": ws.title,
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "rows": rows,
            "types": types,
            "formats": formats,
        })
    json.dump(sheets, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
