"""The one way the platform writes spreadsheets: text that a spreadsheet program would read as a
formula (or a DDE call) stays text, shown exactly as typed, and characters XML forbids are dropped.

Every .xlsx the platform hands out goes through `workbook_bytes` (or, for streamed write-only sheets,
`text_cell`), so a project name such as ``=cmd|' /C calc'!A0`` or ``=HYPERLINK(...)`` never becomes a
live formula. The platform itself writes no formulas.
"""

import io
import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Text a spreadsheet program would read as a formula (or a DDE call): =, +, -, @, tab, carriage return.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def safe_text(value) -> str:
    """Text without the characters XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))


def text_cell(ws, value):
    """For write-only sheets: a text cell that is never a formula (stored as a string with Excel's
    hidden quote prefix, so it shows exactly as typed)."""
    text = safe_text(value)
    if not FORMULA_START.match(text):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def neutralise(workbook) -> int:
    """Turn every cell of a (normal, not write-only) workbook that would start a formula into plain
    text with the quote prefix; returns how many cells it changed."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and FORMULA_START.match(cell.value):
                    cell.value = safe_text(cell.value)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def workbook_bytes(workbook) -> bytes:
    """The .xlsx file of `workbook`, every text cell neutralised first."""
    if not getattr(workbook, "write_only", False):
        neutralise(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
