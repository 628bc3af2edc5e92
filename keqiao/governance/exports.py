"""Plans to and from Excel (one shape for export and import), and the printable PDF progress report.

The PDF uses reportlab's built-in CID font STSong-Light, so Chinese needs no font files, and CJK line
breaking (wordWrap="CJK").
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape  # nosec B406  # escapes output for reportlab; parses no XML

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ActionPlan

PLAN_SHEET, INDICATOR_SHEET, TASK_SHEET = "方案", "指标", "任务"
PLAN_FIELDS = [
    ("title", "方案名称"),
    ("document_number", "文号"),
    ("issuing_body", "印发机关"),
    ("starts_on", "起始日期"),
    ("ends_on", "截止日期"),
]
INDICATOR_COLUMNS = [
    "序号",
    "指标名称",
    "目标值",
    "单位",
    "截止日期",
    "数据来源",
    "统计口径",
    "填报部门",
    "累计或年度",
]
TASK_COLUMNS = ["序号", "重点工作", "重点任务", "工作内容", "责任部门（排第一位为牵头部门）", "时间安排"]
PROGRESS_COLUMNS = ["实际值", "完成比例（%）", "时间进度（%）", "进度评价"]


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

    wb = Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    for label_row, (key, label) in enumerate(PLAN_FIELDS, start=1):
        ws.cell(row=label_row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=label_row, column=2, value=_safe(getattr(plan, key)) if plan else None)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 60

    wi = wb.create_sheet(INDICATOR_SHEET)
    by_indicator = {p.indicator.pk: p for p in progress_rows or []}
    wi.append(INDICATOR_COLUMNS + (PROGRESS_COLUMNS if progress_rows else []))
    for ind in plan.indicators.select_related("department") if plan else []:
        row = [
            ind.number,
            _safe(ind.name),
            ind.target_value,
            _safe(ind.unit),
            ind.deadline,
            "平台统计" if ind.source == "query" else "部门填报",
            ind.query,
            ind.department.name if ind.department else "",
            "累计" if ind.cumulative else "年度",
        ]
        p = by_indicator.get(ind.pk)
        if p is not None:
            row += [p.actual, p.reached, p.elapsed, p.status_label]
        wi.append(row)
    for col, width in zip("ABCDEFGHIJKLM", [6, 40, 12, 8, 12, 10, 24, 18, 10, 12, 12, 12, 14], strict=False):
        wi.column_dimensions[col].width = width
    for cells in wi.iter_rows(min_row=2):
        cells[2].number_format = "#,##0.00"
        cells[4].number_format = "yyyy-mm-dd"

    wt = wb.create_sheet(TASK_SHEET)
    wt.append(TASK_COLUMNS)
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


def read_plan_xlsx(uploaded) -> dict:
    """Read a workbook in the export's shape into plan data; refuse missing sheets or columns."""
    # heavy (~250 ms to import): openpyxl is loaded only when a workbook is uploaded
    from openpyxl import load_workbook

    try:
        wb = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for files that are not workbooks
        raise ValidationError(_("This file is not an Excel workbook (.xlsx).")) from exc
    missing = [name for name in (PLAN_SHEET, INDICATOR_SHEET, TASK_SHEET) if name not in wb.sheetnames]
    if missing:
        raise ValidationError(_("The workbook lacks the sheets: %(names)s.") % {"names": "、".join(missing)})
    labels = {label: key for key, label in PLAN_FIELDS}
    data: dict = {}
    for row in wb[PLAN_SHEET].iter_rows(values_only=True):
        if row and row[0] in labels:
            data[labels[row[0]]] = row[1] if len(row) > 1 else None
    data["indicators"] = _rows(
        wb[INDICATOR_SHEET],
        INDICATOR_COLUMNS,
        {
            "序号": "number",
            "指标名称": "name",
            "目标值": "target",
            "单位": "unit",
            "截止日期": "deadline",
            "数据来源": "source",
            "统计口径": "query",
            "填报部门": "department",
            "累计或年度": "cumulative",
        },
    )
    data["tasks"] = _rows(
        wb[TASK_SHEET],
        TASK_COLUMNS,
        {
            "序号": "number",
            "重点工作": "work_area",
            "重点任务": "title",
            "工作内容": "content",
            "责任部门（排第一位为牵头部门）": "departments",
            "时间安排": "schedule",
        },
    )
    return data


def _rows(sheet, columns: list[str], keys: dict[str, str]) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationError(
            _("Sheet %(sheet)s lacks the columns: %(names)s.")
            % {"sheet": sheet.title, "names": "、".join(missing)}
        )
    index = {keys[c]: header.index(c) for c in columns}
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


def plan_pdf(plan: ActionPlan, progress_rows, tasks) -> bytes:
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.pdfbase import pdfmetrics  # reportlab: PDF only
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # reportlab: PDF only
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # PDF only

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
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
    grid = [
        [p(h, small) for h in ("序号", "指标", "目标", "实际", "完成比例", "时间进度", "评价", "数据来源")]
    ]
    for row in progress_rows:
        ind = row.indicator
        source = (
            "平台统计"
            if ind.source == "query"
            else f"部门填报：{ind.department.name if ind.department else ''}"
        )
        grid.append(
            [
                p(ind.number, small),
                p(ind.name, small),
                p(f"{_fmt(ind.target_value)} {ind.unit}", small),
                p(f"{_fmt(row.actual)} {ind.unit}" if row.actual is not None else "—", small),
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
    story += [table, p(_("Tasks and responsible departments (lead department first)"), h2)]
    grid = [[p(h, small) for h in ("序号", "重点工作", "重点任务", "工作内容", "责任部门", "时间安排")]]
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
    doc.build(story)
    return buffer.getvalue()
