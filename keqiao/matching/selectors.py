"""Reads for subscriptions and recommendations: what a user follows, what brokers recommended to whom."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keqiao.accounts.selectors import user_organization_ids
from keqiao.common.models import Classification

from .models import Recommendation, Subscription


def subscriptions_of(user) -> QuerySet[Subscription]:
    """What the user follows (unordered; the subscriptions page sorts them by kind and label)."""
    return Subscription.objects.filter(user=user)


def is_following(user, kind: str, value) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Subscription.objects.filter(user=user, kind=kind, value=str(value)).exists()
    )


def _to_organizations(direction: str, org_ids) -> Q:
    field = "demand__organization_id__in" if direction == "demand" else "achievement__organization_id__in"
    return Q(direction=direction, **{field: org_ids})


def recommendations_received(user) -> QuerySet[Recommendation]:
    """Recommendations sent to the listings of the user's organisations."""
    org_ids = user_organization_ids(user)
    return Recommendation.objects.filter(
        (_to_organizations("demand", org_ids)) | (_to_organizations("achievement", org_ids))
    ).select_related("achievement", "demand", "broker")


def recommendations_sent(user) -> QuerySet[Recommendation]:
    """Recommendations the user wrote as a broker."""
    return Recommendation.objects.filter(broker=user).select_related("achievement", "demand")


def recommendation_marks(pairs, viewer_org_ids=None) -> dict[tuple[int, int], list[str]]:
    """Pairs a broker already recommended, with the outcome (one query for all pairs). A listing's
    organisation sees only the recommendations sent to it; brokers (viewer_org_ids None) see them all,
    so that a pair is not pushed twice."""
    out: dict[tuple[int, int], list[str]] = {}
    if not pairs:
        return out
    by_key = {(p.achievement_id, p.demand_id): p for p in pairs}
    recommendations = Recommendation.objects.filter(
        achievement_id__in={a for a, _d in by_key}, demand_id__in={d for _a, d in by_key}
    ).order_by("created_at")
    for rec in recommendations:
        pair = by_key.get((rec.achievement_id, rec.demand_id))
        if pair is None:
            continue
        recipient = pair.demand_org_id if rec.direction == "demand" else pair.achievement_org_id
        if viewer_org_ids is not None and recipient not in viewer_org_ids:
            continue
        label = _("Recommended: %(status)s") % {"status": rec.get_status_display()}
        out.setdefault((rec.achievement_id, rec.demand_id), []).append(label)
    return out


def classification_codes(pks) -> dict[int, str]:
    """{classification id: its code} for the suggested classifications."""
    return {c.pk: c.code for c in Classification.objects.filter(pk__in=pks)}


def recommendations_to_answer(user) -> QuerySet[Recommendation]:
    """Recommendations sent to the user's listings that nobody has answered yet, newest first."""
    return recommendations_received(user).filter(status=Recommendation.Status.SENT).order_by("-created_at")


def recommendations_unanswered(user) -> QuerySet[Recommendation]:
    """The broker's recommendations that their recipients have not answered yet."""
    return recommendations_sent(user).filter(status=Recommendation.Status.SENT)
