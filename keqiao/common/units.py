"""Units of measure of plan indicators and reported figures, stored as entered (万元, 项, 家) and shown
in the reader's language."""

from django.utils.translation import pgettext_lazy

UNIT_LABELS = {
    "万元": pgettext_lazy("unit", "10,000 yuan"),
    "元": pgettext_lazy("unit", "yuan"),
    "亿元": pgettext_lazy("unit", "100 million yuan"),
    "项": pgettext_lazy("unit", "items"),
    "个": pgettext_lazy("unit", "units"),
    "家": pgettext_lazy("unit", "organisations"),
    "人": pgettext_lazy("unit", "people"),
    "人次": pgettext_lazy("unit", "person-times"),
    "件": pgettext_lazy("unit", "pieces"),
    "次": pgettext_lazy("unit", "times"),
    "场": pgettext_lazy("unit", "events"),
    "%": "%",
}


def unit_label(unit: str) -> str:
    """The unit in the active language; a unit not in the table shows as entered."""
    unit = (unit or "").strip()
    label = UNIT_LABELS.get(unit)
    return str(label) if label is not None else unit
