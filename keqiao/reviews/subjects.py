"""What a review needs to know about its subject, whatever the subject is.

A subject kind is registered with an adapter: an achievement today (registered here); a funding
application or a tender bid later, by their own app in its `ready()` (apps on higher floors may import
this module; this module never imports them).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

from keqiao.achievements.choices import Status
from keqiao.achievements.models import Achievement


@dataclass(frozen=True)
class SubjectFacts:
    """The facts about a subject that panel proposal and conflict checks read."""

    title: str
    # The organisations whose work is reviewed: the holder and co-holders on the platform (ids), and
    # every completing organisation by name (co-completers are often not on the platform).
    organization_ids: frozenset[int]
    organization_names: frozenset[str]
    # Named people who did the work (completers): an expert among them cannot review it.
    person_names: frozenset[str] = field(default_factory=frozenset)
    tech_field: str = ""
    discipline_code: str = ""
    summary: str = ""


class SubjectAdapter:
    """Subclass per subject kind."""

    model: type[models.Model]

    def facts(self, subject) -> SubjectFacts:
        raise NotImplementedError

    def queryset(self):
        """The subjects a review can be opened on (e.g. achievements past registration review)."""
        return self.model._default_manager.all()


_ADAPTERS: dict[str, SubjectAdapter] = {}


def register(adapter: SubjectAdapter) -> None:
    _ADAPTERS[adapter.model._meta.label_lower] = adapter


def adapter_for(subject_or_model) -> SubjectAdapter:
    label = subject_or_model._meta.label_lower
    try:
        return _ADAPTERS[label]
    except KeyError:
        raise LookupError(f"No review subject adapter registered for {label}") from None


def facts_of(subject) -> SubjectFacts:
    return adapter_for(subject).facts(subject)


def content_type_of(subject) -> ContentType:
    return ContentType.objects.get_for_model(type(subject))


class AchievementAdapter(SubjectAdapter):
    def __init__(self):

        self.model = Achievement

    def facts(self, subject) -> SubjectFacts:

        if not isinstance(subject, Achievement):
            raise TypeError(f"not an achievement: {subject!r}")
        names = {subject.organization.name, *[n for n in subject.other_organizations if n]}
        return SubjectFacts(
            title=subject.title,
            organization_ids=frozenset({subject.organization_id}),
            organization_names=frozenset(n.strip() for n in names if n.strip()),
            person_names=frozenset(p.strip() for p in subject.completers if p and p.strip()),
            tech_field=subject.tech_field,
            discipline_code=subject.discipline.code if subject.discipline_id else "",
            summary=subject.summary,
        )

    def queryset(self):

        return self.model.objects.exclude(status=Status.DRAFT).select_related("organization", "discipline")
