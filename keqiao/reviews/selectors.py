"""Reads of the expert registry and of reviews, already scoped to the reader. Whoever may not see a
review gets a 404. Scores are blind: before a review closes nobody sees another expert's score, and the
holder of the subject sees nothing of the review; the organiser sees who has submitted, not what."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements.models import Achievement

from . import choices, subjects
from .models import Expert, Panelist, Review, ReviewEvent

# --- the registry ---------------------------------------------------------------------------------------


def experts_for_bureau(
    *, status: str = "", tech_field: str = "", discipline: str = "", q: str = ""
) -> QuerySet[Expert]:
    """The registry as the bureau lists it, with filters."""
    qs = Expert.objects.select_related("user", "organization").order_by("-created_at", "-id")
    if status in choices.ExpertStatus.values:
        qs = qs.filter(status=status)
    if tech_field:
        qs = (
            qs.filter(tech_fields__contains=tech_field)
            if _json_contains()
            else qs.filter(tech_fields__icontains=f'"{tech_field}"')
        )
    if discipline:
        # A code matches itself and the codes below it (a first-level code "210" finds "21010").
        qs = qs.filter(disciplines__icontains=f'"{discipline}')
    if q:
        qs = qs.filter(
            Q(user__full_name__icontains=q) | Q(organization_name__icontains=q) | Q(expertise__icontains=q)
        )
    return qs


def _json_contains() -> bool:
    # SQLite has no JSON containment lookup; a text match on the quoted value does the same for lists
    # of plain strings.
    from django.db import connection

    return connection.vendor == "postgresql"


def expert_of_user(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user).select_related("organization").first()


def expert_for_bureau(user, pk: int) -> Expert:
    if not user_is_bureau(user):
        raise Http404
    try:
        return Expert.objects.select_related("user", "organization", "invited_by").get(pk=pk)
    except Expert.DoesNotExist as exc:
        raise Http404 from exc


def confirmed_experts() -> QuerySet[Expert]:
    return Expert.objects.filter(status=choices.ExpertStatus.CONFIRMED).select_related("user")


# --- reviews ----------------------------------------------------------------------------------------------

ORGANIZER, BUREAU, EXPERT, HOLDER = "organizer", "bureau", "expert", "holder"


def _reviews() -> QuerySet[Review]:
    return (
        Review.objects.select_related("organizer", "opened_by", "subject_type")
        .annotate(
            panel_size=Count("panel", distinct=True),
            submitted=Count("panel", filter=Q(panel__status=choices.PanelistStatus.SUBMITTED), distinct=True),
        )
        .order_by("-opened_at", "-id")
    )


def _holder_filter(user) -> Q:
    """Closed reviews of achievements held by the user's organisations."""

    orgs = user_organization_ids(user)
    if not orgs:
        return Q(pk__in=[])
    ct = ContentType.objects.get_for_model(Achievement)
    ids = Achievement.objects.filter(organization_id__in=orgs).values("pk")
    return Q(subject_type=ct, subject_id__in=ids, status=choices.ReviewStatus.CLOSED)


def reviews_organized_by(user) -> QuerySet[Review]:
    """Reviews the user's organisations organise; the bureau sees every review."""
    if not getattr(user, "is_authenticated", False):
        return Review.objects.none()
    if user_is_bureau(user):
        return _reviews()
    return _reviews().filter(organizer_id__in=user_organization_ids(user))


def reviews_of_holder(user) -> QuerySet[Review]:
    if not getattr(user, "is_authenticated", False):
        return Review.objects.none()
    return _reviews().filter(_holder_filter(user))


def my_panels(user) -> QuerySet[Panelist]:
    """The panels the user sits on as an expert (only those: an expert sees nothing else)."""
    if not getattr(user, "is_authenticated", False):
        return Panelist.objects.none()
    return (
        Panelist.objects.filter(expert__user=user)
        .exclude(review__status=choices.ReviewStatus.CANCELLED)
        .select_related("review", "review__organizer", "review__subject_type")
        .order_by("-review__opened_at", "-id")
    )


def scores_to_submit(user) -> QuerySet[Panelist]:
    """The expert's panels where scoring runs and their score is not submitted (or was reopened)."""
    return my_panels(user).filter(
        review__status=choices.ReviewStatus.SCORING, status=choices.PanelistStatus.PENDING
    )


def role_in(user, review: Review) -> str | None:
    """How the user sees the review: organiser, bureau, expert on the panel, holder (closed only)."""
    if not getattr(user, "is_authenticated", False):
        return None
    orgs = user_organization_ids(user)
    if review.organizer_id in orgs:
        return ORGANIZER
    if review.panel.filter(expert__user=user).exists():
        return EXPERT
    if user_is_bureau(user):
        return BUREAU
    if review.is_closed and orgs & subjects.facts_of(review.subject).organization_ids:
        return HOLDER
    return None


