"""Amounts of money: yuan with 2 decimals, the model field for them and the parser for typed input."""

from decimal import Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

# Amounts are yuan with 2 decimals; anything at or above 10 billion yuan is refused as absurd.
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_AMOUNT = Decimal("9999999999.99")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
        **MONEY,
        **kwargs,
    )


def parse_amount(value, *, field: str, required: bool = True, positive: bool = False) -> Decimal | None:
    """Yuan with at most 2 decimals; refuse negative, absurd and malformed amounts with a clear message."""
    if value in (None, ""):
        if required:
            raise DomainError(_("Give the amount in yuan."), field=field)
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise DomainError(_("Write the amount as a number of yuan, e.g. 125000.00."), field=field) from exc
    if not amount.is_finite():
        raise DomainError(_("Write the amount as a number of yuan, e.g. 125000.00."), field=field)
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."), field=field)
    if positive and amount == 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("The amount is implausibly large."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Amounts are in yuan with at most 2 decimals."), field=field)
    return amount.quantize(Decimal("0.01"))


def format_yuan(value) -> str:
    """An amount written in yuan, for a place whose label already says "（元）": "8,650,000.00", never
    converted to 万元 (see the `yuan` template filter for amounts shown with their unit)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount.quantize(Decimal('0.01')):,.2f}"
