"""The only write path of evaluation: readiness assessments and their evidence, and saved valuations.

Every transition locks the row, checks the transition table and the actor's rights, and writes an
audit row. A confirmed readiness level is written to the achievement through the achievements service.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import require_active_organization, user_organization_ids
from keqiao.achievements import services as achievement_services
from keqiao.achievements.models import Achievement
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted
from keqiao.common.listing import check_transition
from keqiao.common.uploads import check_upload
from keqiao.common.validators import clean_text
from keqiao.negotiations.models import Deal

from . import choices, engine, selectors, trl
from .models import TrlAssessment, TrlAssessmentEvent, TrlEvidence, TrlLevelAnswer, Valuation, ValuationEvent

MAX_EVIDENCE_FILES = 30


def _lock(assessment: TrlAssessment) -> TrlAssessment:
    return TrlAssessment.objects.select_for_update().select_related("achievement").get(pk=assessment.pk)


def _event(assessment: TrlAssessment, *, by, action: str, from_status: str = "", **kwargs):
    return TrlAssessmentEvent.record(assessment, by=by, action=action, from_status=from_status, **kwargs)


def _require_holder(by: User, achievement: Achievement) -> None:
    if achievement.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only members of the holder can assess its achievement's readiness."))
    require_active_organization(achievement.organization, allow_pending=True)


def _require_assessor(by: User, assessment: TrlAssessment) -> None:
    if not selectors.user_may_confirm(by, assessment):
        raise NotPermitted(
            _(
                "Only an expert or a member of a service agency, outside the holder, can confirm a readiness level."
            )
        )


@transaction.atomic
def assessment_start(*, achievement: Achievement, by: User) -> TrlAssessment:
    """Open a draft assessment of `achievement` with one empty answer per level."""
    _require_holder(by, achievement)
    Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
    if TrlAssessment.objects.filter(
        achievement=achievement, status__in=[TrlAssessment.Status.DRAFT, TrlAssessment.Status.SUBMITTED]
    ).exists():
        raise AlreadyExists(_("This achievement already has an assessment in progress."))
    try:
        with transaction.atomic():
            a = TrlAssessment.objects.create(achievement=achievement, created_by=by)
    except IntegrityError as exc:
        raise AlreadyExists(_("This achievement already has an assessment in progress.")) from exc
    TrlLevelAnswer.objects.bulk_create(TrlLevelAnswer(assessment=a, level=n) for n in range(1, 10))
    _event(a, by=by, action="created")
    return a


def validate_answers(answers: dict, justification) -> tuple[dict[int, dict], str]:
    """Answers by level ({level: {"met": bool, "statement": str}}) cleaned, or ValidationError whose keys
    are the form's fields (`statement_<level>`, `justification`)."""
    errors: dict[str, list] = {}
    cleaned: dict[int, dict] = {}
    for n in range(1, 10):
        item = answers.get(n) or answers.get(str(n)) or {}
        met = bool(item.get("met"))
        try:
            statement = clean_text(item.get("statement") or "", max_length=2000)
        except ValidationError as exc:
            errors[f"statement_{n}"] = exc.messages
            continue
        if met and not statement:
            errors[f"statement_{n}"] = [_("Say how the criteria of this level are met.")]
        cleaned[n] = {"met": met, "statement": statement}
    try:
        justification = clean_text(justification or "", max_length=4000)
    except ValidationError as exc:
        errors["justification"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned, justification


@transaction.atomic
def assessment_save(
    *, assessment: TrlAssessment, by: User, answers: dict, justification: str
) -> TrlAssessment:
    """Save the holder's answers; the level reached is the highest level whose criteria and all below are met."""
    a = _lock(assessment)
    _require_holder(by, a.achievement)
    from_status, _to = check_transition(a, "edit", choices.ASSESSMENT_TRANSITIONS)
    cleaned, justification = validate_answers(answers, justification)
    rows = {r.level: r for r in a.answers.all()}
    for n, item in cleaned.items():
        row = rows[n]
        row.met, row.statement = item["met"], item["statement"]
    TrlLevelAnswer.objects.bulk_update(rows.values(), ["met", "statement"])
    before = a.self_level
    a.self_level = trl.level_reached({n: i["met"] for n, i in cleaned.items()})
    a.justification = justification
    a.save(update_fields=["self_level", "justification", "updated_at"])
    _event(a, by=by, action="edited", from_status=from_status, changes={"self_level": [before, a.self_level]})
    return a


@transaction.atomic
def evidence_add(*, assessment: TrlAssessment, by: User, level: int, uploaded) -> TrlEvidence:
    """Attach a checked PDF or picture to a level of a draft; its SHA-256 is computed from the bytes kept."""
    a = _lock(assessment)
    _require_holder(by, a.achievement)
    from_status, _to = check_transition(a, "edit", choices.ASSESSMENT_TRANSITIONS)
    if not isinstance(level, int) or not 1 <= level <= 9:
        raise DomainError(_("A readiness level is between 1 and 9."), field="level")
    if a.evidence.count() >= MAX_EVIDENCE_FILES:
        raise DomainError(
            _("An assessment can have at most %(n)d evidence files.") % {"n": MAX_EVIDENCE_FILES},
            field="file",
        )
    try:
        content_type = check_upload(uploaded)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="file") from exc
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    evidence = TrlEvidence(
        assessment=a,
        level=level,
        original_name=(uploaded.name or "")[-200:],
        content_type=content_type,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    evidence.file.save(uploaded.name, uploaded, save=False)
    evidence.save()
    _event(
        a,
        by=by,
        action="evidence_added",
        from_status=from_status,
        note=f"{evidence.original_name} {evidence.sha256}",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: TrlEvidence, by: User) -> None:
    a = _lock(evidence.assessment)
    _require_holder(by, a.achievement)
    from_status, _to = check_transition(a, "edit", choices.ASSESSMENT_TRANSITIONS)
    name = evidence.original_name
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))
    _event(a, by=by, action="evidence_removed", from_status=from_status, note=name)