def review_visible_to(user, pk: int) -> tuple[Review, str]:
    try:
        review = _reviews().get(pk=pk)
    except Review.DoesNotExist as exc:
        raise Http404 from exc
    role = role_in(user, review)
    if role is None:
        raise Http404
    return review, role


@dataclass
class PanelRow:
    panelist: Panelist
    name: str
    organization: str
    submitted: bool
    scores: dict | None  # None: not visible to this reader
    comment: str | None
    total: float | None

    @property
    def score_list(self) -> list:
        """The scores in indicator order (None where not visible)."""
        return [(self.scores or {}).get(name) for name in choices.Indicator.values]


def panel_for(review: Review, user, role: str) -> list[PanelRow]:
    """The panel as `user` may see it: every score once closed; before, an expert sees only their own
    and the organiser sees who has submitted."""
    rows = []
    for p in review.panel.select_related("expert__user").order_by("created_at", "id"):
        own = p.expert.user_id == getattr(user, "pk", None)
        visible = (
            p.is_submitted and (review.is_closed or own) or (own and not p.is_submitted and bool(p.comment))
        )
        scores = p.scores() if visible else None
        total = (
            round(sum(review.weights[k] * v for k, v in scores.items()), 2)
            if scores and all(v is not None for v in scores.values())
            else None
        )
        rows.append(
            PanelRow(
                panelist=p,
                name=str(p.expert.user),
                organization=p.expert.organization_name,
                submitted=p.is_submitted,
                scores=scores,
                comment=p.comment if visible else None,
                total=total,
            )
        )
    return rows


def review_events(review: Review) -> QuerySet[ReviewEvent]:
    return review.events.select_related("actor").order_by("created_at", "id")


# --- for the evaluation app -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedReview:
    """A closed review and its frozen aggregate (aggregate.py: per-indicator score, mean, std, min, max;
    total, total_std, total_min, total_max; n; method "mean"|"trimmed_mean"; weights)."""

    review: Review
    result: dict
    panel: list[tuple[str, str]]  # (expert name, organisation), in panel order
    closed_at: object
    organizer: str

    def summary_lines(self) -> list[str]:
        """The opinion in a few lines, in the reader's language, for documents that cite it (the pricing
        dossier): the review, the panel, the method, the total and each indicator."""
        r = self.result
        method = (
            _("mean after dropping the highest and lowest score")
            if r.get("method") == "trimmed_mean"
            else _("mean")
        )
        lines = [
            _("Review “%(title)s”, organised by %(organizer)s, closed on %(date)s.")
            % {"title": self.review.title, "organizer": self.organizer, "date": f"{self.closed_at:%Y-%m-%d}"},
            _("Panel: %(panel)s.")
            % {"panel": "、".join(f"{name}（{org}）" if org else name for name, org in self.panel)},
            _("Method: %(method)s of %(n)s scores per indicator (0–100).")
            % {"method": method, "n": r.get("n", 0)},
            _("Weighted total %(total).1f (standard deviation %(std).1f, range %(min).1f–%(max).1f).")
            % {"total": r["total"], "std": r["total_std"], "min": r["total_min"], "max": r["total_max"]},
        ]
        if self.review.conclusion:
            lines.append(_("Conclusion: %(conclusion)s") % {"conclusion": self.review.conclusion})
        for key, label in choices.Indicator.choices:
            i = r.get("indicators", {}).get(key)
            if i:
                lines.append(
                    _("%(indicator)s: %(score).1f (standard deviation %(std).1f).")
                    % {"indicator": label, "score": i["score"], "std": i["std"]}
                )
        return lines


def closed_review_for(subject) -> ClosedReview | None:
    """The latest closed review of `subject` (any registered subject kind) with its aggregate, or None."""
    review = (
        Review.objects.filter(
            subject_type=ContentType.objects.get_for_model(type(subject)),
            subject_id=subject.pk,
            status=choices.ReviewStatus.CLOSED,
        )
        .select_related("organizer")
        .order_by("-closed_at", "-id")
        .first()
    )
    if review is None:
        return None
    panel = [
        (str(p.expert.user), p.expert.organization_name)
        for p in review.panel.select_related("expert__user").order_by("created_at", "id")
    ]
    return ClosedReview(
        review=review,
        result=review.result,
        panel=panel,
        closed_at=review.closed_at,
        organizer=review.organizer.name,
    )
