"""The outcome of each trading mode (agreed price with notice, fixed-price listing, auction, challenge
tender, …) in the transaction statistics.

Contracts sit below the apps that run the modes, so they never import them: each such app registers a
provider in its AppConfig.ready() (as trading does), and the statistics page and API show whatever the
providers return. A provider is called with the year of the statistics and returns rows:

    {"mode": "listing", "label": _("Fixed-price listing"), "concluded": 3, "not_concluded": 1,
     "amount": Decimal(...), "premium": Decimal("0.12") or None, "premium_basis": _("listing price"),
     "contracts": 2, "contract_amount": Decimal(...)}

`concluded`, `not_concluded`, `amount` and `premium` may be None where a mode has no such figure;
`premium` is the average of (price − reserve or listing price) / reserve or listing price.
"""

from collections.abc import Callable

ModeRow = dict
providers: list[Callable[[int | None], list[ModeRow]]] = []


def register(provider: Callable[[int | None], list[ModeRow]]) -> None:
    """Add a provider of rows (idempotent: ready() may run more than once in tests)."""
    if provider not in providers:
        providers.append(provider)


def outcomes_by_mode(year: int | None = None) -> list[ModeRow]:
    """Every registered mode's rows for `year` (all years for None), in the order of registration."""
    return [row for provider in providers for row in provider(year)]
