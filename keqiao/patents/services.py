"""The only write path for patent records: validation shared by the import and the admin, creating or
updating a record by its application number, and linking it to achievements."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.common.errors import NotPermitted
from keqiao.common.validators import (
    clean_model_fields,
    clean_text_list,
    normalize_patent_number,
    patent_check_char,
    validate_patent_number,
)

from . import choices
from .models import Patent

MAX_PARTIES = 30
MAX_PARTY_LENGTH = 100
MAX_IPC_CODES = 20

# Publication (announcement) numbers: "CN" + 7 digits (before 2010) or 9 digits + the kind code (A: an
# application published, B: an invention granted, C: granted before 2010, U/Y: utility model, S/D: design).
# Unlike application numbers they carry no check digit, so only their form and kind are checked.
_PUBLICATION_RE = re.compile(r"^CN(\d{7}|\d{9})([ABCUYSD])\d?$")
PUBLICATION_KINDS = {
    choices.Kind.INVENTION: {"A", "B", "C"},
    choices.Kind.UTILITY_MODEL: {"U", "Y"},
    choices.Kind.DESIGN: {"S", "D"},
}
# IPC: section letter, two-digit class, subclass letter, then optionally group/subgroup ("H01M 10/0525").
_IPC_RE = re.compile(r"^([A-H]\d{2}[A-Z])(?:\s*(\d{1,4})/(\d{2,6}))?$")


def kind_of_application_number(number: str) -> str | None:
    """The patent type that a (normalised, 12-digit) application number's type digit says."""
    digits = number.removeprefix("ZL").split(".")[0]
    return choices.KIND_OF_TYPE_DIGIT.get(digits[4]) if len(digits) == 12 else None


def application_number_with_check(first12: str) -> str:
    """The canonical application number for 12 digits (used by demo data: the check digit is computed)."""
    return f"ZL{first12}.{patent_check_char(first12)}"


def clean_publication_number(value: str, kind: str | None) -> str:
    raw = re.sub(r"[\s.]+", "", value or "").upper()
    if not raw:
        return ""
    match = _PUBLICATION_RE.match(raw)
    if not match:
        raise ValidationError(
            _("Enter a Chinese publication number such as CN105489932A (CN, 7 or 9 digits and a kind code)."),
            code="format",
        )
    if kind in PUBLICATION_KINDS and match.group(2) not in PUBLICATION_KINDS[kind]:
        raise ValidationError(
            _("The publication number %(number)s does not belong to a patent of this type."),
            code="type",
            params={"number": raw},
        )
    return raw


def clean_ipc_codes(values) -> list[str]:
    """IPC codes in the usual form "H01M 10/0525"; "；" or "," separated text is split."""
    if isinstance(values, str):
        values = re.split(r"[;；,，\n]+", values)
    codes: list[str] = []
    for value in values or []:
        raw = re.sub(r"\s+", "", str(value)).upper()
        if not raw:
            continue
        match = _IPC_RE.match(raw)
        if not match:
            raise ValidationError(
                _("“%(code)s” is not an IPC code such as H01M 10/0525."),
                code="ipc",
                params={"code": str(value)[:30]},
            )
        code = match.group(1) + (f" {match.group(2)}/{match.group(3)}" if match.group(2) else "")
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_IPC_CODES:
        raise ValidationError(
            _("Give at most %(max)d IPC codes."), code="max_items", params={"max": MAX_IPC_CODES}
        )
    return codes


def legal_status_from_text(value: str) -> str:
    """The legal status for a value or a patent-search export's wording ("有效", "未缴年费终止" …)."""
    text = (value or "").strip()
    if text in choices.LegalStatus.values:
        return text
    lowered = text.lower()
    # Longer, more specific words first: "全部无效" before "有效", "视为撤回" before "撤回".
    words = sorted(
        ((w, status) for status, ws in choices.STATUS_WORDS.items() for w in ws), key=lambda p: -len(p[0])
    )
    for word, status in words:
        if word in lowered:
            return status
    raise ValidationError(
        _("“%(value)s” is not a legal status this platform knows."),
        code="invalid_choice",
        params={"value": text[:30]},
    )


