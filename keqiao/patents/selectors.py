"""Reads of patent records, scoped to the user: a published patent (it has a publication number, or it
was granted) is public; an unpublished application only to its holder's members and the bureau."""

from django.db.models import Q, QuerySet
from django.http import Http404

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids

from .choices import LegalStatus
from .models import Patent

PUBLISHED = ~Q(publication_number="") | Q(legal_status=LegalStatus.GRANTED) | Q(grant_date__isnull=False)


def patents_visible_to(user) -> QuerySet[Patent]:
    qs = Patent.objects.select_related("holder")
    if user_is_bureau(user):
        return qs
    return qs.filter(PUBLISHED | Q(holder_id__in=user_organization_ids(user)))


def patent_visible_to(user, pk: int) -> Patent:
    try:
        return patents_visible_to(user).prefetch_related("achievements").get(pk=pk)
    except Patent.DoesNotExist as exc:
        raise Http404 from exc


def patents_of_holder(user, organization_id: int) -> QuerySet[Patent]:
    return patents_visible_to(user).filter(holder_id=organization_id)


def patents_of_achievement(user, achievement_id: int) -> list[Patent]:
    return list(
        patents_visible_to(user).filter(achievements__id=achievement_id).order_by("application_number")
    )


def may_see_holder_records(user, patent: Patent) -> bool:
    """The holder's members and the bureau also see the links to its unpublished achievements."""
    return user_is_bureau(user) or (
        patent.holder_id is not None and patent.holder_id in user_organization_ids(user)
    )


def patents_for_achievement(user, achievement) -> dict[str, Patent]:
    """The patent records of an achievement, by application number: linked ones, and those whose number
    the achievement lists among its IP items (one query; the IP items are prefetched)."""
    numbers = [ip.number for ip in achievement.ip_items.all() if ip.number]
    qs = patents_visible_to(user).filter(
        Q(achievements__id=achievement.pk) | Q(application_number__in=numbers)
    )
    return {p.application_number: p for p in qs.distinct()}


HOLDER_PATENTS = 10


def holder_patents(user, organization_id: int) -> tuple[list[Patent], int]:
    """The holder's latest patents (at most HOLDER_PATENTS) and how many it has."""
    qs = patents_of_holder(user, organization_id)
    return list(qs.order_by("-application_date", "-id")[:HOLDER_PATENTS]), qs.count()
