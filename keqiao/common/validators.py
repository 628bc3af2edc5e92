"""The input rules every write path shares (forms, the API, services, imports): text without invisible
characters and within its length, lists within their limits, choices, phone numbers, and Chinese
identifiers (unified social credit codes, patent and software copyright numbers).

Each rule raises django's ValidationError with a translated message; forms show it beside the field, the
API answers 422 naming the field (keqiao/common/schemas.py wraps the same functions for pydantic).
"""

import re
import unicodedata

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import has_meaning

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


# --- text, lists, choices, phone numbers -----------------------------------------------------------

# Ids are 64-bit (BigAutoField); a larger number can name nothing.
MAX_ID = 2**63 - 1

# Characters that look like nothing: the format characters (zero-width space and joiners, bidi
# controls, BOM, soft hyphen: Unicode category Cf), control characters other than line breaks and tabs
# (Cc), and the blank letters that fonts draw empty (Hangul fillers, braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    if ch in _BLANK_LETTERS:
        return True
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and ch not in "\n\r\t")


def strip_invisible(value: str) -> str:
    """`value` without invisible characters (see above)."""
    if value.isascii() and value.isprintable():
        return value
    return "".join(ch for ch in value if not _invisible(ch))


_SPACES = re.compile(r"\s+")


def clean_text(value, *, max_length: int | None, required: bool = False, multiline: bool = True) -> str:
    """Text without invisible characters, stripped; one line unless `multiline`.

    Refused when `required` and nothing readable is left (only spaces, punctuation or invisible
    characters), or when longer than `max_length`.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."), code="invalid")
    value = strip_invisible(value).strip()
    if not multiline:
        value = _SPACES.sub(" ", value)
    if required and not has_meaning(value):
        raise ValidationError(
            _("Write this in words: spaces, punctuation or invisible characters alone are not enough."),
            code="blank",
        )
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("At most %(max)d characters are allowed (you wrote %(n)d)."),
            code="max_length",
            params={"max": max_length, "n": len(value)},
        )
    return value


def clean_text_list(values, *, max_items: int, max_length: int) -> list[str]:
    """A list of short texts (names of people, organisations): each cleaned like a one-line text, empty
    and repeated entries dropped; refused beyond `max_items` entries or `max_length` characters each.
    A string is read as one entry per line (the forms' text areas)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.splitlines()
    if not isinstance(values, list | tuple):
        raise ValidationError(_("Give a list of entries."), code="invalid")
    items: list[str] = []
    for position, value in enumerate(values, start=1):
        try:
            item = clean_text(value, max_length=max_length, multiline=False)
        except ValidationError as exc:
            raise ValidationError(
                _("Entry %(n)d: %(error)s"),
                code=exc.error_list[0].code,
                params={"n": position, "error": " ".join(exc.messages)},
            ) from exc
        if item and item not in items:
            items.append(item)
    if len(items) > max_items:
        raise ValidationError(
            _("Give at most %(max)d entries (you gave %(n)d)."),
            code="max_items",
            params={"max": max_items, "n": len(items)},
        )
    return items


def validate_choice(value, choices, *, required: bool = True) -> str:
    """`value` if it is one of `choices` (a Django choices list or an iterable of values)."""
    allowed = [c[0] if isinstance(c, list | tuple) else c for c in choices]
    if value in (None, "") and not required:
        return ""
    if value not in allowed:
        raise ValidationError(
            _("“%(value)s” is not one of the available choices."),
            code="invalid_choice",
            params={"value": str(value)[:40]},
        )
    return value


def validate_choices(values, choices) -> list[str]:
    """A list of choices without repetitions; refused when an entry is not one of `choices`."""
    if not isinstance(values, list | tuple):
        raise ValidationError(_("Give a list of entries."), code="invalid")
    allowed = {c[0] if isinstance(c, list | tuple) else c for c in choices}
    unknown = [str(v)[:40] for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            _("Unknown choice: %(values)s."), code="invalid_choice", params={"values": ", ".join(unknown)}
        )
    return list(dict.fromkeys(values))


# Digits with spaces, hyphens, parentheses and a leading +, then an optional extension (转 801, 分机 801,
# ext. 801, x801). Full-width characters are read as their ASCII forms.
_PHONE = re.compile(r"^(\+?[0-9(][0-9 ()\-]*?)(?:\s*(?:转|分机|ext\.?|x)\s*([0-9]{1,6}))?$", re.IGNORECASE)
PHONE_MAX_LENGTH = 30


def clean_phone(value) -> str:
    """A phone number as typed (full-width forms made ASCII), or "" for none; refused when it holds
    anything else than digits, +, -, spaces, parentheses and an extension."""
    value = clean_text(value, max_length=PHONE_MAX_LENGTH, multiline=False)
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", value)
    match = _PHONE.match(value)
    digits = sum(ch.isdigit() for ch in match.group(1)) if match else 0
    if not match or not 5 <= digits <= 20 or value.count("(") != value.count(")"):
        raise ValidationError(
            _(
                "Enter a phone number: digits, spaces, +, -, parentheses and an extension, "
                "e.g. 028-3812 3456 转 801 or +86 138 0000 0000."
            ),
            code="phone",
        )
    return value


# --- the rules a model's fields imply ------------------------------------------------------------

PHONE_FIELDS = ("contact_phone",)


def clean_model_fields(model, data: dict, *, phone_fields=PHONE_FIELDS) -> tuple[dict, dict[str, list]]:
    """Apply to `data` the rules its model fields imply, as forms and the API both need them: text
    cleaned and within the field's length (required unless the field may be blank), choices among the
    field's choices, phone numbers by `clean_phone`. Returns (cleaned data, field -> messages); keys
    that are not text or choice fields of `model` pass unchanged."""
    cleaned, errors = dict(data), {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # not a model field (e.g. a derived value)
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        try:
            if name in phone_fields:
                cleaned[name] = clean_phone(value)
            elif field.choices:
                cleaned[name] = validate_choice(value, field.choices, required=not field.blank)
            else:
                cleaned[name] = clean_text(
                    value,
                    max_length=field.max_length,
                    required=not field.blank,
                    multiline=isinstance(field, models.TextField),
                )
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    return cleaned, errors