def validate_patent_data(data: dict) -> dict:
    """Check a patent record field by field; return the cleaned data (ValidationError: field -> messages)."""
    errors: dict[str, list] = {}
    data = dict(data)
    number = data.get("application_number") or ""
    kind = data.get("kind") or None
    try:
        validate_patent_number(number)
        data["application_number"] = normalize_patent_number(number)
        derived = kind_of_application_number(data["application_number"])
        if kind and derived and kind != derived:
            errors.setdefault("kind", []).append(
                _("The application number says this is another patent type.")
            )
        data["kind"] = kind or derived or ""
    except ValidationError as exc:
        errors.setdefault("application_number", []).extend(exc.messages)
    if data.get("legal_status"):
        try:
            data["legal_status"] = legal_status_from_text(str(data["legal_status"]))
        except ValidationError as exc:
            errors.setdefault("legal_status", []).extend(exc.messages)
    cleaned, field_errors = clean_model_fields(
        Patent,
        {k: v for k, v in data.items() if k in ("kind", "title", "abstract", "source", "legal_status")},
    )
    for key, messages in field_errors.items():
        if key not in errors:
            errors.setdefault(key, []).extend(messages)
    data.update(cleaned)
    try:
        data["publication_number"] = clean_publication_number(
            data.get("publication_number") or "", data["kind"]
        )
    except (ValidationError, KeyError) as exc:
        if isinstance(exc, ValidationError):
            errors.setdefault("publication_number", []).extend(exc.messages)
    for key in ("applicants", "inventors"):
        try:
            data[key] = clean_text_list(data.get(key), max_items=MAX_PARTIES, max_length=MAX_PARTY_LENGTH)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    try:
        data["ipc_codes"] = clean_ipc_codes(data.get("ipc_codes"))
    except ValidationError as exc:
        errors.setdefault("ipc_codes", []).extend(exc.messages)
    for key in ("application_date", "publication_date", "grant_date", "status_date"):
        value = data.get(key)
        if value in (None, ""):
            data[key] = None
        elif not isinstance(value, datetime.date):
            errors.setdefault(key, []).append(_("Enter a date such as 2024-03-15."))
    app_date, grant = data.get("application_date"), data.get("grant_date")
    if isinstance(app_date, datetime.date) and isinstance(grant, datetime.date) and grant < app_date:
        errors.setdefault("grant_date", []).append(_("A patent cannot be granted before it was applied for."))
    if errors:
        raise ValidationError(errors)
    return {k: data[k] for k in FIELDS if k in data}


FIELDS = (
    "application_number",
    "publication_number",
    "kind",
    "title",
    "abstract",
    "applicants",
    "inventors",
    "ipc_codes",
    "legal_status",
    "application_date",
    "publication_date",
    "grant_date",
    "status_date",
    "source",
)


def _require_may_write(by: User, holder: Organization | None) -> None:
    if user_is_bureau(by):
        return
    if holder is None or holder.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only record patents of your own organisation."))
    if holder.status != Organization.Status.VERIFIED:
        raise NotPermitted(_("Your organisation must be verified before it records patents."))


@transaction.atomic
def patent_save(*, by: User | None, data: dict, holder: Organization | None) -> tuple[Patent, bool]:
    """Create the patent, or update the record with the same application number (a newer export brings
    the current legal status). Returns (patent, created). `by` None: a system import (demo, benchmark)."""
    if by is not None:
        _require_may_write(by, holder)
    cleaned = validate_patent_data(data)
    existing = (
        Patent.objects.select_for_update().filter(application_number=cleaned["application_number"]).first()
    )
    if existing is not None:
        if (
            by is not None
            and existing.holder_id
            and holder
            and existing.holder_id != holder.pk
            and not user_is_bureau(by)
        ):
            raise NotPermitted(_("This patent is recorded for another organisation."))
        for key, value in cleaned.items():
            setattr(existing, key, value)
        if holder is not None:
            existing.holder = holder
        existing.save()
        return existing, False
    patent = Patent.objects.create(holder=holder, created_by=by, **cleaned)
    return patent, True


@transaction.atomic
def patent_link_achievements(*, patent: Patent, achievement_ids: list[int]) -> None:
    """Link the patent to achievements of its holder (others are ignored: a patent rests with its holder)."""
    # Patents sit on the floor below achievements: the model comes through the relation, not an import.
    achievement_model = Patent._meta.get_field("achievements").related_model
    ids = list(
        achievement_model.objects.filter(
            pk__in=achievement_ids, organization_id=patent.holder_id
        ).values_list("pk", flat=True)
    )
    patent.achievements.add(*ids)
