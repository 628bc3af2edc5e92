"""The only write path for achievements: registration, editing, review, publication and expiry.

Every transition is one function: it locks the row, checks the TRANSITIONS table and the actor's
rights, writes an AchievementEvent, marks the search index, and sends e-mail after commit.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    bureau_users,
    require_active_organization,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.common.emails import send_to_users
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.listing import check_transition, describe_value, expire_due, remind_due
from keqiao.common.signals import send_listing_changed_after_commit
from keqiao.common.uploads import check_upload
from keqiao.common.validators import (
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    clean_keywords,
    clean_model_fields,
    clean_text,
    clean_text_list,
    normalize_patent_number,
    validate_choice,
    validate_choices,
    validate_patent_number,
    validate_software_copyright_number,
)
from keqiao.search.models import IndexChange, mark_changed

from . import choices
from .models import Achievement, AchievementEvent, Attachment, IPItem, RegistrationCounter

EDITABLE_FIELDS = (
    "title",
    "kind",
    "other_organizations",
    "completers",
    "recommending_body",
    "research_start",
    "research_end",
    "source",
    "funding_programme",
    "attribute",
    "forms",
    "secrecy",
    "level",
    "stage",
    "trl",
    "evaluation",
    "keywords",
    "industry",
    "discipline",
    "tech_field",
    "strategic_industry",
    "transfer_modes",
    "price",
    "price_negotiable",
    "summary",
    "application",
    "confidential_details",
    "contact_name",
    "contact_phone",
    "contact_email",
)


# --- validation shared by forms and the API -------------------------------------------------------


# Limits of the lists of the registration form (the national form has room for 15 completers).
MAX_COMPLETERS = 30
MAX_COMPLETER_LENGTH = 60  # a person's name
MAX_OTHER_ORGANIZATIONS = 20
MAX_ORGANIZATION_LENGTH = 100  # an organisation's name
MAX_IP_ITEMS = 20
LIST_LIMITS = {
    "completers": (MAX_COMPLETERS, MAX_COMPLETER_LENGTH),
    "other_organizations": (MAX_OTHER_ORGANIZATIONS, MAX_ORGANIZATION_LENGTH),
}


def clean_ip_item(kind: str, number: str) -> str:
    """Validate an IP item's number for its kind and return its canonical form."""
    number = clean_text(number, max_length=IPItem._meta.get_field("number").max_length, multiline=False)
    if kind in choices.PATENT_KINDS:
        if not number:
            raise ValidationError(_("A patent needs its application number."), code="required")
        validate_patent_number(number, kind)
        return normalize_patent_number(number)
    if kind == choices.IPKind.SOFTWARE:
        if not number:
            raise ValidationError(_("A software copyright needs its registration number."), code="required")
        validate_software_copyright_number(number)
        return number.upper().replace(" ", "")
    return number


