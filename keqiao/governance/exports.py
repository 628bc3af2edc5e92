"""Plans to and from Excel (one shape for export and import), and the printable PDF progress report.

Sheet names, column headers and coded values (data source, platform statistic, annual or cumulative)
are written in the reader's language; the import accepts them in any of the site's languages, so a
workbook exported in English imports as well as one in Chinese. The PDF (keqiao.common.pdf) embeds a CJK
font, numbers its pages and draws the dashboard's charts from the same figures the page shows.
"""

import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from keqiao.common import pdf
from keqiao.common.units import unit_label

from .indicators import QUERY_LABELS
from .models import ActionPlan

SHEETS = {
    "plan": pgettext_lazy("plan workbook sheet", "Plan"),
    "indicators": pgettext_lazy("plan workbook sheet", "Indicators"),
    "tasks": pgettext_lazy("plan workbook sheet", "Tasks"),
}
PLAN_FIELDS = [
    ("title", pgettext_lazy("plan workbook field", "Plan title")),
    ("document_number", pgettext_lazy("plan workbook field", "Document number")),
    ("issuing_body", pgettext_lazy("plan workbook field", "Issued by")),
    ("starts_on", pgettext_lazy("plan workbook field", "Start date")),
    ("ends_on", pgettext_lazy("plan workbook field", "End date")),
]
INDICATOR_COLUMNS = [
    ("number", pgettext_lazy("plan workbook column", "No.")),
    ("name", pgettext_lazy("plan workbook column", "Indicator")),
    ("target", pgettext_lazy("plan workbook column", "Target value")),
    ("unit", pgettext_lazy("plan workbook column", "Unit")),
    ("deadline", pgettext_lazy("plan workbook column", "Deadline")),
    ("source", pgettext_lazy("plan workbook column", "Data source")),
    ("query", pgettext_lazy("plan workbook column", "Statistical definition")),
    ("department", pgettext_lazy("plan workbook column", "Reporting department")),
    ("cumulative", pgettext_lazy("plan workbook column", "Cumulative or annual")),
]
TASK_COLUMNS = [
    ("number", pgettext_lazy("plan workbook column", "No.")),
    ("work_area", pgettext_lazy("plan workbook column", "Key work area")),
    ("title", pgettext_lazy("plan workbook column", "Key task")),
    ("content", pgettext_lazy("plan workbook column", "Task content")),
    ("departments", pgettext_lazy("plan workbook column", "Responsible departments (lead department first)")),
    ("schedule", pgettext_lazy("plan workbook column", "Time schedule")),
]
PROGRESS_COLUMNS = [
    pgettext_lazy("plan workbook column", "Actual value"),
    pgettext_lazy("plan workbook column", "Share reached (%)"),
    pgettext_lazy("plan workbook column", "Time elapsed (%)"),
    pgettext_lazy("plan workbook column", "Assessment"),
]
SOURCE_LABELS = {
    "query": pgettext_lazy("indicator source", "Platform statistic"),
    "reported": pgettext_lazy("indicator source", "Reported by a department"),
}
CUMULATIVE_LABELS = {
    True: pgettext_lazy("indicator period", "Cumulative"),
    False: pgettext_lazy("indicator period", "Annual"),
}


def _languages(label) -> set[str]:
    """`label` in every language of the site (and its message id): what an import accepts."""
    names = {str(label).strip()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label).strip())
    return names


def sheet_names() -> tuple[str, str, str]:
    """The three sheets' names in the active language (plan, indicators, tasks)."""
    return tuple(str(SHEETS[k]) for k in ("plan", "indicators", "tasks"))