@transaction.atomic
def assessment_submit(*, assessment: TrlAssessment, by: User) -> TrlAssessment:
    """Send the assessment for confirmation: it needs a level reached, a justification, and evidence for
    the level reached."""
    a = _lock(assessment)
    _require_holder(by, a.achievement)
    from_status, to_status = check_transition(a, "submit", choices.ASSESSMENT_TRANSITIONS)
    if a.self_level < 1:
        raise DomainError(_("Mark at least level 1 as met before submitting."), code="no_level")
    if not a.justification:
        raise DomainError(_("Give a justification of the level reached."), field="justification")
    if not a.evidence.filter(level=a.self_level).exists():
        raise DomainError(
            _("Attach at least one evidence file for the level reached (TRL %(level)d).")
            % {"level": a.self_level},
            code="no_evidence",
        )
    a.status = to_status
    a.save(update_fields=["status", "updated_at"])
    _event(a, by=by, action="submit", from_status=from_status)
    return a


@transaction.atomic
def assessment_return(*, assessment: TrlAssessment, by: User, comment: str) -> TrlAssessment:
    """An assessor sends the assessment back to the holder with a comment (e.g. evidence missing)."""
    a = _lock(assessment)
    _require_assessor(by, a)
    from_status, to_status = check_transition(a, "return", choices.ASSESSMENT_TRANSITIONS)
    comment = clean_text(comment, max_length=4000)
    if not comment:
        raise DomainError(_("Say what the holder should change."), field="comment")
    a.status = to_status
    a.reviewer_comment = comment
    a.save(update_fields=["status", "reviewer_comment", "updated_at"])
    _event(a, by=by, action="return", from_status=from_status, note=comment)
    return a


