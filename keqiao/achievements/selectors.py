"""Reads of achievements, already scoped to what the user may see."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids

from .choices import Status
from .models import Achievement, AchievementEvent, Attachment


def _base() -> QuerySet[Achievement]:
    return Achievement.objects.select_related(
        "organization", "organization__region", "industry", "discipline", "trl_confirmed_by"
    )


def achievements_public() -> QuerySet[Achievement]:
    return _base().filter(status=Status.PUBLISHED)


def achievements_public_by_ids(ids: list[int], *, with_ip_items: bool = True) -> list[Achievement]:
    """Published achievements in the order of `ids` (search hits), optionally with IP items (2 queries)."""
    # Look the page up by primary key only: with a status condition too, SQLite may walk the status
    # index over every published row (all of them) instead of fetching 20 rows by key.
    qs = _base().filter(pk__in=ids).order_by()
    if with_ip_items:
        qs = qs.prefetch_related("ip_items")
    objects = {a.pk: a for a in qs if a.status == Status.PUBLISHED}
    return [objects[i] for i in ids if i in objects]


def achievement_visible_to(user, pk: int) -> Achievement:
    """The achievement if the user may see it: published ones to all, others to owners and the bureau.

    Everybody else gets 404, so that a draft's existence is not revealed.
    """
    try:
        a = (
            _base()
            .prefetch_related("ip_items", Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
            .get(pk=pk)
        )
    except Achievement.DoesNotExist as exc:
        raise Http404 from exc
    if a.status == Status.PUBLISHED or can_see_private(user, a):
        return a
    raise Http404


def attachment_or_404(pk: int) -> Attachment:
    """An attachment with its achievement (the caller decides who may see it)."""
    return get_object_or_404(Attachment.objects.select_related("achievement"), pk=pk)


def can_see_private(user, achievement: Achievement) -> bool:
    """Owners and the bureau see confidential details, contacts, private attachments and history."""
    return achievement.organization_id in user_organization_ids(user) or user_is_bureau(user)


def can_edit(user, achievement: Achievement) -> bool:
    return achievement.organization_id in user_organization_ids(user) and achievement.is_editable


def achievements_of_user(user) -> QuerySet[Achievement]:
    return _base().filter(organization_id__in=user_organization_ids(user)).order_by("-updated_at")


def latest_of_organization(organization_id: int, *, limit: int = 200) -> list[Achievement]:
    """The organisation's achievements in any state, newest first (for linking them to its records)."""
    return list(Achievement.objects.filter(organization_id=organization_id).order_by("-id")[:limit])


def review_queue() -> QuerySet[Achievement]:
    return _base().filter(status=Status.SUBMITTED).order_by("submitted_at")


def achievement_events(achievement: Achievement) -> QuerySet[AchievementEvent]:
    return AchievementEvent.objects.filter(achievement=achievement).select_related("actor")


def expiring_of_user(user, days: int = 30) -> QuerySet[Achievement]:
    """The user's published achievements whose listing expires within ``days`` days, soonest first."""
    now = timezone.now()
    return (
        Achievement.objects.filter(
            organization_id__in=user_organization_ids(user),
            status=Status.PUBLISHED,
            expires_at__gte=now,
            expires_at__lte=now + datetime.timedelta(days=days),
        )
        .only("pk", "title", "expires_at", "status", "organization_id")
        .order_by("expires_at")
    )
