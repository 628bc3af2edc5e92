"""The registration office's answer deadline: a configurable number of working days after submission
(KEQIAO["CONTRACT_REVIEW_WORKING_DAYS"], default 7, as Shanghai's online system promises). Working days
are Monday to Friday; public holidays are not known to the platform and count as working days."""

import datetime

from django.conf import settings
from django.utils import timezone

from . import choices


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (Monday–Friday)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def review_due_on(contract) -> datetime.date | None:
    """The day the office should answer a filing under review by; None when none is pending."""
    if contract.status != choices.ContractStatus.SUBMITTED or contract.submitted_at is None:
        return None
    return add_working_days(
        timezone.localdate(contract.submitted_at), settings.KEQIAO["CONTRACT_REVIEW_WORKING_DAYS"]
    )


def mark(contracts, today: datetime.date | None = None) -> None:
    """Set `review_due` and `review_overdue` on each contract (no query)."""
    today = today or timezone.localdate()
    for contract in contracts:
        contract.review_due = review_due_on(contract)
        contract.review_overdue = contract.review_due is not None and contract.review_due < today
