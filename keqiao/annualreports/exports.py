"""Exports of annual reports: .xlsx (openpyxl) and PDF (reportlab through keqiao.common.pdf: an embedded
CJK font, numbered pages; paragraphs wrap by CJK rules). Labels are Chinese whatever the user's language,
like the national form."""

import io
from decimal import Decimal

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from keqiao.common import pdf
from keqiao.common.spreadsheets import safe_text, workbook_bytes

from . import choices
from .models import AnnualReport

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TITLE = "科技成果转化年度报告"
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def _value(figure: choices.Figure, value):
    if value in (None, ""):
        return None
    return Decimal(str(value)) if figure.is_money else int(value)


def _style_header(row) -> None:
    for cell in row:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def report_xlsx(report: AnnualReport) -> bytes:
    """One sheet of figures (value, the platform's value, explanation), one of projects, one of history."""
    wb = Workbook()
    with translation.override("zh-hans"):
        ws = wb.active
        ws.title = "年度报告"
        ws.append([safe_text(f"{report.organization.name} {report.year}年度{TITLE}")])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(["状态", safe_text(report.status_label)])
        ws.append(["联系人", safe_text(report.contact_name), "联系电话", safe_text(report.contact_phone)])
        ws.append([])
        ws.append(["部分", "指标", "填报值", "平台数据", "更正说明"])
        _style_header(ws[ws.max_row])
        for row in report.figure_rows():
            f = row["figure"]
            ws.append(
                [
                    str(choices.SECTIONS[f.section]),
                    str(f.label),
                    _value(f, row["value"]),
                    _value(f, row["known"]) if row["prefilled"] else None,
                    safe_text(row["explanation"]),
                ]
            )
            if f.is_money:
                ws.cell(row=ws.max_row, column=3).number_format = MONEY_FORMAT
                ws.cell(row=ws.max_row, column=4).number_format = MONEY_FORMAT
        ws.append([])
        ws.append([str(choices.SECTIONS["f"]), safe_text(report.policy_text)])
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in zip("ABCDE", (28, 48, 18, 18, 40), strict=True):
            ws.column_dimensions[col].width = width

        ps = wb.create_sheet("项目清单")
        ps.append(["项目名称", "类型", "合作方", "金额（元）", "日期"])
        _style_header(ps[1])
        for p in report.projects.all():
            ps.append(
                [
                    safe_text(p.name),
                    str(p.get_project_type_display()),
                    safe_text(p.counterpart),
                    p.amount,
                    p.date,
                ]
            )
            ps.cell(row=ps.max_row, column=4).number_format = MONEY_FORMAT
            ps.cell(row=ps.max_row, column=5).number_format = DATE_FORMAT
        for col, width in zip("ABCDE", (40, 14, 30, 16, 12), strict=True):
            ps.column_dimensions[col].width = width

        hs = wb.create_sheet("办理记录")
        hs.append(["时间", "操作", "办理人", "原状态", "新状态", "意见"])
        _style_header(hs[1])
        for e in report.events.select_related("actor"):
            hs.append(
                [
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    str(e.action_label),
                    safe_text(str(e.actor) if e.actor_id else ""),
                    e.from_label,
                    e.to_label,
                    safe_text(e.note),
                ]
            )
    return workbook_bytes(wb)


def overview_xlsx(overview: dict) -> bytes:
    """The bureau's overview of a year: who filed, who is late, and the aggregate figures."""
    wb = Workbook()
    with translation.override("zh-hans"):
        ws = wb.active
        ws.title = "报送情况"
        ws.append(["单位", "类型", "主管部门", "状态", "逾期未报"])
        _style_header(ws[1])
        for row in overview["rows"]:
            org = row["organization"]
            ws.append(
                [
                    safe_text(org.name),
                    str(org.get_kind_display()),
                    safe_text(org.supervisor.name if org.supervisor_id else ""),
                    str(row["status_label"] or "未填报"),
                    "是" if row["late"] else "",
                ]
            )
        for col, width in zip("ABCDE", (36, 14, 30, 24, 10), strict=True):
            ws.column_dimensions[col].width = width
        ag = wb.create_sheet("汇总")
        ag.append(["部分", "指标", f"合计（{overview['counted']}份已审核报告）"])
        _style_header(ag[1])
        for row in overview["aggregate"]:
            f = row["figure"]
            ag.append([str(choices.SECTIONS[f.section]), str(f.label), row["value"]])
            if f.is_money:
                ag.cell(row=ag.max_row, column=3).number_format = MONEY_FORMAT
        for col, width in zip("ABC", (28, 48, 24), strict=True):
            ag.column_dimensions[col].width = width
    return workbook_bytes(wb)


