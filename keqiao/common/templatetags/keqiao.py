"""Template helpers: query-string toggles for facets and pages, yuan formatting, highlighting."""

import functools
import re
from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from keqiao.common.money import format_yuan
from keqiao.common.pagination import page_window
from keqiao.common.units import unit_label

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_url(context, name: str, value: str) -> str:
    """The current URL with `name=value` added, or removed if present; always back to page 1."""
    params = context["request"].GET.copy()
    values = params.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(name, values)
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def with_param(context, name: str, value) -> str:
    params = context["request"].GET.copy()
    params[name] = str(value)
    if name != "page":
        params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_links(context, number, num_pages) -> list[dict]:
    """The numbered links of a pager: ``{"number", "url", "current"}`` for each page shown, and
    ``{"gap": True}`` where pages are left out (see :func:`keqiao.common.pagination.page_window`)."""
    try:
        number, num_pages = int(number), int(num_pages)
    except (TypeError, ValueError):
        return []
    links = []
    for page in page_window(number, num_pages):
        if page is None:
            links.append({"gap": True})
        else:
            links.append(
                {"number": page, "url": with_param(context, "page", page), "current": page == number}
            )
    return links


@register.filter
def yuan_amount(value) -> str:
    """The amount alone, for a label that states "yuan" (keqiao.common.money.format_yuan)."""
    return format_yuan(value)


@register.filter
def yuan(value) -> str:
    """Format an amount in yuan the Chinese way: 万元 above ten thousand."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if not (get_language() or "").startswith("zh"):
        return f"¥{amount:,.0f}" if amount == amount.to_integral() else f"¥{amount:,.2f}"
    if amount >= 10000:
        wan = (amount / 10000).quantize(Decimal("0.01")).normalize()
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{wan:f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount.quantize(Decimal('0.01')):f}"}


@register.filter
def unit(value) -> str:
    """A unit of measure (万元, 项, 家) in the active language."""
    return unit_label(value)


@functools.lru_cache(maxsize=512)
def _highlight_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({escape(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


@register.filter
def highlight(text: str, terms) -> str:
    """Wrap query terms in <mark>; the text is escaped first, so this is safe on user input."""
    escaped = escape(text or "")
    pattern = _highlight_pattern(tuple(terms or ()))
    if pattern is None:
        return mark_safe(escaped)  # noqa: S308  #  # nosec B308,B703  # escaped just above
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308  #  # nosec B308,B703  # escaped just above


@register.filter
def truncate_chars(text: str, n: int) -> str:
    text = text or ""
    return text if len(text) <= n else text[: int(n)] + "…"
