"""Reads of demands, scoped to what the user may see."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids

from .choices import Status
from .models import Demand, DemandEvent


def _base() -> QuerySet[Demand]:
    return Demand.objects.select_related(
        "organization", "organization__region", "region", "industry", "discipline"
    )


def demands_public() -> QuerySet[Demand]:
    return _base().filter(status=Status.PUBLISHED)


def demands_public_by_ids(ids: list[int]) -> list[Demand]:
    # By primary key only (see achievements_public_by_ids), filtered on status in Python.
    objects = {d.pk: d for d in _base().filter(pk__in=ids).order_by() if d.status == Status.PUBLISHED}
    return [objects[i] for i in ids if i in objects]


def can_see_private(user, demand: Demand) -> bool:
    """Owners and the bureau see contacts, private budgets and history."""
    return demand.organization_id in user_organization_ids(user) or user_is_bureau(user)


def can_edit(user, demand: Demand) -> bool:
    return demand.organization_id in user_organization_ids(user) and demand.is_editable


def demand_visible_to(user, pk: int) -> Demand:
    try:
        d = _base().get(pk=pk)
    except Demand.DoesNotExist as exc:
        raise Http404 from exc
    if d.status == Status.PUBLISHED or can_see_private(user, d):
        return d
    raise Http404


def demands_of_user(user) -> QuerySet[Demand]:
    return _base().filter(organization_id__in=user_organization_ids(user)).order_by("-updated_at")


def review_queue() -> QuerySet[Demand]:
    return _base().filter(status=Status.SUBMITTED).order_by("submitted_at")


def demand_events(demand: Demand) -> QuerySet[DemandEvent]:
    return DemandEvent.objects.filter(demand=demand).select_related("actor")


def expiring_of_user(user, days: int = 30) -> QuerySet[Demand]:
    """The user's published demands whose listing expires within ``days`` days, soonest first."""
    now = timezone.now()
    return (
        Demand.objects.filter(
            organization_id__in=user_organization_ids(user),
            status=Status.PUBLISHED,
            expires_at__gte=now,
            expires_at__lte=now + datetime.timedelta(days=days),
        )
        .only("pk", "title", "expires_at", "status", "organization_id")
        .order_by("expires_at")
    )