def _assessor_org_name(by: User) -> str:
    agencies = selectors.user_agency_organizations(by)
    if agencies:
        return Organization.objects.filter(pk=agencies[0][0]).values_list("name", flat=True).first() or ""
    return ""


@transaction.atomic
def assessment_confirm(
    *, assessment: TrlAssessment, by: User, level: int, comment: str = "", level_comments: dict | None = None
) -> TrlAssessment:
    """Confirm the holder's level, or correct it (then a comment is required). Each level's verdict is
    recorded (agreed where the holder's answer matches the confirmed level, corrected elsewhere), and the
    confirmed level replaces the declared one on the listing."""
    a = _lock(assessment)
    _require_assessor(by, a)
    from_status, to_status = check_transition(a, "confirm", choices.ASSESSMENT_TRANSITIONS)
    errors: dict[str, list] = {}
    if not isinstance(level, int) or not 1 <= level <= 9:
        errors["level"] = [_("A readiness level is between 1 and 9.")]
    try:
        comment = clean_text(comment or "", max_length=4000)
    except ValidationError as exc:
        errors["comment"] = exc.messages
    if "level" not in errors and level != a.self_level and not comment and "comment" not in errors:
        errors["comment"] = [_("Explain why the level differs from the holder's.")]
    cleaned_comments: dict[int, str] = {}
    for n in range(1, 10):
        try:
            cleaned_comments[n] = clean_text((level_comments or {}).get(n) or "", max_length=2000)
        except ValidationError as exc:
            errors[f"comment_{n}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    answers = list(a.answers.all())
    for row in answers:
        row.verdict = choices.Verdict.AGREED if row.met == (row.level <= level) else choices.Verdict.CORRECTED
        row.comment = cleaned_comments.get(row.level, "")
    TrlLevelAnswer.objects.bulk_update(answers, ["verdict", "comment"])
    a.status = to_status
    a.confirmed_level = level
    a.reviewer_comment = comment
    a.confirmed_by = by
    a.confirmed_org = _assessor_org_name(by)
    a.confirmed_at = timezone.now()
    a.save()
    _event(
        a,
        by=by,
        action="confirm",
        from_status=from_status,
        note=comment,
        changes={"confirmed_level": [a.self_level, level]},
    )
    achievement_services.achievement_set_confirmed_trl(
        achievement=a.achievement, level=level, by=by, organization_name=a.confirmed_org, note=comment
    )
    return a


# --- valuations -----------------------------------------------------------------------------------

MARKET_KEYS = ("tech_field", "contract_type", "ip_type")


def _require_member(by: User, organization: Organization) -> None:
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("Only members of the valuation's organisation can change it."))
    require_active_organization(organization, allow_pending=True)


def _require_own_achievement(achievement: Achievement | None, organization: Organization) -> None:
    if achievement is not None and achievement.organization_id != organization.pk:
        raise NotPermitted(
            _("A valuation can only name an achievement of its own organisation."), field="achievement"
        )


def _compute(*, raw: dict, achievement: Achievement | None, market: dict) -> tuple[dict, dict, int, int]:
    """Check the raw inputs, take the level from the achievement when it is confirmed, find the market
    comparables and run the engine: (inputs to store, results, seed, draws)."""
    raw = dict(raw)
    trl_source = "entered"
    if achievement is not None and achievement.confirmed_trl:
        raw["trl"] = str(achievement.confirmed_trl)
        trl_source = "confirmed"
    try:
        inputs = engine.parse_inputs(raw)
    except engine.InputError as exc:
        raise ValidationError(exc.errors) from exc
    market = {k: str(market.get(k) or "") for k in MARKET_KEYS}
    comparables = (
        selectors.comparable_contracts(
            tech_field=market["tech_field"], contract_type=market["contract_type"], ip_type=market["ip_type"]
        )
        if market["tech_field"]
        else []
    )
    inputs.comparables = comparables
    results = engine.run(inputs)
    results["comparables"] = comparables
    stored = {**raw, "market": market, "trl_source": trl_source}
    return stored, results, inputs.seed, inputs.draws


