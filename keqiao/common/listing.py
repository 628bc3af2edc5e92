"""The lifecycle every published listing shares (achievements, demands): transitions and expiry.

A listing model has `status`, `expires_at` and `expiry_reminded_at`; its app supplies the transition
table and what to do (event, notification, index mark) when a row is claimed.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .errors import TransitionNotAllowed


def check_transition(obj, action: str, table: dict[str, dict[str, str]]) -> tuple[str, str]:
    """Return (from, to) for `action`, or refuse with a translated error if the table forbids it."""
    allowed = table.get(obj.status, {})
    if action not in allowed:
        raise TransitionNotAllowed(
            _("This action is not possible while the record is “%(status)s”.")
            % {"status": obj.get_status_display()}
        )
    return obj.status, allowed[action]


def expire_due(
    model, *, now: datetime.datetime, published: str, expired: str, on_claimed: Callable[[object], None]
) -> int:
    """Expire listings past their date. Each row is claimed with a conditional update, so two runs at
    once never expire (or notify) the same listing twice."""
    count = 0
    for pk in list(model.objects.filter(status=published, expires_at__lte=now).values_list("pk", flat=True)):
        with transaction.atomic():
            if not model.objects.filter(pk=pk, status=published, expires_at__lte=now).update(status=expired):
                continue
            on_claimed(model.objects.get(pk=pk))
            count += 1
    return count


def remind_due(
    model, *, now: datetime.datetime, days: int, published: str, on_claimed: Callable[[object], None]
) -> int:
    """Claim listings expiring within `days` that were not reminded yet, once each."""
    horizon = now + datetime.timedelta(days=days)
    count = 0
    due = model.objects.filter(
        status=published, expires_at__lte=horizon, expires_at__gt=now, expiry_reminded_at__isnull=True
    )
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if not model.objects.filter(pk=pk, expiry_reminded_at__isnull=True).update(
                expiry_reminded_at=now
            ):
                continue
            on_claimed(model.objects.get(pk=pk))
            count += 1
    return count


def length_errors(model, data: dict) -> dict[str, list]:
    """Messages for text values longer than their field allows (TextField's max_length is otherwise only
    enforced by forms, and services are also called from the API and imports)."""
    errors: dict[str, list] = {}
    for name, value in data.items():
        if not isinstance(value, str):
            continue

        try:
            limit = model._meta.get_field(name).max_length
        except FieldDoesNotExist:  # not a model field (e.g. a derived value)
            limit = None
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(
                _("At most %(limit)d characters are allowed here (you entered %(count)d).")
                % {"limit": limit, "count": len(value)}
            )
    return errors


def describe_value(value):
    """How a changed field's value is recorded in the audit trail: JSON-safe, long texts shortened."""
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value[:200] + "…" if isinstance(value, str) and len(value) > 200 else value
