"""What every PDF the site makes shares (reportlab): an embedded CJK font, "第 N 页 / 共 M 页" at the foot
of each page, and bar charts drawn with reportlab's own graphics.

The font is a TrueType CJK font of the system, embedded as a subset (only the glyphs used), so a PDF
reads the same on any computer. reportlab embeds TrueType outlines only, so the first of FONT_CANDIDATES
found is used (Debian: ``apt-get install fonts-wqy-microhei``, or ``fonts-droid-fallback``,
``fonts-arphic-uming``), or the file named by the setting ``KEQIAO["PDF_FONT"]``. Without one, PDFs fall
back to reportlab's built-in CID font STSong-Light, which the reader's viewer must supply (not embedded).

reportlab is imported inside the functions: it takes ~150 ms to load and only PDF downloads need it.
"""

import logging
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406  # escapes output for reportlab; parses no XML

from django.conf import settings
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

FONT_NAME = "KeqiaoCJK"
FALLBACK_FONT = "STSong-Light"
# (path, index of the face in a .ttc collection)
FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # WenQuanYi Micro Hei: Apache-2.0 / GPLv3+FE
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # Droid Sans Fallback: Apache-2.0
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing: Arphic Public Licence
]


def font_file() -> tuple[str, int] | None:
    """The TrueType CJK font PDFs embed: (path, face index), or None when the system has none."""
    configured = settings.KEQIAO.get("PDF_FONT") or ""
    candidates = [(configured, 0)] if configured else []
    for path, index in candidates + FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


def cjk_font() -> str:
    """Register (once) and return the name of the font to set Chinese and English text in."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # reportlab: PDF only
    from reportlab.pdfbase.ttfonts import TTFont  # reportlab: PDF only

    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_NAME in registered:
        return FONT_NAME
    found = font_file()
    if found is not None:
        path, index = found
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            return FONT_NAME
        except Exception:  # a font reportlab cannot read (PostScript outlines): use the fallback
            logger.warning("PDF font %s cannot be embedded; falling back to %s", path, FALLBACK_FONT)
    else:
        logger.warning("No TrueType CJK font found: PDFs use %s, not embedded", FALLBACK_FONT)
    if FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def paragraph(text, style):
    """A reportlab Paragraph of plain `text`: escaped (reportlab reads its text as markup, and user text
    may hold "<" or "&"), line breaks kept."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.platypus import Paragraph  # reportlab: PDF only

    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def page_label(number: int, total: int) -> str:
    """ "第 N 页 / 共 M 页", "Page N of M": in the active language."""
    return gettext("Page %(number)d of %(total)d") % {"number": number, "total": total}


def numbered_canvas(font: str):
    """A canvas class for SimpleDocTemplate.build(canvasmaker=…) that writes the page label at the foot of
    every page once the number of pages is known."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.pdfgen import canvas

    label = page_label  # the language active now (the request's) is the one used at save time

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(font, 8)
                self.setFillGray(0.4)
                self.drawCentredString(width / 2, 8 * 2.834645669, label(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def bar_chart(
    *,
    title: str,
    categories: list[str],
    values: list,
    target=None,
    target_label: str = "",
    font: str,
    width: float,
    height: float = 150,
):
    """A vertical bar chart (reportlab.graphics) of `values` by category, with a dashed line at `target`;
    a missing value (None) draws no bar."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String  # reportlab: PDF only
    from reportlab.lib import colors  # reportlab: PDF only

    numbers = [None if v is None else _number(v) for v in values]
    top = max([n for n in numbers if n is not None] + [_number(target) if target is not None else 0, 1])
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 22, width - 48, height - 46
    chart.data = [[0 if n is None else n for n in numbers]]
    chart.categoryAxis.categoryNames = [str(c) for c in categories]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top * 1.15
    chart.bars[0].fillColor = colors.HexColor("#2b6cb0")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    if target is not None:
        y = chart.y + chart.height * _number(target) / chart.valueAxis.valueMax
        line = Line(chart.x, y, chart.x + chart.width, y, strokeColor=colors.HexColor("#c05621"))
        line.strokeDashArray = [3, 2]
        drawing.add(line)
        if target_label:
            drawing.add(
                String(
                    chart.x + chart.width,
                    y + 2,
                    target_label,
                    fontName=font,
                    fontSize=7,
                    textAnchor="end",
                    fillColor=colors.HexColor("#c05621"),
                )
            )
    return drawing
