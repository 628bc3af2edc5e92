"""Writes of the expert registry and of review panels. Each state change locks its row, checks the
transition table, writes an audit row and refuses what the rules forbid with a translated message."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements import services as achievement_services
from keqiao.achievements.models import Achievement
from keqiao.common import workflow
from keqiao.common.choices import TechField
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.models import Classification
from keqiao.common.validators import validate_choice
from keqiao.notifications import text as notice
from keqiao.notifications.services import notify

from . import aggregate, choices, proposal, subjects
from .models import Expert, ExpertEvent, Panelist, Review, ReviewEvent
from .notification_kinds import REVIEW

MAX_DISCIPLINES = 10
MIN_PANEL = 2

# --- the expert registry ------------------------------------------------------------------------------

EXPERT_FIELDS = (
    "organization",
    "organization_name",
    "title",
    "position",
    "disciplines",
    "tech_fields",
    "expertise",
    "available",
    "conflict_organizations",
    "conflict_note",
)


def _require_bureau(by: User) -> None:
    if not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau keeps the expert registry."))


def validate_expert_data(data: dict, *, partial: bool = False) -> dict:
    """The profile fields cleaned; a ValidationError names every field at fault."""
    errors: dict[str, list] = {}
    clean: dict = {}

    def run(name, fn):
        if name not in data:
            if not partial and name in ("organization_name", "title"):
                errors[name] = [_("This field is required.")]
            return
        try:
            clean[name] = fn(data[name])
        except ValidationError as exc:
            errors[name] = exc.messages
        except DomainError as exc:
            errors[name] = [str(exc.message)]

    run("organization", lambda v: v if v is None or isinstance(v, Organization) else _bad_org())
    run(
        "organization_name",
        lambda v: workflow.clean_text(v, field="organization_name", max_length=100),
    )
    run("title", lambda v: validate_choice(v, choices.ExpertTitle.choices))
    run("position", lambda v: workflow.clean_text(v, field="position", max_length=60, required=False))
    run("disciplines", _clean_disciplines)
    run("tech_fields", _clean_tech_fields)
    run("expertise", lambda v: workflow.clean_text(v, field="expertise", max_length=1000, required=False))
    run("available", bool)
    run("conflict_organizations", lambda v: list(v or []))
    run(
        "conflict_note",
        lambda v: workflow.clean_text(v, field="conflict_note", max_length=500, required=False),
    )
    if "organization" in clean and clean["organization"] is not None and not clean.get("organization_name"):
        clean["organization_name"] = clean["organization"].name
        errors.pop("organization_name", None)
    if errors:
        raise ValidationError(errors)
    return clean


def _bad_org():
    raise ValidationError(_("Choose an organisation from the list."))


def _clean_disciplines(values) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    if not isinstance(values, list | tuple):
        raise ValidationError(_("Give a list of entries."))
    codes = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    if len(codes) > MAX_DISCIPLINES:
        raise ValidationError(
            _("Give at most %(max)d entries (you gave %(n)d).") % {"max": MAX_DISCIPLINES, "n": len(codes)}
        )
    known = set(
        Classification.objects.filter(scheme=Classification.Scheme.DISCIPLINE, code__in=codes).values_list(
            "code", flat=True
        )
    )
    unknown = [c[:20] for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            _("Unknown GB/T 13745 discipline code: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return codes


def _clean_tech_fields(values) -> list[str]:
    if not isinstance(values, list | tuple):
        raise ValidationError(_("Give a list of entries."))
    allowed = set(TechField.values)
    unknown = [str(v)[:40] for v in values if v not in allowed]
    if unknown:
        raise ValidationError(_("Unknown choice: %(values)s.") % {"values": ", ".join(unknown)})
    return list(dict.fromkeys(values))


def _set_fields(expert: Expert, clean: dict) -> dict:
    changes = {}
    for name, value in clean.items():
        if name == "conflict_organizations":
            before = sorted(expert.conflict_organizations.values_list("pk", flat=True)) if expert.pk else []
            after = sorted(o.pk if isinstance(o, Organization) else int(o) for o in value)
            if before != after:
                changes[name] = [before, after]
            continue
        old = getattr(expert, name)
        if old != value:
            changes[name] = [
                str(old.pk if isinstance(old, Organization) else old),
                str(value.pk if isinstance(value, Organization) else value),
            ]
            setattr(expert, name, value)
    return changes


@transaction.atomic
def expert_invite(*, by: User, user: User, data: dict) -> Expert:
    """The bureau invites a person with an account into the registry (status: invited)."""
    _require_bureau(by)
    if not user.is_active:
        raise DomainError(_("This account is deactivated."), field="user")
    if Expert.objects.filter(user=user).exists():
        raise AlreadyExists(_("This person is already in the expert registry."), field="user")
    clean = validate_expert_data(data)
    expert = Expert(user=user, invited_by=by)
    conflicts = clean.pop("conflict_organizations", None)
    _set_fields(expert, clean)
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError as exc:
        raise AlreadyExists(_("This person is already in the expert registry."), field="user") from exc
    if conflicts is not None:
        expert.conflict_organizations.set(conflicts)
    ExpertEvent.record(expert, by=by, action="invite")
    return expert


@transaction.atomic
def expert_update(*, expert: Expert, by: User, data: dict) -> Expert:
    """The expert keeps their own profile (fields, declared conflicts, availability); the bureau may too."""
    if by.pk != expert.user_id and not user_is_bureau(by):
        raise NotPermitted(_("Only the expert or the S&T bureau can change this profile."))
    expert = workflow.lock(expert)
    clean = validate_expert_data(data, partial=True)
    changes = _set_fields(expert, clean)
    if not changes:
        return expert
    expert.save()
    if "conflict_organizations" in clean:
        expert.conflict_organizations.set(clean["conflict_organizations"])
    ExpertEvent.record(expert, by=by, action="update", from_status=expert.status, changes=changes)
    return expert


def _set_is_expert(user_id: int, value: bool) -> None:
    User.objects.filter(pk=user_id).update(is_expert=value)


@transaction.atomic
def expert_confirm(*, expert: Expert, by: User) -> Expert:
    """The bureau confirms an invited (or suspended) expert: `User.is_expert` becomes true."""
    _require_bureau(by)
    expert = workflow.lock(expert)
    workflow.transition(
        expert, "confirm", choices.EXPERT_TRANSITIONS, event=ExpertEvent, by=by, confirmed_at=timezone.now()
    )
    _set_is_expert(expert.user_id, True)
    return expert


@transaction.atomic
def expert_suspend(*, expert: Expert, by: User, note: str = "") -> Expert:
    """The bureau takes an expert off the registry (kept for the record): `User.is_expert` becomes false.
    Panels they already sit on keep them."""
    _require_bureau(by)
    note = workflow.clean_text(note, field="note", max_length=500, required=False)
    expert = workflow.lock(expert)
    workflow.transition(expert, "suspend", choices.EXPERT_TRANSITIONS, event=ExpertEvent, by=by, note=note)
    _set_is_expert(expert.user_id, False)
    return expert


# --- reviews --------------------------------------------------------------------------------------------

ORGANIZER_KINDS = (Organization.Kind.CITY_BUREAU, Organization.Kind.AGENCY)


def may_organize(user, organization: Organization) -> bool:
    """Members of the verified city S&T bureau or of a verified service agency organise reviews."""
    return (
        organization.kind in ORGANIZER_KINDS
        and organization.status == Organization.Status.VERIFIED
        and organization.pk in user_organization_ids(user)
    )


def _require_organizer(by: User, review: Review) -> None:
    if review.organizer_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the organiser of this review can do this."))


def _validate_weights(weights) -> dict[str, float]:
    if weights is None:
        return aggregate.default_weights()
    if not isinstance(weights, dict) or set(weights) != set(choices.Indicator.values):
        raise DomainError(_("Give a weight for each of the five indicators."), field="weights")
    try:
        clean = {k: float(v) for k, v in weights.items()}
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Weights are numbers between 0 and 1."), field="weights") from exc
    if any(not 0 <= v <= 1 for v in clean.values()) or abs(sum(clean.values()) - 1) > 0.001:
        raise DomainError(_("Weights are numbers between 0 and 1 that add up to 1."), field="weights")
    return clean


@transaction.atomic
def review_open(
    *, by: User, organization: Organization, subject, title: str, purpose: str = "", weights=None
) -> Review:
    """The bureau or a service agency opens a review of `subject` (status: open, the panel is formed)."""
    if not may_organize(by, organization):
        raise NotPermitted(_("Only the S&T bureau or a verified service agency can open an expert review."))
    adapter = subjects.adapter_for(subject)
    if not adapter.queryset().filter(pk=subject.pk).exists():
        raise DomainError(_("This record cannot be reviewed yet."), field="subject")
    review = Review.objects.create(
        subject_type=subjects.content_type_of(subject),
        subject_id=subject.pk,
        title=workflow.clean_text(title, field="title", max_length=200),
        purpose=workflow.clean_text(purpose, field="purpose", max_length=2000, required=False),
        organizer=organization,
        opened_by=by,
        weights=_validate_weights(weights),
    )
    ReviewEvent.record(review, by=by, action="open")
    return review


def _lock_review(review: Review) -> Review:
    return workflow.lock(review)


def _require_status(review: Review, *statuses: str) -> None:
    if review.status not in statuses:
        raise workflow_error(review)


def workflow_error(review: Review):

    return TransitionNotAllowed(
        _("This action is not possible while the review is “%(status)s”.")
        % {"status": review.get_status_display()}
    )


def _tell(review: Review, *, user_ids, title, key: str) -> None:
    """Notify the users (instantly; e-mailed after commit) about the review."""
    reason = notice.gettext_lazy("Expert review “%(title)s”") % {"title": review.title}
    notify(
        {uid: (reason, None) for uid in user_ids if uid},
        verb=REVIEW,
        title=title,
        url=review.get_absolute_url(),
        key=key,
    )


def _panel_user_ids(review: Review) -> list[int]:
    return list(review.panel.values_list("expert__user_id", flat=True))


@transaction.atomic
def review_add_expert(*, review: Review, by: User, expert: Expert) -> Panelist:
    """Put a confirmed expert on the panel while it is formed; refused, with the reasons, when the
    expert has a conflict of interest with the subject."""
    _require_organizer(by, review)
    review = _lock_review(review)
    _require_status(review, choices.ReviewStatus.OPEN)
    if not expert.is_confirmed:
        raise DomainError(_("Only confirmed experts can sit on a panel."), field="expert")
    conflicts = proposal.conflicts_of(subjects.facts_of(review.subject), expert)
    if conflicts:
        raise DomainError(
            _("This expert cannot review the subject: %(reasons)s") % {"reasons": " ".join(conflicts)},
            code="conflict",
            field="expert",
        )
    if review.panel.filter(expert=expert).exists():
        raise AlreadyExists(_("This expert is already on the panel."), field="expert")
    panelist = Panelist.objects.create(review=review, expert=expert, added_by=by)
    ReviewEvent.record(review, by=by, action="add_expert", note=str(expert.user))
    return panelist


@transaction.atomic
def review_remove_expert(*, panelist: Panelist, by: User) -> None:
    review = panelist.review
    _require_organizer(by, review)
    review = _lock_review(review)
    _require_status(review, choices.ReviewStatus.OPEN)
    name = str(panelist.expert.user)
    panelist.delete()
    ReviewEvent.record(review, by=by, action="remove_expert", note=name)


@transaction.atomic
def review_start(*, review: Review, by: User) -> Review:
    """Close the panel and let its experts score."""
    _require_organizer(by, review)
    review = _lock_review(review)
    if review.status == choices.ReviewStatus.OPEN and review.panel.count() < MIN_PANEL:
        raise DomainError(
            _("A panel needs at least %(n)d experts before scoring starts.") % {"n": MIN_PANEL}, field="panel"
        )
    workflow.transition(review, "start", choices.REVIEW_TRANSITIONS, event=ReviewEvent, by=by)
    _tell(
        review,
        user_ids=_panel_user_ids(review),
        title=notice.gettext_lazy("You are on the panel of “%(title)s”: please submit your score.")
        % {"title": review.title},
        key=f"review:{review.pk}:start",
    )
    return review


def _clean_scores(scores: dict) -> dict[str, int]:
    errors: dict[str, list] = {}
    clean: dict[str, int] = {}
    for name in choices.Indicator.values:
        value = scores.get(name) if isinstance(scores, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}", value.strip()):
            number = int(value.strip())
        else:
            errors[name] = [_("Give a whole number from 0 to 100.")]
            continue
        if not choices.SCORE_MIN <= number <= choices.SCORE_MAX:
            errors[name] = [_("Give a whole number from 0 to 100.")]
            continue
        clean[name] = number
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def panelist_submit(*, panelist: Panelist, by: User, scores: dict, comment: str) -> Panelist:
    """An expert submits their scores and comments; after that the score is fixed."""
    if by.pk != panelist.expert.user_id:
        raise NotPermitted(_("Only the expert on the panel can submit this score."))
    clean = _clean_scores(scores)
    comment = workflow.clean_text(
        comment, field="comment", max_length=4000, what=_("Explain your scores in a few sentences.")
    )
    review = _lock_review(panelist.review)
    _require_status(review, choices.ReviewStatus.SCORING)
    panelist = workflow.lock(panelist)
    if panelist.is_submitted:
        raise DomainError(
            _("Your score was already submitted; ask the organiser to reopen it to change it."),
            code="submitted",
        )
    for name, value in clean.items():
        setattr(panelist, name, value)
    panelist.comment = comment
    panelist.status = choices.PanelistStatus.SUBMITTED
    panelist.submitted_at = timezone.now()
    panelist.save()
    ReviewEvent.record(review, by=by, action="submit_score", panelist=panelist)
    return panelist


@transaction.atomic
def panelist_reopen(*, panelist: Panelist, by: User, reason: str) -> Panelist:
    """The organiser reopens one expert's submitted score (recorded with the reason); the expert may then
    submit again. The previous values are kept in the audit row."""
    review = panelist.review
    _require_organizer(by, review)
    reason = workflow.clean_text(
        reason, field="reason", max_length=500, what=_("Say why the score is reopened.")
    )
    review = _lock_review(review)
    _require_status(review, choices.ReviewStatus.SCORING)
    panelist = workflow.lock(panelist)
    if not panelist.is_submitted:
        raise DomainError(_("This score has not been submitted."), code="not_submitted")
    previous = {**panelist.scores(), "comment": panelist.comment}
    panelist.status = choices.PanelistStatus.PENDING
    panelist.submitted_at = None
    panelist.save(update_fields=["status", "submitted_at"])
    event = ReviewEvent.record(
        review, by=by, action="reopen_score", panelist=panelist, note=reason, changes={"previous": previous}
    )
    _tell(
        review,
        user_ids=[panelist.expert.user_id],
        title=notice.gettext_lazy("Your score on “%(title)s” was reopened: you can submit it again.")
        % {"title": review.title},
        key=f"review:{review.pk}:reopen:{event.pk}",
    )
    return panelist


@transaction.atomic
def review_close(*, review: Review, by: User, conclusion: str = "") -> Review:
    """Close the review once every panel member has submitted: the scores become visible and the
    aggregate (aggregate.py states the method) is frozen into `result`."""
    _require_organizer(by, review)
    conclusion = workflow.clean_text(conclusion, field="conclusion", max_length=2000, required=False)
    review = _lock_review(review)
    _require_status(review, choices.ReviewStatus.SCORING)
    panel = list(review.panel.all())
    missing = [p for p in panel if not p.is_submitted]
    if missing:
        raise DomainError(
            _("%(n)d panel member(s) have not submitted their scores yet.") % {"n": len(missing)},
            code="scores_missing",
        )
    result = aggregate.aggregate([p.scores() for p in panel], review.weights)
    workflow.transition(
        review,
        "close",
        choices.REVIEW_TRANSITIONS,
        event=ReviewEvent,
        by=by,
        result=result,
        conclusion=conclusion,
        closed_at=timezone.now(),
    )
    holders = User.objects.filter(
        memberships__organization_id__in=subjects.facts_of(review.subject).organization_ids, is_active=True
    ).values_list("pk", flat=True)
    _tell(
        review,
        user_ids=sorted({*_panel_user_ids(review), *holders}),
        title=notice.gettext_lazy("The expert review “%(title)s” is closed: its result is ready.")
        % {"title": review.title},
        key=f"review:{review.pk}:close",
    )
    return review


@transaction.atomic
def review_cancel(*, review: Review, by: User, reason: str) -> Review:
    _require_organizer(by, review)
    reason = workflow.clean_text(
        reason, field="reason", max_length=500, what=_("Say why the review is cancelled.")
    )
    review = _lock_review(review)
    workflow.transition(review, "cancel", choices.REVIEW_TRANSITIONS, event=ReviewEvent, by=by, note=reason)
    return review


@transaction.atomic
def review_apply_to_achievement(*, review: Review, by: User, level: str, evaluation: str) -> Review:
    """From a closed review of an achievement, the organiser sets the achievement's 成果水平 (level) and
    评价方式 (evaluation form)."""

    _require_organizer(by, review)
    review = _lock_review(review)
    _require_status(review, choices.ReviewStatus.CLOSED)
    subject = review.subject
    if not isinstance(subject, Achievement):
        raise DomainError(_("Only an achievement's level can be set from a review."))
    achievement_services.achievement_set_evaluation(
        achievement=subject,
        by=by,
        level=level,
        evaluation=evaluation,
        note=str(_("Expert review “%(title)s” (no. %(id)d)") % {"title": review.title, "id": review.pk}),
    )
    review.applied_level, review.applied_evaluation = level, evaluation
    review.save(update_fields=["applied_level", "applied_evaluation", "updated_at"])
    ReviewEvent.record(review, by=by, action="apply", changes={"level": level, "evaluation": evaluation})
    return review
