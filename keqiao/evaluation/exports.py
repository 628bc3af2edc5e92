"""The valuation report (PDF, in Chinese, with its charts and page numbers), its .xlsx workbook, and the
pricing dossier of a deal (促进科技成果转化法 art. 18: the price and the evidence it was set on)."""

import io
import math

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from keqiao.common import pdf
from keqiao.common.choices import TRL_LABELS
from keqiao.common.spreadsheets import workbook_bytes
from keqiao.contracts import choices as contract_choices

from . import engine
from .charts import input_labels, yuan

REASONS = {
    "income": lambda: _(
        "Income approach (risk-adjusted NPV, P10–P90) carries the most weight: it values what the technology earns."
    ),
    "market": lambda: _(
        "Market approach (comparable registered contracts, P25–P75): comparables match field, contract type and IP form."
    ),
    "market_relaxed": lambda: _(
        "Market approach (comparable registered contracts, P25–P75): too few exact matches, so comparables of the same field only."
    ),
    "no_market": lambda: _(
        "No market approach: fewer than three comparable registered contracts on the platform."
    ),
    "cost": lambda: _(
        "Cost approach (reproduction cost less obsolescence) carries little weight: cost says little about value."
    ),
}


def comparable_rows(results: dict) -> list[dict]:
    """The anonymised comparables with their contract type and IP form in words."""
    types = dict(contract_choices.ContractType.choices)
    ips = dict(contract_choices.IPType.choices)
    return [
        {
            **c,
            "contract_type_label": str(types.get(c["contract_type"], c["contract_type"])),
            "ip_type_label": str(ips.get(c["ip_type"], c["ip_type"])),
        }
        for c in results.get("comparables") or []
    ]


def percentile_text(position: float) -> str:
    if position >= 0.995:
        return ">99"
    if position <= 0.005:
        return "<1"
    return f"{position * 100:.0f}"


def reasons_text(results: dict) -> list[str]:
    return [REASONS[r]() for r in (results.get("reconciled") or {}).get("reasons", []) if r in REASONS]


def _input_text(p: engine.Parameter, item: dict) -> str:
    kind = item.get("kind") or "fixed"
    unit = "%" if p.percent else ""
    v = {k: item.get(k) or "" for k in engine.PARTS}
    if kind == "fixed":
        return f"{v['mode']}{unit}"
    if kind == "uniform":
        return _("uniform %(low)s–%(high)s") % {"low": f"{v['low']}{unit}", "high": f"{v['high']}{unit}"}
    if kind == "triangular":
        return _("triangular %(low)s / %(mode)s / %(high)s") % {
            "low": f"{v['low']}{unit}",
            "mode": f"{v['mode']}{unit}",
            "high": f"{v['high']}{unit}",
        }
    if kind == "normal":
        return _("normal, mean %(mode)s, s.d. %(spread)s") % {
            "mode": f"{v['mode']}{unit}",
            "spread": f"{v['spread']}{unit}",
        }
    return _("lognormal, median %(mode)s, log s.d. %(spread)s") % {
        "mode": f"{v['mode']}{unit}",
        "spread": v["spread"],
    }


def input_rows(valuation) -> list[tuple[str, str]]:
    return [(str(p.label), _input_text(p, valuation.inputs.get(p.name) or {})) for p in engine.PARAMETERS]


def result_rows(results: dict) -> list[tuple[str, str]]:
    v = results["value"]
    rows = [
        (
            _("Chance of reaching market (from TRL %(level)d)") % {"level": results["trl"]},
            f"{results['p_success']:.1%}",
        ),
        ("P10", yuan(v["p10"])),
        ("P50", yuan(v["p50"])),
        ("P90", yuan(v["p90"])),
        (pgettext("valuation result", "Mean"), yuan(v["mean"])),
        (_("Probability of a positive value"), f"{v['p_positive']:.1%}"),
        (_("Cost approach (P50)"), yuan(results["cost"]["p50"])),
    ]
    m = results.get("market")
    if m:
        rows.append(
            (
                _("Market approach: %(n)d comparables, closeness %(c)s")
                % {"n": m["count"], "c": f"{m['closeness']:.0%}"},
                f"{yuan(m['p25'])} – {yuan(m['p75'])}",
            )
        )
    rec = results["reconciled"]
    rows.append((_("Reconciled range"), f"{yuan(rec['low'])} – {yuan(rec['high'])}"))
    return rows