def validate_ip_item(item: dict) -> dict:
    """One IP item (kind, number, title, status) checked and cleaned; ValidationError by field."""
    errors: dict[str, list] = {}
    cleaned = {"kind": item.get("kind"), "status": item.get("status") or choices.IPStatus.GRANTED}
    for key, enum in (("kind", choices.IPKind), ("status", choices.IPStatus)):
        try:
            validate_choice(cleaned[key], enum.choices)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    try:
        cleaned["title"] = clean_text(
            item.get("title"),
            max_length=IPItem._meta.get_field("title").max_length,
            required=True,
            multiline=False,
        )
    except ValidationError as exc:
        blank = exc.error_list[0].code == "blank"
        errors["title"] = [_("Give the title of the IP item.")] if blank else exc.messages
    if "kind" not in errors:
        try:
            cleaned["number"] = clean_ip_item(cleaned["kind"], item.get("number") or "")
        except ValidationError as exc:
            errors.setdefault("number", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def validate_ip_items(items) -> list[dict]:
    """The IP items of an achievement: at most MAX_IP_ITEMS, each by `validate_ip_item`; errors are
    reported as "ip_items.<position>.<field>"."""
    if len(items) > MAX_IP_ITEMS:
        raise ValidationError({"ip_items": [_("Give at most %(max)d IP items.") % {"max": MAX_IP_ITEMS}]})
    cleaned, errors = [], {}
    for position, item in enumerate(items):
        try:
            cleaned.append(validate_ip_item(item))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"ip_items.{position}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def validate_achievement_data(data: dict) -> dict:
    """Check the rules of the registration form, field by field and across fields; return the cleaned
    data. Forms and the API both call it.

    Raises ValidationError with a dict of field -> messages so that forms and the API show each message
    next to its field.
    """
    cleaned, errors = clean_model_fields(Achievement, data)
    if "keywords" in cleaned:
        try:
            cleaned["keywords"] = clean_keywords(cleaned["keywords"])
        except ValidationError as exc:
            errors.setdefault("keywords", []).extend(exc.messages)
    for key, (max_items, max_length) in LIST_LIMITS.items():
        if key in cleaned:
            try:
                cleaned[key] = clean_text_list(cleaned[key], max_items=max_items, max_length=max_length)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    price = cleaned.get("price")
    if price is not None and Decimal(price) < 0:
        errors.setdefault("price", []).append(_("The asking price cannot be negative."))
    if price is not None and Decimal(price) >= Decimal("1e12"):
        errors.setdefault("price", []).append(_("The asking price is implausibly large."))
    if cleaned.get("price_negotiable") is True and price is not None:
        # "面议" means no public price: drop a figure typed before the box was ticked.
        cleaned["price"] = price = None
    if cleaned.get("price_negotiable") is False and price is None:
        errors.setdefault("price", []).append(_("Give an asking price, or mark the price as negotiable."))
    start, end = cleaned.get("research_start"), cleaned.get("research_end")
    if start and end and end < start:
        errors.setdefault("research_end", []).append(_("The research cannot end before it starts."))
    for key, enum in (("forms", choices.Form), ("transfer_modes", choices.TransferMode)):
        if cleaned.get(key) is not None:
            try:
                cleaned[key] = validate_choices(cleaned[key], enum.choices)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- helpers --------------------------------------------------------------------------------------


def _is_member(user, achievement: Achievement) -> bool:
    return achievement.organization_id in user_organization_ids(user)


def _require_may_act(by, organization: Organization, *, allow_pending: bool) -> None:
    """A member writes for the organisation only while it may act; the bureau's own actions are exempt."""
    if not user_is_bureau(by):
        require_active_organization(organization, allow_pending=allow_pending)


def _event(achievement: Achievement, *, by, action: str, **kwargs) -> AchievementEvent:
    return AchievementEvent.record(achievement, by=by, action=action, **kwargs)


def _lock(achievement: Achievement) -> Achievement:
    return Achievement.objects.select_for_update().get(pk=achievement.pk)


def _transition(achievement: Achievement, action: str) -> tuple[str, str]:
    return check_transition(achievement, action, choices.TRANSITIONS)


def _owners(achievement: Achievement) -> list[User]:
    return list(User.objects.filter(memberships__organization_id=achievement.organization_id, is_active=True))


def _changed(achievement: Achievement) -> None:
    """Searchable content or visibility changed: mark the index, and tell the apps that listen (matching
    refreshes its matches and alerts followers) after commit."""
    mark_changed(achievement.pk)
    send_listing_changed_after_commit(Achievement, kind="achievement", object_id=achievement.pk)


def _notify_owners(achievement: Achievement, template: str, **extra) -> None:
    recipients = _owners(achievement)
    transaction.on_commit(lambda: send_to_users(recipients, template, {"achievement": achievement, **extra}))


def _set_ip_items(achievement: Achievement, items: list[dict]) -> None:
    items = validate_ip_items(items)
    achievement.ip_items.all().delete()
    IPItem.objects.bulk_create(IPItem(achievement=achievement, **i) for i in items)


# --- registration and editing ---------------------------------------------------------------------


@transaction.atomic
def achievement_create(
    *, by: User, organization: Organization, data: dict, ip_items: list[dict] | None = None
) -> Achievement:
    """Register a new achievement as a draft of `organization` (the first completing organisation)."""
    if organization.pk not in user_organization_ids(by) and not by.is_superuser:
        raise NotPermitted(_("You can only register achievements for your own organisation."))
    _require_may_act(by, organization, allow_pending=True)
    cleaned = validate_achievement_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    achievement = Achievement(organization=organization, created_by=by, **cleaned)
    if achievement.price_negotiable and achievement.price is None:
        achievement.price_negotiable = True
    achievement.full_clean(exclude=["registration_number"])
    achievement.save()
    if ip_items:
        _set_ip_items(achievement, ip_items)
    _event(achievement, by=by, action="created")
    return achievement


@transaction.atomic
def achievement_update(
    *, achievement: Achievement, by: User, data: dict, ip_items: list[dict] | None = None
) -> Achievement:
    """Edit a draft or returned achievement; every changed field is recorded in the audit trail."""
    locked = _lock(achievement)
    if not (_is_member(by, locked) or by.is_superuser):
        raise NotPermitted(_("Only members of the owning organisation can edit this achievement."))
    _require_may_act(by, locked.organization, allow_pending=True)
    if not locked.is_editable:
        raise TransitionNotAllowed(
            _("This achievement cannot be edited while it is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    cleaned = validate_achievement_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    changes = {}
    for field, value in cleaned.items():
        old = getattr(locked, field)
        if old != value:
            changes[field] = [describe_value(old), describe_value(value)]
            setattr(locked, field, value)
    locked.full_clean(exclude=["registration_number"])
    locked.save()
    if ip_items is not None:
        before = sorted((i.kind, i.number) for i in locked.ip_items.all())
        _set_ip_items(locked, ip_items)
        after = sorted((i.kind, i.number) for i in locked.ip_items.all())
        if before != after:
            changes["ip_items"] = [before, after]
    if changes:
        _event(locked, by=by, action="edited", from_status=locked.status, changes=changes)
    return locked


# --- review workflow --------------------------------------------------------------------------------


def _check_complete(a: Achievement) -> None:
    missing = []
    if not a.summary.strip():
        missing.append(str(_("public summary")))
    if not a.keywords:
        missing.append(str(_("keywords")))
    if not a.tech_field:
        missing.append(str(_("technology field")))
    if not a.transfer_modes:
        missing.append(str(_("transfer modes sought")))
    if missing:
        raise DomainError(
            _("Please complete these fields before submitting: %(fields)s.") % {"fields": "、".join(missing)}
        )
    if a.secrecy != choices.Secrecy.NON_SECRET:
        raise DomainError(_("Classified results must not be registered on this platform."), field="secrecy")


@transaction.atomic
def achievement_submit(*, achievement: Achievement, by: User) -> Achievement:
    """Send a draft (or a returned achievement) to the S&T bureau for review."""
    a = _lock(achievement)
    if not _is_member(by, a):
        raise NotPermitted(_("Only members of the owning organisation can submit this achievement."))
    require_active_organization(
        a.organization,
        allow_pending=False,
        pending_message=_(
            "Your organisation must be verified by the S&T bureau before it can submit listings."
        ),
    )
    before, a.status = _transition(a, "submit")
    _check_complete(a)
    a.submitted_at = timezone.now()
    a.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(a, by=by, action="submitted", from_status=before)
    officers = list(bureau_users())
    transaction.on_commit(lambda: send_to_users(officers, "achievements/email/submitted", {"achievement": a}))
    return a


def _require_bureau(by: User) -> None:
    if not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau can review achievements."))


@transaction.atomic
def achievement_return(*, achievement: Achievement, by: User, comment: str) -> Achievement:
    """The bureau sends a submission back with comments for the owner to revise."""
    _require_bureau(by)
    if not comment.strip():
        raise DomainError(_("Please say what needs to be revised."), field="comment")
    a = _lock(achievement)
    before, a.status = _transition(a, "return")
    a.review_comment = comment.strip()
    a.save(update_fields=["status", "review_comment", "updated_at"])
    _event(a, by=by, action="returned", from_status=before, note=a.review_comment)
    _notify_owners(a, "achievements/email/returned")
    return a


def _reserve_serials(office: str, year: int, n: int = 1) -> range:
    """Take the next `n` serials of the office's year from its counter.

    The counter row is locked for the rest of the calling transaction, so two transactions cannot take
    the same serial, and a rolled-back transaction gives its serials back: numbers stay gap-free.
    """
    RegistrationCounter.objects.get_or_create(office_code=office, year=year)
    counter = RegistrationCounter.objects.select_for_update().get(office_code=office, year=year)
    if counter.last_serial + n > 9999:
        raise DomainError(
            _("The registration numbers of this year are exhausted; contact the administrator.")
        )
    first = counter.last_serial + 1
    counter.last_serial += n
    counter.save(update_fields=["last_serial"])
    return range(first, first + n)


def _issue_registration_numbers(kinds: list[str], now: datetime.datetime) -> list[str]:
    """Issue one number per kind, in order: office code (3) + year (4) + kind digit (1) + serial (4).

    The year is that of `now` in the city's time zone; the serials come from `_reserve_serials`.
    """
    office = settings.KEQIAO["REGISTRATION_OFFICE_CODE"]
    year = timezone.localtime(now).year
    serials = _reserve_serials(office, year, len(kinds))
    return [f"{office}{year:04d}{kind}{serial:04d}" for kind, serial in zip(kinds, serials, strict=True)]


def _next_registration_number(kind: str, now: datetime.datetime) -> str:
    """Issue the next number of the year for one approval (see `_issue_registration_numbers`)."""
    return _issue_registration_numbers([kind], now)[0]


@transaction.atomic
def achievement_approve(*, achievement: Achievement, by: User, note: str = "") -> Achievement:
    """The bureau approves a submission and issues its registration number."""
    _require_bureau(by)
    a = _lock(achievement)
    before, a.status = _transition(a, "approve")
    now = timezone.now()
    a.approved_at = now
    a.review_comment = ""
    if not a.registration_number:
        a.registration_number = _next_registration_number(a.kind, now)
    a.save(update_fields=["status", "approved_at", "registration_number", "review_comment", "updated_at"])
    _event(
        a,
        by=by,
        action="approved",
        from_status=before,
        note=note,
        changes={"registration_number": [None, a.registration_number]},
    )
    _notify_owners(a, "achievements/email/approved")
    return a


def _can_manage_listing(by: User, a: Achievement) -> bool:
    return _is_member(by, a) or user_is_bureau(by)


@transaction.atomic
def achievement_publish(*, achievement: Achievement, by: User) -> Achievement:
    """Make an approved (or withdrawn) achievement public for the listing validity period."""
    a = _lock(achievement)
    if not _can_manage_listing(by, a):
        raise NotPermitted(_("Only the owning organisation or the S&T bureau can publish this achievement."))
    _require_may_act(by, a.organization, allow_pending=False)
    before, a.status = _transition(a, "publish")
    now = timezone.now()
    a.published_at = now
    a.expires_at = now + datetime.timedelta(days=settings.KEQIAO["LISTING_VALIDITY_DAYS"])
    a.expiry_reminded_at = None
    a.save(update_fields=["status", "published_at", "expires_at", "expiry_reminded_at", "updated_at"])
    _event(a, by=by, action="published", from_status=before)
    _changed(a)
    return a


@transaction.atomic
def achievement_withdraw(*, achievement: Achievement, by: User, note: str = "") -> Achievement:
    """Take a published achievement off the showcase."""
    a = _lock(achievement)
    if not _can_manage_listing(by, a):
        raise NotPermitted(_("Only the owning organisation or the S&T bureau can withdraw this achievement."))
    _require_may_act(by, a.organization, allow_pending=False)
    before, a.status = _transition(a, "withdraw")
    a.save(update_fields=["status", "updated_at"])
    _event(a, by=by, action="withdrawn", from_status=before, note=note)
    _changed(a)
    return a


@transaction.atomic
def achievement_renew(*, achievement: Achievement, by: User) -> Achievement:
    """Extend a published or expired listing for another validity period from today."""
    a = _lock(achievement)
    if not _can_manage_listing(by, a):
        raise NotPermitted(_("Only the owning organisation or the S&T bureau can renew this achievement."))
    _require_may_act(by, a.organization, allow_pending=False)
    before, a.status = _transition(a, "renew")
    now = timezone.now()
    a.expires_at = now + datetime.timedelta(days=settings.KEQIAO["LISTING_VALIDITY_DAYS"])
    a.expiry_reminded_at = None
    if before == choices.Status.EXPIRED:
        a.published_at = now
    a.save(update_fields=["status", "expires_at", "expiry_reminded_at", "published_at", "updated_at"])
    _event(
        a,
        by=by,
        action="renewed",
        from_status=before,
        changes={"expires_at": [None, a.expires_at.isoformat()]},
    )
    _changed(a)
    return a


@transaction.atomic
def achievement_revise(*, achievement: Achievement, by: User) -> Achievement:
    """Bring a withdrawn or expired achievement back to draft for editing; it keeps its number."""
    a = _lock(achievement)
    if not _is_member(by, a):
        raise NotPermitted(_("Only members of the owning organisation can revise this achievement."))
    _require_may_act(by, a.organization, allow_pending=True)
    before, a.status = _transition(a, "revise")
    a.save(update_fields=["status", "updated_at"])
    _event(a, by=by, action="revised", from_status=before)
    return a


@transaction.atomic
def achievement_set_featured(*, achievement: Achievement, by: User, featured: bool) -> Achievement:
    _require_bureau(by)
    a = _lock(achievement)
    if a.featured != featured:
        a.featured = featured
        a.save(update_fields=["featured", "updated_at"])
        _event(a, by=by, action="featured" if featured else "unfeatured", from_status=a.status)
        _changed(a)
    return a


# --- periodic maintenance (cron or Celery beat) ---------------------------------------------------


def achievements_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire published listings past their date (safe to run concurrently)."""

    def expired(a: Achievement) -> None:
        _event(a, by=None, action="expired", from_status=choices.Status.PUBLISHED)
        _changed(a)
        _notify_owners(a, "achievements/email/expired")

    return expire_due(
        Achievement,
        now=now or timezone.now(),
        published=choices.Status.PUBLISHED,
        expired=choices.Status.EXPIRED,
        on_claimed=expired,
    )


def achievements_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind owners once, `EXPIRY_REMINDER_DAYS` before a listing expires."""

    def remind(a: Achievement) -> None:
        _event(a, by=None, action="reminder_sent", from_status=a.status)
        _notify_owners(a, "achievements/email/expiring")

    return remind_due(
        Achievement,
        now=now or timezone.now(),
        days=settings.KEQIAO["EXPIRY_REMINDER_DAYS"],
        published=choices.Status.PUBLISHED,
        on_claimed=remind,
    )


# --- confirmed readiness (written by the evaluation app after an agency or expert confirmed a level) -----


@transaction.atomic
def achievement_set_confirmed_trl(
    *, achievement: Achievement, level: int, by: User, organization_name: str = "", note: str = ""
) -> Achievement:
    """Record the readiness level confirmed by `by` (an agency member or an expert); listing, matching and
    search use it from now on. The caller has checked that `by` may confirm."""
    if not isinstance(level, int) or not 1 <= level <= 9:
        raise DomainError(_("A readiness level is between 1 and 9."), field="level")
    a = _lock(achievement)
    before = a.confirmed_trl
    a.confirmed_trl = level
    a.trl_confirmed_by = by
    a.trl_confirmed_org = (organization_name or "")[:100]
    a.trl_confirmed_at = timezone.now()
    a.save(
        update_fields=[
            "confirmed_trl",
            "trl_confirmed_by",
            "trl_confirmed_org",
            "trl_confirmed_at",
            "updated_at",
        ]
    )
    _event(
        a,
        by=by,
        action="trl_confirmed",
        from_status=a.status,
        note=note,
        changes={"confirmed_trl": [before, level]},
    )
    _changed(a)
    return a


# --- attachments ----------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, achievement: Achievement, by: User, uploaded, kind: str, is_public: bool = False):
    """Attach a checked PDF or image to an editable achievement."""
    a = _lock(achievement)
    if not _is_member(by, a):
        raise NotPermitted(_("Only members of the owning organisation can add attachments."))
    _require_may_act(by, a.organization, allow_pending=True)
    if not a.is_editable:
        raise TransitionNotAllowed(
            _("Attachments can only be changed while the achievement is a draft or returned.")
        )
    if a.attachments.count() >= settings.KEQIAO["ATTACHMENTS_PER_ACHIEVEMENT"]:
        raise DomainError(
            _("An achievement can have at most %(n)d attachments.")
            % {"n": settings.KEQIAO["ATTACHMENTS_PER_ACHIEVEMENT"]}
        )
    content_type = check_upload(uploaded)
    if kind not in choices.AttachmentKind.values:
        raise DomainError(_("Unknown attachment kind."), field="kind")
    attachment = Attachment(
        achievement=a,
        kind=kind,
        original_name=(uploaded.name or "")[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=by,
        is_public=is_public and content_type.startswith("image/"),
    )
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    _event(a, by=by, action="attachment_added", from_status=a.status, note=attachment.original_name)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, by: User) -> None:
    a = _lock(attachment.achievement)
    if not _is_member(by, a):
        raise NotPermitted(_("Only members of the owning organisation can remove attachments."))
    _require_may_act(by, a.organization, allow_pending=True)
    if not a.is_editable:
        raise TransitionNotAllowed(
            _("Attachments can only be changed while the achievement is a draft or returned.")
        )
    name = attachment.original_name
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
    _event(a, by=by, action="attachment_removed", from_status=a.status, note=name)


# --- bulk import (records already registered elsewhere, e.g. the provincial system) ----------------


@transaction.atomic
def achievements_import(
    *,
    rows: list[dict],
    by: User | None = None,
    publish: bool = True,
    batch_size: int = 1000,
    issue_registration_numbers: bool = False,
) -> list[int]:
    """Create many achievements at once from records registered elsewhere.

    Each row holds model field values plus `organization` and optional `ip_items`, `published_at`.
    Keywords beyond the national form's five, or longer than 20 characters, are dropped; the rules of
    `validate_achievement_data` apply to the rest. Imported listings are published directly (the
    registration was reviewed in the system they come from) and every one gets an "imported" event.

    With `issue_registration_numbers`, the import stands for the bureau's approval of the published
    rows: each gets its registration number from the same counter as `achievement_approve`, dated (and
    `approved_at`) at its publication, numbered in order of publication within each year. Off by
    default, because benchmark imports publish more rows in one year than a year has serials.
    """
    now = timezone.now()
    validity = datetime.timedelta(days=settings.KEQIAO["LISTING_VALIDITY_DAYS"])

    def status_of(row: dict) -> str:
        return row.get("status", choices.Status.PUBLISHED if publish else choices.Status.DRAFT)

    numbers: dict[int, str] = {}
    if issue_registration_numbers:
        numbers = _import_registration_numbers(
            [
                (i, str(row.get("kind") or choices.Kind.APPLIED), row.get("published_at") or now)
                for i, row in enumerate(rows)
                if status_of(row) == choices.Status.PUBLISHED
            ]
        )
    created: list[int] = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        objs = []
        for offset, row in enumerate(batch):
            data = {k: v for k, v in row.items() if k in EDITABLE_FIELDS}
            data["keywords"] = [
                k.strip() for k in data.get("keywords", []) if 0 < len(k.strip()) <= MAX_KEYWORD_LENGTH
            ]
            data["keywords"] = list(dict.fromkeys(data["keywords"]))[:MAX_KEYWORDS]
            data["title"] = data.get("title", "")[:200]
            data["summary"] = data.get("summary", "")[:2000]
            data = validate_achievement_data(data)
            published_at = row.get("published_at") or now
            status = status_of(row)
            number = numbers.get(start + offset)
            objs.append(
                Achievement(
                    organization=row["organization"],
                    created_by=by,
                    status=status,
                    **data,
                    registration_number=number,
                    approved_at=published_at if number else None,
                    published_at=published_at if status == choices.Status.PUBLISHED else None,
                    expires_at=published_at + validity if status == choices.Status.PUBLISHED else None,
                )
            )
        Achievement.objects.bulk_create(objs)
        if any(o.pk is None for o in objs):  # backends without RETURNING: fetch the ids back
            raise DomainError(_("This database backend cannot import in bulk."))
        ip_rows = []
        events = []
        changes = []

        for obj, row in zip(objs, batch, strict=True):
            for item in row.get("ip_items", []):
                ip_rows.append(
                    IPItem(
                        achievement=obj,
                        kind=item["kind"],
                        number=clean_ip_item(item["kind"], item.get("number", "")),
                        title=item.get("title", "")[:200],
                        status=item.get("status", choices.IPStatus.GRANTED),
                    )
                )
            events.append(
                AchievementEvent(
                    achievement=obj,
                    actor=by,
                    action="imported",
                    to_status=obj.status,
                    changes={"registration_number": [None, obj.registration_number]}
                    if obj.registration_number
                    else {},
                )
            )
            if obj.status == choices.Status.PUBLISHED:
                changes.append(IndexChange(object_id=obj.pk))
            created.append(obj.pk)
        IPItem.objects.bulk_create(ip_rows)
        AchievementEvent.objects.bulk_create(events)
        IndexChange.objects.bulk_create(changes)
    return created


def _import_registration_numbers(pending: list[tuple[int, str, datetime.datetime]]) -> dict[int, str]:
    """Numbers for (row index, kind, approval time) triples: per year, in order of approval time."""
    by_year: dict[int, list[tuple[datetime.datetime, int, str]]] = {}
    for index, kind, when in pending:
        by_year.setdefault(timezone.localtime(when).year, []).append((when, index, kind))
    numbers: dict[int, str] = {}
    for _year, items in sorted(by_year.items()):
        items.sort()
        issued = _issue_registration_numbers([kind for _when, _index, kind in items], items[0][0])
        numbers.update((index, number) for (_when, index, _kind), number in zip(items, issued, strict=True))
    return numbers


@transaction.atomic
def achievement_set_evaluation(
    *, achievement: Achievement, by: User, level: str, evaluation: str, note: str
) -> Achievement:
    """Set 成果水平 and 评价方式 from a closed expert evaluation (the reviews app calls this after checking
    that `by` organised the closed review; `note` names the review). Recorded as an event."""
    if level not in choices.Level.values:
        raise DomainError(_("Choose a level from the list."), field="level")
    if evaluation not in choices.Evaluation.values:
        raise DomainError(_("Choose an evaluation form from the list."), field="evaluation")
    a = _lock(achievement)
    changes = {}
    if a.level != level:
        changes["level"] = [a.level, level]
    if a.evaluation != evaluation:
        changes["evaluation"] = [a.evaluation, evaluation]
    a.level, a.evaluation = level, evaluation
    a.save(update_fields=["level", "evaluation", "updated_at"])
    _event(a, by=by, action="evaluation_set", from_status=a.status, note=note[:500], changes=changes)
    _changed(a)
    return a
