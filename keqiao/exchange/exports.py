"""The spreadsheets of bulk import: the template (column names, an example row, a sheet explaining each
column) and the report of an import (every row with its outcome or its error)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from keqiao.common.spreadsheets import workbook_bytes

from .layouts import columns_of

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_workbook(kind: str, *, bureau: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Records")
    columns = columns_of(kind, bureau=bureau)
    ws.append([c.template_header for c in columns])
    ws.append([c.example for c in columns])
    for cell, column in zip(ws[1], columns, strict=True):
        cell.font = HEADER_FONT
        if column.required:
            cell.fill = REQUIRED_FILL
        ws.column_dimensions[cell.column_letter].width = max(12, min(40, len(column.example) * 2))
    notes = wb.create_sheet(_("Columns"))
    notes.append([_("Column"), _("Field"), _("Required"), _("Also recognised as"), _("Example")])
    for cell in notes[1]:
        cell.font = HEADER_FONT
    for column in columns:
        notes.append(
            [
                column.template_header,
                str(column.label),
                _("yes") if column.required else "",
                "、".join(column.aliases[1:]),
                column.example,
            ]
        )
    notes.append([])
    notes.append([_("Delete the example row before importing. Lists (keywords, people) are separated by ；")])
    return workbook_bytes(wb)


def report_workbook(batch) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Report")
    ws.append([_("Row"), pgettext("import outcome", "Outcome"), _("Record id"), _("Note")])
    labels = {"created": _("Created"), "updated": _("Updated"), "skipped": _("Skipped as a duplicate")}
    for item in batch.report.get("outcomes", []):
        ws.append(
            [
                item["row"],
                labels.get(item["outcome"], item["outcome"]),
                item["object_id"],
                item.get("note", ""),
            ]
        )
    if batch.errors:
        errors = wb.create_sheet(_("Errors"))
        errors.append([_("Row"), _("Column"), _("Field"), _("Error")])
        for e in batch.errors:
            errors.append([e["row"], e["column"], e["field"], e["message"]])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = HEADER_FONT
    return workbook_bytes(wb)