def _doc_parts():
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only

    font = pdf.cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    styles = {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11),
        "title": ParagraphStyle(
            "title", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm
        ),
    }
    return font, styles


def _table(rows, font, widths):
    from reportlab.lib import colors  # reportlab: PDF only
    from reportlab.platypus import Table, TableStyle  # reportlab: PDF only

    t = Table([[str(a), str(b)] for a, b in rows], colWidths=widths, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _histogram_drawing(results: dict, font: str, width: float):
    h = results["histogram"]
    categories = [
        yuan((a + b) / 2) if i % 4 == 0 else ""
        for i, (a, b) in enumerate(zip(h["edges"], h["edges"][1:], strict=False))
    ]
    return pdf.bar_chart(
        title=_("Distribution of the risk-adjusted value (yuan; %(n)d draws)") % {"n": results["draws"]},
        categories=categories,
        values=h["counts"],
        font=font,
        width=width,
        height=170,
    )


def _tornado_drawing(results: dict, font: str, width: float):
    from reportlab.graphics.shapes import Drawing, Line, Rect, String  # reportlab: PDF only
    from reportlab.lib import colors  # reportlab: PDF only

    rows = results.get("tornado") or []
    labels = input_labels()
    row_h, left = 16, 150
    height = 24 + row_h * max(len(rows), 1) + 12
    d = Drawing(width, height)
    d.add(
        String(
            0,
            height - 12,
            _("Sensitivity (tornado): value with each input at its P10 and P90"),
            fontName=font,
            fontSize=9,
        )
    )
    if not rows:
        return d
    base = results["value"]["p50"]
    lo = min([base] + [min(r["at_p10"], r["at_p90"]) for r in rows])
    hi = max([base] + [max(r["at_p10"], r["at_p90"]) for r in rows])
    span = (hi - lo) or 1.0
    pw = width - left - 10

    def x_of(v):
        return left + (v - lo) / span * pw

    for i, r in enumerate(rows):
        y = height - 30 - i * row_h
        a, b = sorted((r["at_p10"], r["at_p90"]))
        d.add(
            String(
                left - 4,
                y + 3,
                labels.get(r["input"], r["input"])[:18],
                fontName=font,
                fontSize=7,
                textAnchor="end",
            )
        )
        d.add(
            Rect(
                x_of(a),
                y,
                max(x_of(b) - x_of(a), 1),
                row_h - 4,
                fillColor=colors.HexColor("#2f855a"),
                strokeColor=None,
            )
        )
    d.add(Line(x_of(base), 8, x_of(base), height - 20, strokeColor=colors.black))
    d.add(String(left, 0, yuan(lo), fontName=font, fontSize=7))
    d.add(String(width - 10, 0, yuan(hi), fontName=font, fontSize=7, textAnchor="end"))
    return d


def _build(story_fn, *, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import SimpleDocTemplate  # reportlab: PDF only

    with translation.override("zh-hans"):
        font, styles = _doc_parts()
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=18 * mm,
            title=title,
            author="科桥 Keqiao",
        )
        story = story_fn(font, styles, doc.width)
        doc.build(story, canvasmaker=pdf.numbered_canvas(font))
        return buffer.getvalue()


def _p(text, style):
    return pdf.paragraph(text, style)


def _valuation_story(valuation, font, styles, width, *, heading=True):
    r = valuation.results
    story = []
    if heading:
        story += [
            _p(_("Valuation report: %(title)s") % {"title": valuation.title}, styles["title"]),
            _p(
                _("Organisation: %(org)s · author: %(author)s · %(date)s")
                % {
                    "org": valuation.organization.name,
                    "author": valuation.author.get_full_name() or valuation.author.username,
                    "date": timezone.localtime(valuation.updated_at).strftime("%Y-%m-%d %H:%M"),
                },
                styles["small"],
            ),
            _p(
                _(
                    "Method version %(version)s, random seed %(seed)d, %(draws)d draws: the same inputs and seed give the same result."
                )
                % {"version": valuation.method_version, "seed": valuation.seed, "draws": valuation.draws},
                styles["small"],
            ),
        ]
    story += [
        _p(_("Inputs"), styles["h2"]),
        _table(input_rows(valuation), font, [70 * 2.8346, width - 70 * 2.8346]),
    ]
    story += [
        _p(_("Results"), styles["h2"]),
        _table(result_rows(r), font, [90 * 2.8346, width - 90 * 2.8346]),
    ]
    story += [_histogram_drawing(r, font, width), _tornado_drawing(r, font, width)]
    story.append(_p(_("Reconciliation"), styles["h2"]))
    story += [_p("· " + t, styles["body"]) for t in reasons_text(r)]
    return story


def valuation_pdf(valuation) -> bytes:
    return _build(
        lambda font, styles, width: _valuation_story(valuation, font, styles, width), title=valuation.title
    )


def valuation_xlsx(valuation) -> bytes:
    r = valuation.results
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    ws.append([_("Valuation"), valuation.title])
    ws.append([_("Organisation"), valuation.organization.name])
    ws.append([_("Method version"), valuation.method_version])
    ws.append([_("Random seed"), valuation.seed])
    ws.append([_("Draws"), valuation.draws])
    ws.append([])
    for label, text in input_rows(valuation):
        ws.append([label, text])
    ws.append([])
    v = r["value"]
    for key in ("p10", "p50", "p90", "mean"):
        ws.append([key.upper(), round(v[key], 2)])
    ws.append([_("Probability of a positive value"), round(v["p_positive"], 4)])
    ws.append([_("Reconciled range"), round(r["reconciled"]["low"], 2), round(r["reconciled"]["high"], 2)])
    hist = wb.create_sheet("histogram")
    hist.append([_("From (yuan)"), _("To (yuan)"), _("Draws")])
    h = r["histogram"]
    for a, b, c in zip(h["edges"], h["edges"][1:], h["counts"], strict=False):
        hist.append([round(a, 2), round(b, 2), c])
    tor = wb.create_sheet("tornado")
    tor.append([_("Input"), _("Value at P10"), _("Value at P90"), _("Swing")])
    labels = input_labels()
    for row in r.get("tornado") or []:
        tor.append(
            [
                labels.get(row["input"], row["input"]),
                round(row["at_p10"], 2),
                round(row["at_p90"], 2),
                round(row["swing"], 2),
            ]
        )
    comp = wb.create_sheet("comparables")
    comp.append([_("Year"), _("Contract type"), _("IP form"), _("Technology amount (yuan)"), _("Closeness")])
    for c in comparable_rows(r):
        comp.append(
            [c["year"], c["contract_type_label"], c["ip_type_label"], round(c["amount"], 2), c["closeness"]]
        )
    return workbook_bytes(wb)


def dossier_pdf(deal, *, valuation=None, opinion=None) -> bytes:
    """The pricing dossier of a deal: the confirmed readiness level, the valuation distribution and its
    comparables, the agreed price and where it falls in the distribution, and the expert opinion.

    `opinion` is an optional closed expert review (anything with `summary_lines()` returning text lines,
    or a plain string); without one the section says that no expert review was held."""
    achievement = deal.achievement
    offer = deal.agreed_offer
    title = _("Pricing dossier: %(title)s") % {"title": deal.listing.title}

    def story(font, styles, width):
        s = [
            _p(title, styles["title"]),
            _p(
                _("Parties: %(seller)s (seller) and %(buyer)s (buyer) · prepared %(date)s")
                % {
                    "seller": deal.seller.name,
                    "buyer": deal.buyer.name,
                    "date": timezone.localdate().isoformat(),
                },
                styles["small"],
            ),
            _p(
                _(
                    "Basis: Law on Promoting the Transformation of Scientific and Technological Achievements, art. 18 (pricing by agreement, listing or auction; an agreed price is publicly noticed)."
                ),
                styles["small"],
            ),
            _p(_("1. Technology readiness"), styles["h2"]),
        ]
        if achievement is None:
            s.append(_p(_("The deal concerns a demand, not a registered achievement."), styles["body"]))
        elif achievement.confirmed_trl:
            s.append(
                _p(
                    _(
                        "Confirmed level: TRL %(level)d · %(label)s; confirmed by %(by)s %(org)s on %(date)s (declared by the holder: TRL %(declared)d)."
                    )
                    % {
                        "level": achievement.confirmed_trl,
                        "label": TRL_LABELS[achievement.confirmed_trl],
                        "by": achievement.trl_confirmed_by.get_full_name()
                        if achievement.trl_confirmed_by
                        else "—",
                        "org": achievement.trl_confirmed_org,
                        "date": timezone.localtime(achievement.trl_confirmed_at).date().isoformat(),
                        "declared": achievement.trl,
                    },
                    styles["body"],
                )
            )
        else:
            s.append(
                _p(
                    _("Not confirmed: the holder declares TRL %(level)d.") % {"level": achievement.trl},
                    styles["body"],
                )
            )
        s.append(_p(_("2. Valuation"), styles["h2"]))
        if valuation is None:
            s.append(_p(_("No valuation was shared into the negotiation room."), styles["body"]))
        else:
            s.append(
                _p(
                    _("%(title)s, by %(org)s, method version %(version)s, seed %(seed)d.")
                    % {
                        "title": valuation.title,
                        "org": valuation.organization.name,
                        "version": valuation.method_version,
                        "seed": valuation.seed,
                    },
                    styles["body"],
                )
            )
            s += _valuation_story(valuation, font, styles, width, heading=False)
        s.append(_p(_("3. Market comparables"), styles["h2"]))
        if valuation is None:
            s.append(_p(_("The market comparables come with a shared valuation."), styles["body"]))
        else:
            comps = comparable_rows(valuation.results)
            if comps:
                rows = [(_("Year · contract type · IP form"), _("Technology amount (yuan) · closeness"))] + [
                    (
                        f"{c['year']} · {c['contract_type']} · {c['ip_type']}",
                        f"{yuan(c['amount'])} · {c['closeness']:.0%}",
                    )
                    for c in comps[:30]
                ]
                s.append(_table(rows, font, [90 * 2.8346, width - 90 * 2.8346]))
            else:
                s.append(
                    _p(_("Fewer than three comparable registered contracts: none are shown."), styles["body"])
                )
        s.append(_p(_("4. Expert opinion"), styles["h2"]))
        if opinion is None:
            s.append(_p(_("No expert review was held for this achievement."), styles["body"]))
        else:
            lines = opinion.summary_lines() if hasattr(opinion, "summary_lines") else [str(opinion)]
            s += [_p(line, styles["body"]) for line in lines]
        s.append(_p(_("5. Agreed price"), styles["h2"]))
        if offer is None:
            s.append(_p(_("No price has been agreed yet."), styles["body"]))
        else:
            s.append(
                _p(
                    _("Agreed price: %(price)s yuan (%(mode)s).")
                    % {"price": f"{offer.price:,.2f}", "mode": offer.get_mode_display()},
                    styles["body"],
                )
            )
            if valuation is not None:
                position = engine.position_of(float(offer.price), valuation.results.get("quantiles") or [])
                if not math.isnan(position):
                    s.append(
                        _p(
                            _(
                                "The agreed price lies at the %(pct)s percentile of the valuation's distribution (P10 %(p10)s, P50 %(p50)s, P90 %(p90)s)."
                            )
                            % {
                                "pct": percentile_text(position),
                                "p10": yuan(valuation.results["value"]["p10"]),
                                "p50": yuan(valuation.results["value"]["p50"]),
                                "p90": yuan(valuation.results["value"]["p90"]),
                            },
                            styles["body"],
                        )
                    )
        return s

    return _build(story, title=title)