def _clean_title(title) -> str:
    try:
        return clean_text(title, max_length=200, required=True, multiline=False)
    except ValidationError as exc:
        raise ValidationError({"title": exc.messages}) from exc


def _valuation_event(v: Valuation, *, by, action: str, note: str = "") -> None:
    ValuationEvent.record(v, by=by, action=action, to_status="", note=note)


@transaction.atomic
def valuation_create(
    *,
    by: User,
    organization: Organization,
    title: str,
    inputs: dict,
    achievement: Achievement | None = None,
    market: dict | None = None,
) -> Valuation:
    """Compute and save a valuation of `organization`, private to it until shared."""
    _require_member(by, organization)
    _require_own_achievement(achievement, organization)
    title = _clean_title(title)
    stored, results, seed, draws = _compute(raw=inputs, achievement=achievement, market=market or {})
    v = Valuation.objects.create(
        title=title,
        organization=organization,
        author=by,
        achievement=achievement,
        inputs=stored,
        results=results,
        method_version=engine.METHOD_VERSION,
        seed=seed,
        draws=draws,
    )
    _valuation_event(v, by=by, action="created")
    return v


@transaction.atomic
def valuation_update(
    *,
    valuation: Valuation,
    by: User,
    title: str,
    inputs: dict,
    achievement: Achievement | None = None,
    market: dict | None = None,
) -> Valuation:
    """Recompute a valuation with new inputs (with the current method version)."""
    v = Valuation.objects.select_for_update().get(pk=valuation.pk)
    _require_member(by, v.organization)
    _require_own_achievement(achievement, v.organization)
    title = _clean_title(title)
    stored, results, seed, draws = _compute(raw=inputs, achievement=achievement, market=market or {})
    v.title, v.inputs, v.results, v.seed, v.draws = title, stored, results, seed, draws
    v.achievement = achievement
    v.method_version = engine.METHOD_VERSION
    v.save()
    _valuation_event(v, by=by, action="edited")
    return v


@transaction.atomic
def valuation_copy(*, valuation: Valuation, by: User, organization: Organization) -> Valuation:
    """A new valuation of `organization` with the same inputs and seed (a party may copy a shared one)."""
    _require_member(by, organization)
    raw = {k: v for k, v in valuation.inputs.items() if k not in ("market", "trl_source")}
    achievement = valuation.achievement if valuation.organization_id == organization.pk else None
    copy = valuation_create(
        by=by,
        organization=organization,
        title=str(_("Copy of %(title)s") % {"title": valuation.title})[:200],
        inputs=raw,
        achievement=achievement,
        market=valuation.inputs.get("market") or {},
    )
    copy.copied_from = valuation
    copy.save(update_fields=["copied_from"])
    _valuation_event(copy, by=by, action="copied", note=str(valuation.pk))
    return copy


@transaction.atomic
def valuation_share(*, valuation: Valuation, by: User, deal: Deal | None) -> Valuation:
    """Share the valuation into a negotiation room of its organisation (only the parties see it there), or
    withdraw it from the room (`deal=None`)."""
    v = Valuation.objects.select_for_update().get(pk=valuation.pk)
    _require_member(by, v.organization)
    if deal is None:
        v.deal, v.shared_at = None, None
        v.save(update_fields=["deal", "shared_at", "updated_at"])
        _valuation_event(v, by=by, action="unshared")
        return v
    if v.organization_id not in deal.party_ids:
        raise NotPermitted(
            _("A valuation can only be shared into a negotiation of its own organisation."), field="deal"
        )
    if deal.status not in selectors.SHAREABLE_DEAL_STATUSES:
        raise DomainError(_("This negotiation room is not open."), field="deal", code="room_closed")
    v.deal, v.shared_at = deal, timezone.now()
    v.save(update_fields=["deal", "shared_at", "updated_at"])
    _valuation_event(v, by=by, action="shared", note=str(deal.pk))
    return v
