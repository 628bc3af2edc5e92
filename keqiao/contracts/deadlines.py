"""The registration office's answer deadline: a configurable number of working days after submission
(KEQIAO["CONTRACT_REVIEW_WORKING_DAYS"], default 7, as Shanghai's online system promises). Working days
are Monday to Friday; public holidays are not known to the platform and count as working days. Filings
still unanswered after the deadline are flagged to the office's leads by the hourly maintenance."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _

from . import choices
from .models import Contract
from .notification_kinds import CONTRACT


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


def office_leads() -> list[int]:
    """The users an overdue filing is flagged to: the administrators of the registration offices (the
    city S&T bureau and the designated agencies), active and verified."""
    return list(
        Membership.objects.filter(
            role=Membership.Role.ADMIN,
            user__is_active=True,
            organization__status=Organization.Status.VERIFIED,
        )
        .filter(
            Q(organization__kind=Organization.Kind.CITY_BUREAU) | Q(organization__is_contract_office=True)
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def flag_overdue(today: datetime.date | None = None) -> int:
    """Tell the office's leads, once per filing and submission, of each filing whose answer is overdue.
    Safe to run every hour: the notification key names the filing and its submission time."""
    today = today or timezone.localdate()
    pending = list(
        Contract.objects.filter(status=choices.ContractStatus.SUBMITTED, submitted_at__isnull=False).only(
            "pk", "project_name", "submitted_at", "status"
        )
    )
    overdue = [c for c in pending if (due := review_due_on(c)) is not None and due < today]
    if not overdue:
        return 0
    leads = office_leads()
    flagged = 0
    for contract in overdue:
        due = review_due_on(contract)
        created = notify(
            {uid: (_("You lead the technology-contract registration office"), None) for uid in leads},
            verb=CONTRACT,
            title=_("Filing “%(name)s” is overdue: the answer was due %(date)s")
            % {"name": contract.project_name, "date": due.isoformat()},
            url=contract.get_absolute_url(),
            key=f"contract-overdue-{contract.pk}-{contract.submitted_at:%Y%m%d%H%M%S}",
        )
        flagged += bool(created)
    return flagged
