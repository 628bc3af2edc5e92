"""The expert opinion (专家评审意见) of a closed review as a PDF: subject, panel, method, the aggregate with
its dispersion, a chart of the indicators, each expert's scores and comments, the conclusion; embedded CJK
font and page numbers (common/pdf.py)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from keqiao.common import pdf

from . import aggregate, choices, subjects
from .models import Review


def method_text(result: dict) -> str:
    """The aggregation method in one sentence, as the result page and the PDF state it."""
    if result.get("method") == "trimmed_mean":
        rule = _(
            "With %(n)d scores per indicator, the highest and the lowest were dropped and the rest averaged "
            "(trimmed mean)."
        ) % {"n": result["n"]}
    else:
        rule = _(
            "With %(n)d scores per indicator (fewer than %(trim)d), the plain mean is used; from %(trim)d scores "
            "the highest and the lowest are dropped."
        ) % {"n": result["n"], "trim": aggregate.TRIM_FROM}
    weights = "、".join(
        f"{label} {round(result['weights'][value] * 100)}%" for value, label in choices.Indicator.choices
    )
    return " ".join(
        [
            _(
                "Each expert scored each indicator of GB/T 44731-2024 from 0 to 100, independently and without seeing the other scores."
            ),
            str(rule),
            _("Dispersion: sample standard deviation and range of all scores."),
            _("Total: the weighted sum of the indicator results (weights: %(weights)s).")
            % {"weights": weights},
        ]
    )


def opinion_pdf(review: Review, panel_rows) -> bytes:
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib import colors  # reportlab: PDF only
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle  # PDF only

    font = pdf.cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)

    def p(text, style=body):
        return pdf.paragraph(text, style)

    result = review.result
    facts = subjects.facts_of(review.subject)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=_("Expert review opinion"),
        author="科桥 Keqiao",
    )
    grid_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    closed = timezone.localtime(review.closed_at)
    story = [
        p(_("Expert review opinion"), title),
        p(f"{_('Subject')}: {facts.title}"),
        p(f"{_('Review title')}: {review.title} (No. {review.pk})"),
        p(f"{_('Organised by')}: {review.organizer.name}"),
        p(f"{_('Closed at')}: {closed:%Y-%m-%d %H:%M}"),
        p(_("Panel"), h2),
    ]
    grid = [
        [p(_("No."), small), p(_("Expert"), small), p(_("Organisation"), small), p(_("Submitted at"), small)]
    ]
    for i, row in enumerate(panel_rows, start=1):
        submitted = row.panelist.submitted_at
        grid.append(
            [
                p(i, small),
                p(row.name, small),
                p(row.organization, small),
                p(f"{timezone.localtime(submitted):%Y-%m-%d %H:%M}" if submitted else "—", small),
            ]
        )
    table = Table(grid, colWidths=[12 * mm, 40 * mm, 80 * mm, 42 * mm], repeatRows=1)
    table.setStyle(grid_style)
    story += [table, p(_("Method"), h2), p(method_text(result), small), p(_("Result"), h2)]
    grid = [
        [p(h, small) for h in (_("Indicator"), _("Result"), _("Mean"), _("Standard deviation"), _("Range"))]
    ]
    for value, label in choices.Indicator.choices:
        row = result["indicators"][value]
        grid.append(
            [
                p(label, small),
                p(f"{row['score']:.2f}", small),
                p(f"{row['mean']:.2f}", small),
                p(f"{row['std']:.2f}", small),
                p(f"{row['min']:g} – {row['max']:g}", small),
            ]
        )
    grid.append(
        [
            p(_("Total (weighted)"), small),
            p(f"{result['total']:.2f}", small),
            p("", small),
            p(f"{result['total_std']:.2f}", small),
            p(f"{result['total_min']:g} – {result['total_max']:g}", small),
        ]
    )
    table = Table(grid, colWidths=[50 * mm, 28 * mm, 28 * mm, 36 * mm, 32 * mm], repeatRows=1)
    table.setStyle(grid_style)
    story.append(table)
    story.append(Spacer(1, 3 * mm))
    story.append(
        pdf.bar_chart(
            title=_("Indicator results (0–100)"),
            categories=[label for _v, label in choices.Indicator.choices],
            values=[result["indicators"][v]["score"] for v in choices.Indicator.values],
            font=font,
            width=170 * mm,
            height=150,
        )
    )
    story.append(p(_("Scores and comments of each expert"), h2))
    headers = [_("Expert"), *[label for _v, label in choices.Indicator.choices], _("Comments")]
    grid = [[p(h, small) for h in headers]]
    for row in panel_rows:
        scores = row.scores or {}
        grid.append(
            [
                p(row.name, small),
                *[p(scores.get(v, "—"), small) for v in choices.Indicator.values],
                p(row.comment or "", small),
            ]
        )
    table = Table(grid, colWidths=[24 * mm, *[16 * mm] * 5, 70 * mm], repeatRows=1, splitInRow=1)
    table.setStyle(grid_style)
    story.append(table)
    if review.conclusion:
        story += [p(_("Conclusion of the panel"), h2), p(review.conclusion)]
    doc.build(story, canvasmaker=pdf.numbered_canvas(font))
    return buffer.getvalue()
