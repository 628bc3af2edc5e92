"""The outcome of challenge tenders in the transaction statistics by trading mode (a provider of
`keqiao.contracts.trade_modes`, registered in ChallengesConfig.ready()): challenges decided in the year,
awarded or not, the amount awarded against the budgets or prizes published, and the registered contracts
that came from the awards."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from keqiao.contracts.models import Contract

from . import choices
from .models import Challenge, Proposal

ZERO = Decimal("0")


def challenge_statistics(year: int | None = None) -> list[dict]:
    decided = {"decided_at__year": year} if year else {}
    awarded = Challenge.objects.filter(status=choices.ChallengeStatus.AWARDED, **decided)
    won = Proposal.objects.filter(status=choices.ProposalStatus.AWARDED, challenge__in=awarded)
    prices = won.aggregate(amount=Sum("price"))["amount"] or ZERO
    published = awarded.aggregate(amount=Sum("amount"))["amount"] or ZERO
    contracts = Contract.objects.registered().filter(deal__challenge_proposal__isnull=False)
    if year:
        contracts = contracts.filter(registered_on__year=year)
    registered = contracts.aggregate(n=Count("pk"), amount=Sum("technology_amount"))
    return [
        {
            "mode": "challenge",
            "label": _("Challenge tender"),
            "concluded": awarded.count(),
            "not_concluded": Challenge.objects.filter(
                status=choices.ChallengeStatus.NOT_AWARDED, **decided
            ).count(),
            "amount": prices,
            # what the awards cost against what the challengers put up (budget or prize)
            "premium": (prices - published) / published if published else None,
            "premium_basis": _("against the budget or prize"),
            "contracts": registered["n"] or 0,
            "contract_amount": registered["amount"] or ZERO,
        }
    ]
