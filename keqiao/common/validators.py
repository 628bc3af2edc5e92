"""Validators for Chinese identifiers: unified social credit codes and patent numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from a 31-symbol alphabet (no I, O, Z, S, V); the last is a check
# character computed with these position weights modulo 31.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character of a unified social credit code, given its first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code that is malformed or fails its check character."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has exactly 18 characters."), code="length")
    bad = [ch for ch in code if ch not in CREDIT_CODE_ALPHABET]
    if bad:
        raise ValidationError(
            _("The unified social credit code contains characters that are not allowed: %(chars)s."),
            code="charset",
            params={"chars": "".join(sorted(set(bad)))},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3–8 of the credit code must be the region code digits."), code="region"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code fails its check character; please check for a typing error."),
            code="checksum",
        )


# Chinese patent application numbers: since 2003 "YYYY" + type digit + 7-digit serial + "." + check
# (12 digits), before that 8 digits + check. The check is the weighted sum modulo 11 with weights
# 2..9 repeating; a remainder of 10 is written "X".
_PATENT_RE = re.compile(r"^(?:CN|ZL)?\s*(\d{8}|\d{12})\.?([0-9X])$")
PATENT_TYPE_DIGITS = {"invention": {"1", "8"}, "utility_model": {"2", "9"}, "design": {"3"}}


def patent_check_char(digits: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_patent_number(value: str) -> str:
    """Canonical form 'ZL' + digits + '.' + check, e.g. ZL201910123457.4."""
    raw = re.sub(r"\s+", "", value or "").upper()
    match = _PATENT_RE.match(raw)
    if not match:
        return raw
    return f"ZL{match.group(1)}.{match.group(2)}"


def validate_patent_number(value: str, kind: str | None = None) -> None:
    """Refuse a patent application number that is malformed, fails its check digit, or is of another type."""
    raw = re.sub(r"\s+", "", value or "").upper()
    match = _PATENT_RE.match(raw)
    if not match:
        raise ValidationError(
            _(
                "Enter a Chinese patent application number such as ZL201910123457.4 (12 digits, a dot and a check digit)."
            ),
            code="format",
        )
    digits, check = match.groups()
    if patent_check_char(digits) != check:
        raise ValidationError(
            _("The patent number %(number)s fails its check digit; please check for a typing error."),
            code="checksum",
            params={"number": raw},
        )
    if kind in PATENT_TYPE_DIGITS and len(digits) == 12 and digits[4] not in PATENT_TYPE_DIGITS[kind]:
        raise ValidationError(
            _("The patent number %(number)s is not of the selected patent type."),
            code="type",
            params={"number": raw},
        )


_SOFTWARE_COPYRIGHT_RE = re.compile(r"^(19|20)\d{2}SR\d{6,7}$")


def validate_software_copyright_number(value: str) -> None:
    if not _SOFTWARE_COPYRIGHT_RE.match(re.sub(r"\s+", "", value or "").upper()):
        raise ValidationError(
            _("Enter a software copyright registration number such as 2021SR0123456."), code="format"
        )


MAX_KEYWORDS = 5
MAX_KEYWORD_LENGTH = 20


def clean_keywords(value) -> list[str]:
    """Split, trim and de-duplicate keywords; refuse more than five or over-long ones."""
    if isinstance(value, str):
        value = re.split(r"[,，;；、\s]+", value)
    keywords: list[str] = []
    for kw in value or []:
        kw = str(kw).strip()
        if kw and kw not in keywords:
            keywords.append(kw)
    if len(keywords) > MAX_KEYWORDS:
        raise ValidationError(
            _("Give at most %(max)d keywords."), code="too_many", params={"max": MAX_KEYWORDS}
        )
    for kw in keywords:
        if len(kw) > MAX_KEYWORD_LENGTH:
            raise ValidationError(
                _("Each keyword may have at most %(max)d characters: “%(kw)s” is too long."),
                code="too_long",
                params={"max": MAX_KEYWORD_LENGTH, "kw": kw},
            )
    return keywords
