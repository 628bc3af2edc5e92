"""Input types of the JSON API, built on the rules of keqiao/common/validators.py.

Every request body is an `InputSchema`: an unknown key is refused (422 naming it) instead of being
ignored. The field types call the same functions as the forms and services, so a value the website
refuses is refused by the API with the same message, and the limits appear in the OpenAPI document.
"""

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.errors import ValidationError as RequestValidationError
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from . import validators
from .money import MAX_AMOUNT

MAX_ID = validators.MAX_ID
# PostgreSQL's `integer` and `smallint` columns.
MAX_INT = 2**31 - 1


class InputSchema(Schema):
    """A request body: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


def _rule(function: Callable[[Any], Any]) -> AfterValidator:
    """A rule of common.validators as a pydantic validator: its ValidationError becomes a 422 entry
    with the translated message (in the request's language) and the rule's code."""

    def validate(value):
        try:
            return function(value)
        except ValidationError as exc:
            code = getattr(exc, "code", None) or "invalid"
            raise PydanticCustomError(code, "{message}", {"message": " ".join(exc.messages)}) from exc

    return AfterValidator(validate)


def Text(max_length: int, *, required: bool = False, multiline: bool = True, **field):  # noqa: N802
    """Text cleaned by `validators.clean_text`: invisible characters dropped, stripped; `required` text
    must keep something readable."""
    rule = partial(validators.clean_text, max_length=max_length, required=required, multiline=multiline)
    return Annotated[str, Field(max_length=max_length, **field), _rule(rule)]


def ModelText(model, name: str, *, required: bool | None = None, multiline: bool | None = None, **field):  # noqa: N802
    """`Text` with the length of the model field `name`, required unless the field may be blank, on one
    line unless it is a TextField."""
    model_field = model._meta.get_field(name)
    return Text(
        model_field.max_length or 100_000,
        required=not model_field.blank if required is None else required,
        multiline=model_field.get_internal_type() == "TextField" if multiline is None else multiline,
        **field,
    )


def TextList(max_items: int, max_length: int, **field):  # noqa: N802
    """A list of short texts, as `validators.clean_text_list` cleans them."""
    rule = partial(validators.clean_text_list, max_items=max_items, max_length=max_length)
    item = Annotated[str, Field(max_length=max_length)]
    return Annotated[list[item], Field(max_length=max_items, **field), _rule(rule)]


def Choice(choices):  # noqa: N802
    """One of `choices` (a Django choices class or list, or values): an enum in the OpenAPI document."""
    values = getattr(choices, "values", None) or [c[0] if isinstance(c, list | tuple) else c for c in choices]
    return Literal[tuple(values)]


def ModelChoice(model, name: str):  # noqa: N802
    """One of the choices of the model field `name` ("" too when the field may be blank)."""
    model_field = model._meta.get_field(name)
    values = [c[0] for c in model_field.choices]
    return Choice([*values, ""] if model_field.blank else values)


def ChoiceList(choices, *, max_items: int | None = None):  # noqa: N802
    """Several of `choices`, each at most once."""
    values = getattr(choices, "values", None) or [c[0] if isinstance(c, list | tuple) else c for c in choices]
    return Annotated[
        list[Choice(values)],
        Field(max_length=max_items or len(values)),
        _rule(partial(validators.validate_choices, choices=values)),
    ]


Phone = Annotated[
    str,
    Field(
        max_length=validators.PHONE_MAX_LENGTH,
        description="Digits, spaces, +, -, parentheses and an extension (转 801, ext. 801)",
    ),
    _rule(validators.clean_phone),
]
Keywords = Annotated[
    list[Annotated[str, Field(max_length=validators.MAX_KEYWORD_LENGTH)]],
    Field(max_length=validators.MAX_KEYWORDS),
    _rule(validators.clean_keywords),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Yuan with 2 decimals, below 10 billion; `Amount` may be 0, `PositiveAmount` not.
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=14, decimal_places=2)]
PositiveAmount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, max_digits=14, decimal_places=2)]


# --- multipart bodies --------------------------------------------------------------------------------

# django-ninja reads only the declared fields of a multipart body and drops the others; a view that takes
# one calls `refuse_unknown_form_keys` first and declares it in its operation with this.
STRICT_MULTIPART = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {"additionalProperties": False}}}}
}


def refuse_unknown_form_keys(request, *, fields: tuple[str, ...] = (), files: tuple[str, ...] = ()) -> None:
    """422 (as for a JSON body) when a multipart request carries a field or file not declared."""
    unknown = [("form", k) for k in request.POST if k not in fields and k != "csrfmiddlewaretoken"]
    unknown += [("file", k) for k in request.FILES if k not in files]
    if unknown:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": loc, "msg": "Extra inputs are not permitted"}
                for loc in unknown
            ]
        )


# --- 422 answers -------------------------------------------------------------------------------------

# pydantic's own checks, with messages in the interface language; the rules above bring their own.
_MESSAGES = {
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field “%(key)s”: it is not accepted here."),
    "string_too_long": _("At most %(max_length)s characters are allowed."),
    "string_too_short": _("At least %(min_length)s characters are needed."),
    "too_long": _("At most %(max_length)s entries are allowed."),
    "too_short": _("At least %(min_length)s entries are needed."),
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
    "string_pattern_mismatch": _("This value does not have the expected form."),
    "string_type": _("Enter text."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "decimal_max_digits": _("The number has too many digits."),
    "decimal_whole_digits": _("The number has too many digits."),
    "decimal_max_places": _("Give at most %(decimal_places)s decimals."),
    "finite_number": _("Enter a number."),
    "greater_than": _("Enter a number greater than %(gt)s."),
    "greater_than_equal": _("Enter a number of at least %(ge)s."),
    "less_than": _("Enter a number less than %(lt)s."),
    "less_than_equal": _("Enter a number of at most %(le)s."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "date_parsing": _("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": _("Enter a date (YYYY-MM-DD)."),
    "date_type": _("Enter a date (YYYY-MM-DD)."),
    "datetime_parsing": _("Enter a date and time (ISO 8601, e.g. 2026-03-01T09:30:00+08:00)."),
    "datetime_from_date_parsing": _("Enter a date and time (ISO 8601, e.g. 2026-03-01T09:30:00+08:00)."),
    "datetime_type": _("Enter a date and time (ISO 8601, e.g. 2026-03-01T09:30:00+08:00)."),
    "list_type": _("Give a list."),
    "dict_type": _("Give an object."),
    "model_type": _("Give an object."),
    "model_attributes_type": _("Give an object."),
    "json_invalid": _("The request body is not valid JSON."),
    "json_type": _("The request body is not valid JSON."),
}
_SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")


def error_entry(loc, message, code: str) -> dict:
    """One entry of a 422 answer: the field's dotted path (without where it came from: body, query,
    path), its full location, the message and a code."""
    loc = [str(p) if not isinstance(p, int) else p for p in loc]
    path = list(loc)
    if path and path[0] in _SOURCES:
        path = path[1:]
    return {
        "field": ".".join(str(p) for p in path) or None,
        "loc": loc,
        "message": str(message),
        "code": code,
    }


def pydantic_entries(errors: list[dict], body_params: set[str]) -> list[dict]:
    """The entries for pydantic's errors, translated. `body_params` are the names of the view's body
    parameters, which django-ninja puts in the location after "body" (they are not the client's)."""
    entries = []
    for error in errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 1 and loc[0] in ("body", "form", "file") and loc[1] in body_params:
            loc = [loc[0], *loc[2:]]
        kind = error.get("type", "invalid")
        message = _MESSAGES.get(kind)
        if message is None:
            message = error.get("msg", "")
        else:
            ctx = {k: _shown(v) for k, v in (error.get("ctx") or {}).items()}
            ctx["key"] = loc[-1] if loc else ""
            try:
                message = str(message) % ctx
            except (KeyError, TypeError, ValueError):
                message = str(message).split("%(")[0].rstrip(" :“")
        entries.append(error_entry(loc, message, kind))
    return entries


def _shown(value) -> str:
    return str(value) if value is not None else ""


def django_entries(exc: ValidationError) -> list[dict]:
    """The entries for a ValidationError raised by a service (field -> messages; "a.b" paths)."""
    if hasattr(exc, "error_dict"):
        return [
            error_entry(
                ["body", *(int(p) if p.isdigit() else p for p in field.split("."))]
                if field != "__all__"
                else [],
                message,
                error.code or "invalid",
            )
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [error_entry([], m, e.code or "invalid") for e in exc.error_list for m in e.messages]


def summary(entries: list[dict]) -> str:
    fields = [e["field"] for e in entries if e["field"]]
    if not fields:
        return entries[0]["message"] if entries else str(_("The request is not valid."))
    return str(_("Check these fields: %(fields)s.") % {"fields": ", ".join(dict.fromkeys(fields))})
