"""A proposal as the subject of an expert panel review (keqiao.reviews, registered in ChallengesConfig):
the panel's conflict checks read the solver's organisation."""

from keqiao.reviews.subjects import SubjectAdapter, SubjectFacts

from . import choices
from .models import Proposal


class ProposalAdapter(SubjectAdapter):
    def __init__(self):
        self.model = Proposal

    def facts(self, subject) -> SubjectFacts:
        if not isinstance(subject, Proposal):
            raise TypeError(f"not a proposal: {subject!r}")
        challenge = subject.challenge
        return SubjectFacts(
            title=f"{challenge.title} · {subject.organization.name}",
            organization_ids=frozenset({subject.organization_id}),
            organization_names=frozenset({subject.organization.name}),
            tech_field=challenge.tech_field,
            summary=subject.approach[:500],
        )

    def queryset(self):
        # Proposals are reviewed once the deadline has opened them, and until the award.
        return self.model.objects.filter(
            status=choices.ProposalStatus.SUBMITTED, challenge__status=choices.ChallengeStatus.EVALUATING
        ).select_related("challenge", "organization")
