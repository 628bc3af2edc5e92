"""Server-rendered SVG charts of a valuation (no JavaScript): the histogram of the value with its P10, P50
and P90, and the tornado of sensitivities. Every label is escaped; numbers are formatted here."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import engine


def yuan(x: float) -> str:
    """An amount in yuan, rounded to the yuan, with thousands separators; in Chinese, in 万 from 10,000 (as
    the platform's other amounts), so the figures of one table read in one unit."""
    if abs(x) >= 10_000 and (get_language() or "").startswith("zh"):
        return f"{x / 10_000:,.1f} 万"
    return f"{x:,.0f}"


def histogram_svg(results: dict, *, title: str, width: int = 640, height: int = 260) -> str:
    h = results.get("histogram") or {}
    counts, edges = h.get("counts") or [], h.get("edges") or []
    if not counts:
        return ""
    v = results["value"]
    left, right, top, bottom = 50, 10, 24, 36
    pw, ph = width - left - right, height - top - bottom
    lo, hi = edges[0], edges[-1]
    top_count = max(counts) or 1
    bw = pw / len(counts)

    def x_of(value: float) -> float:
        return left + (value - lo) / (hi - lo) * pw if hi > lo else left

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" id="histogram-chart">',
        f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>',
    ]
    for i, c in enumerate(counts):
        bh = ph * c / top_count
        color = "#2b6cb0" if edges[i + 1] > 0 else "#c53030"
        parts.append(
            f'<rect x="{left + i * bw + 1:.1f}" y="{top + ph - bh:.1f}" width="{max(bw - 2, 1):.1f}" '
            f'height="{bh:.1f}" fill="{color}"><title>{yuan(edges[i])} – {yuan(edges[i + 1])}: {c}</title></rect>'
        )
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#444"/>')
    for key, label in (("p10", "P10"), ("p50", "P50"), ("p90", "P90")):
        x = x_of(v[key])
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#c05621" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{top + ph + 14}" font-size="10" text-anchor="middle">{label}</text>'
            f'<text x="{x:.1f}" y="{top + ph + 27}" font-size="10" text-anchor="middle">{yuan(v[key])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from numbers and escaped labels


def tornado_svg(results: dict, *, title: str, labels: dict, width: int = 640) -> str:
    rows = results.get("tornado") or []
    if not rows:
        return ""
    row_h, left, right, top = 26, 190, 20, 24
    height = top + row_h * len(rows) + 30
    base = results["value"]["p50"]
    lo = min(min(r["at_p10"], r["at_p90"]) for r in rows + [{"at_p10": base, "at_p90": base}])
    hi = max(max(r["at_p10"], r["at_p90"]) for r in rows + [{"at_p10": base, "at_p90": base}])
    pw = width - left - right
    span = hi - lo or 1.0

    def x_of(value: float) -> float:
        return left + (value - lo) / span * pw

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" id="tornado-chart">',
        f'<text x="0" y="14" font-size="12">{escape(title)}</text>',
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        a, b = sorted((r["at_p10"], r["at_p90"]))
        parts.append(
            f'<text x="{left - 6}" y="{y + 16}" font-size="11" text-anchor="end">{escape(labels.get(r["input"], r["input"]))}</text>'
            f'<rect x="{x_of(a):.1f}" y="{y + 4}" width="{max(x_of(b) - x_of(a), 1):.1f}" height="{row_h - 8}" fill="#2f855a">'
            f"<title>{yuan(r['at_p10'])} / {yuan(r['at_p90'])}</title></rect>"
        )
    xb = x_of(base)
    parts.append(f'<line x1="{xb:.1f}" y1="{top}" x2="{xb:.1f}" y2="{height - 24}" stroke="#444"/>')
    parts.append(f'<text x="{left}" y="{height - 8}" font-size="10">{yuan(lo)}</text>')
    parts.append(
        f'<text x="{width - right}" y="{height - 8}" font-size="10" text-anchor="end">{yuan(hi)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from numbers and escaped labels


def input_labels() -> dict:
    return {p.name: str(p.label) for p in engine.PARAMETERS}