# --- PDF ---------------------------------------------------------------------------------------------


def _fmt(figure: choices.Figure, value) -> str:
    if value in (None, ""):
        return "—"
    if figure.is_money:
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


def report_pdf(report: AnnualReport) -> bytes:
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER  # reportlab: PDF only
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle  # PDF only

    font = pdf.cjk_font()
    base = ParagraphStyle("cjk", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    small = ParagraphStyle("cjk-small", parent=base, fontSize=8.5, leading=12)
    title = ParagraphStyle("cjk-title", parent=base, fontSize=16, leading=24, alignment=TA_CENTER)
    heading = ParagraphStyle("cjk-h", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)

    def p(text, style=base):
        return pdf.paragraph(text, style)

    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story = []
    with translation.override("zh-hans"):
        story.append(p(f"{report.organization.name}", title))
        story.append(p(f"{report.year}年度{TITLE}", title))
        story.append(Spacer(1, 4 * mm))
        supervisor = report.organization.supervisor
        story.append(
            p(
                f"状态：{report.status_label}　主管部门：{supervisor.name if supervisor else '—'}　"
                f"联系人：{report.contact_name or '—'}　联系电话：{report.contact_phone or '—'}",
                small,
            )
        )
        rows = report.figure_rows()
        for code, label in choices.SECTIONS.items():
            story.append(p(f"{code.upper()}. {label}", heading))
            section_rows = [r for r in rows if r["section"] == code]
            if section_rows:
                data = [[p("指标", small), p("填报值", small), p("平台数据", small), p("更正说明", small)]]
                for r in section_rows:
                    f = r["figure"]
                    data.append(
                        [
                            p(f.label, small),
                            p(_fmt(f, r["value"]), small),
                            p(_fmt(f, r["known"]) if r["prefilled"] else "", small),
                            p(r["explanation"], small),
                        ]
                    )
                t = Table(data, colWidths=[70 * mm, 30 * mm, 30 * mm, 50 * mm], repeatRows=1, splitInRow=1)
                t.setStyle(grid)
                story.append(t)
            elif code == "f":
                story.append(p(report.policy_text or "—"))
            elif code == "g":
                data = [[p(h, small) for h in ("项目名称", "类型", "合作方", "金额（元）", "日期")]]
                for pr in report.projects.all():
                    data.append(
                        [
                            p(pr.name, small),
                            p(pr.get_project_type_display(), small),
                            p(pr.counterpart, small),
                            p(f"{pr.amount:,.2f}", small),
                            p(pr.date.isoformat(), small),
                        ]
                    )
                t = Table(
                    data, colWidths=[60 * mm, 22 * mm, 50 * mm, 28 * mm, 20 * mm], repeatRows=1, splitInRow=1
                )
                t.setStyle(grid)
                story.append(t)
        events = [
            e for e in report.events.select_related("actor") if e.action in choices.REPORT_TRANSITIONS_ACTIONS
        ]
        if events:
            story.append(p("办理记录", heading))
            data = [[p(h, small) for h in ("时间", "操作", "办理人", "意见")]]
            for e in events:
                data.append(
                    [
                        p(timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), small),
                        p(e.action_label, small),
                        p(str(e.actor) if e.actor_id else "", small),
                        p(e.note, small),
                    ]
                )
            t = Table(data, colWidths=[32 * mm, 30 * mm, 30 * mm, 88 * mm], repeatRows=1, splitInRow=1)
            t.setStyle(grid)
            story.append(t)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{report.organization.name} {report.year}年度{TITLE}",
    )
    with translation.override("zh-hans"):  # the national form's language, page numbers included
        doc.build(story, canvasmaker=pdf.numbered_canvas(font))
    return out.getvalue()