def _decode(value, labels: dict):
    """A coded cell back to its code: a label in any language, or the code itself."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    for code, label in labels.items():
        if text in _languages(label):
            return code
    return text


def _safe(value):
    """Text without the characters XML forbids (formulas are neutralised when the workbook is saved)."""
    if not isinstance(value, str):
        return value
    from keqiao.common.spreadsheets import safe_text  # loads openpyxl: only when a workbook is made

    return safe_text(value)


def plan_xlsx(plan: ActionPlan | None, progress_rows) -> bytes:
    # heavy (~250 ms to import): openpyxl is loaded only when a workbook is made
    from openpyxl import Workbook
    from openpyxl.styles import Font  # openpyxl: workbook export only

    from keqiao.common.spreadsheets import workbook_bytes  # loads openpyxl: workbook export only

    plan_sheet, indicator_sheet, task_sheet = sheet_names()
    wb = Workbook()
    ws = wb.active
    ws.title = plan_sheet
    for label_row, (key, label) in enumerate(PLAN_FIELDS, start=1):
        ws.cell(row=label_row, column=1, value=str(label)).font = Font(bold=True)
        ws.cell(row=label_row, column=2, value=_safe(getattr(plan, key)) if plan else None)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 16, 60

    wi = wb.create_sheet(indicator_sheet)
    by_indicator = {p.indicator.pk: p for p in progress_rows or []}
    headers = [label for _key, label in INDICATOR_COLUMNS] + (PROGRESS_COLUMNS if progress_rows else [])
    wi.append([str(h) for h in headers])
    for ind in plan.indicators.select_related("department") if plan else []:
        row = [
            ind.number,
            _safe(ind.name),
            ind.target_value,
            _safe(ind.unit),
            ind.deadline,
            str(SOURCE_LABELS.get(ind.source, ind.source)),
            str(QUERY_LABELS.get(ind.query, ind.query)) if ind.query else "",
            ind.department.name if ind.department else "",
            str(CUMULATIVE_LABELS[bool(ind.cumulative)]),
        ]
        p = by_indicator.get(ind.pk)
        if p is not None:
            row += [p.actual, p.reached, p.elapsed, p.status_label]
        wi.append(row)
    for col, width in zip("ABCDEFGHIJKLM", [6, 40, 12, 8, 12, 14, 40, 18, 12, 12, 12, 12, 14], strict=False):
        wi.column_dimensions[col].width = width
    for cells in wi.iter_rows(min_row=2):
        cells[2].number_format = "#,##0.00"
        cells[4].number_format = "yyyy-mm-dd"

    wt = wb.create_sheet(task_sheet)
    wt.append([str(label) for _key, label in TASK_COLUMNS])
    tasks = plan.tasks.prefetch_related("assignments__department") if plan else []
    for task in tasks:
        wt.append(
            [
                task.number,
                _safe(task.work_area),
                _safe(task.title),
                _safe(task.content),
                "、".join(a.department.name for a in task.assignments.all()),
                _safe(task.schedule),
            ]
        )
    for col, width in zip("ABCDEF", [6, 30, 30, 60, 40, 20], strict=True):
        wt.column_dimensions[col].width = width
    for sheet in (wi, wt):
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(wb)


def _sheet(wb, key: str):
    names = _languages(SHEETS[key])
    return next((wb[name] for name in wb.sheetnames if name.strip() in names), None)


def read_plan_xlsx(uploaded) -> dict:
    """Read a workbook in the export's shape (in any of the site's languages) into plan data; refuse
    missing sheets or columns. Coded cells come back as codes."""
    # heavy (~250 ms to import): openpyxl is loaded only when a workbook is uploaded
    from openpyxl import load_workbook

    try:
        wb = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for files that are not workbooks
        raise ValidationError(_("This file is not an Excel workbook (.xlsx).")) from exc
    sheets = {key: _sheet(wb, key) for key in SHEETS}
    missing = [str(SHEETS[key]) for key, sheet in sheets.items() if sheet is None]
    if missing:
        raise ValidationError(_("The workbook lacks the sheets: %(names)s.") % {"names": "、".join(missing)})
    labels = {name: key for key, label in PLAN_FIELDS for name in _languages(label)}
    data: dict = {}
    for row in sheets["plan"].iter_rows(values_only=True):
        if row and isinstance(row[0], str) and row[0].strip() in labels:
            data[labels[row[0].strip()]] = row[1] if len(row) > 1 else None
    data["indicators"] = _rows(sheets["indicators"], INDICATOR_COLUMNS)
    for item in data["indicators"]:
        item["source"] = _decode(item.get("source"), SOURCE_LABELS)
        item["query"] = _decode(item.get("query"), QUERY_LABELS)
        if "cumulative" in item:
            item["cumulative"] = _decode(item["cumulative"], CUMULATIVE_LABELS)
    data["tasks"] = _rows(sheets["tasks"], TASK_COLUMNS)
    return data


def _rows(sheet, columns: list) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    index, missing = {}, []
    for key, label in columns:
        position = next((i for i, h in enumerate(header) if h in _languages(label)), None)
        if position is None:
            missing.append(str(label))
        else:
            index[key] = position
    if missing:
        raise ValidationError(
            _("Sheet %(sheet)s lacks the columns: %(names)s.")
            % {"sheet": sheet.title, "names": "、".join(missing)}
        )
    out = []
    for number, row in enumerate(rows, start=2):
        if not row or all(v in (None, "") for v in row):
            continue
        item = {key: row[i] if i < len(row) else None for key, i in index.items()}
        item["_row"] = number
        if "cumulative" in item and item["cumulative"] is None:
            del item["cumulative"]
        out.append(item)
    return out


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _charts(progress_rows, font: str, width: float) -> list:
    """The dashboard's charts: each indicator's value by year against its target."""
    drawings = []
    for row in progress_rows:
        ind = row.indicator
        drawings.append(
            pdf.bar_chart(
                title=f"{ind.number}. {ind.name} ({unit_label(ind.unit)})",
                categories=[y for y, _v in row.trend],
                values=[v for _y, v in row.trend],
                target=ind.target_value,
                target_label=_("Target"),
                font=font,
                width=width,
            )
        )
    return drawings


def plan_pdf(plan: ActionPlan, progress_rows, tasks) -> bytes:
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle  # PDF only

    font = pdf.cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)

    def p(text, style=body):
        return pdf.paragraph(text, style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=plan.title,
        author="科桥 Keqiao",
    )
    story = [
        p(plan.title, title),
        p(
            f"{plan.document_number}　{plan.issuing_body}　{plan.starts_on:%Y-%m-%d} — {plan.ends_on:%Y-%m-%d}"
        ),
        p(
            _("Progress as of %(date)s, computed from the platform's records where marked.")
            % {"date": timezone.localdate().isoformat()},
            small,
        ),
        p(_("Indicators"), h2),
    ]
    headers = (
        pgettext_lazy("plan workbook column", "No."),
        _("Indicator"),
        _("Target"),
        _("Actual"),
        _("Reached"),
        _("Time elapsed"),
        _("Assessment"),
        _("Data source"),
    )
    grid = [[p(h, small) for h in headers]]
    for row in progress_rows:
        ind = row.indicator
        unit = unit_label(ind.unit)
        source = (
            str(SOURCE_LABELS["query"])
            if ind.source == "query"
            else f"{SOURCE_LABELS['reported']}: {ind.department.name if ind.department else ''}"
        )
        grid.append(
            [
                p(ind.number, small),
                p(ind.name, small),
                p(f"{_fmt(ind.target_value)} {unit}", small),
                p(f"{_fmt(row.actual)} {unit}" if row.actual is not None else "—", small),
                p(f"{row.reached}%" if row.reached is not None else "—", small),
                p(f"{row.elapsed}%", small),
                p(row.status_label, small),
                p(source, small),
            ]
        )
    widths = [10 * mm, 52 * mm, 22 * mm, 22 * mm, 16 * mm, 16 * mm, 18 * mm, 24 * mm]
    table = Table(grid, colWidths=widths, repeatRows=1, splitInRow=1)
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    table.setStyle(style)
    story.append(table)
    charts = _charts(progress_rows, font, 88 * mm)
    if charts:
        story.append(p(_("Indicators by year"), h2))
        pairs = [charts[i : i + 2] + [""] * (2 - len(charts[i : i + 2])) for i in range(0, len(charts), 2)]
        story.append(Table(pairs, colWidths=[90 * mm, 90 * mm], hAlign="LEFT"))
    story.append(p(_("Tasks and responsible departments (lead department first)"), h2))
    grid = [[p(label, small) for _key, label in TASK_COLUMNS]]
    for task in tasks:
        grid.append(
            [
                p(task.number, small),
                p(task.work_area, small),
                p(task.title, small),
                p(task.content, small),
                p("、".join(a.department.name for a in task.assignments.all()), small),
                p(task.schedule, small),
            ]
        )
    table = Table(
        grid, colWidths=[10 * mm, 28 * mm, 28 * mm, 66 * mm, 32 * mm, 16 * mm], repeatRows=1, splitInRow=1
    )
    table.setStyle(style)
    story.append(table)
    story.append(Spacer(1, 4 * mm))
    doc.build(story, canvasmaker=pdf.numbered_canvas(font))
    return buffer.getvalue()
