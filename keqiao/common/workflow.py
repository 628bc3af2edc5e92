"""The plumbing every state change shares: typed text checked, the row locked, the transition table
consulted, the status saved and an audit event row written — in one place for every app.

An app's service function reads as: lock → check who acts → `transition(...)` → notify. Notifications
are the app's own (they name its records); they are queued and e-mailed after commit by `notifications`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import validators
from .errors import DomainError
from .listing import check_transition


def clean_text(value, *, field: str, max_length: int, required: bool = True, what=None) -> str:
    """Text with meaning (not only punctuation, blanks or invisible characters), within `max_length`,
    as `validators.clean_text` cleans it; refused with a DomainError naming `field`."""
    try:
        value = validators.clean_text(value, max_length=None, required=required)
    except ValidationError as exc:
        raise DomainError(what or _("Write a few words."), field=field) from exc
    if len(value) > max_length:
        raise DomainError(
            _("At most %(max)d characters are allowed (you wrote %(n)d).")
            % {"max": max_length, "n": len(value)},
            field=field,
        )
    return value


def lock(obj: models.Model, *related: str) -> models.Model:
    """The row of `obj` again, locked for this transaction (only its own table, not the joined ones)."""
    qs = type(obj)._default_manager.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


def transition(obj, action: str, table: dict, *, event, by, note: str = "", **changes) -> str:
    """Move `obj` along `table` by `action`, save its status (and `changes`), record the event row.

    `event` is the app's event model (a `ListingEvent`); returns the status the object left.
    """
    from_status, to_status = check_transition(obj, action, table)
    obj.status = to_status
    for name, value in changes.items():
        setattr(obj, name, value)
    fields = ["status", *changes]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    event.record(obj, by=by, action=action, from_status=from_status, note=note)
    return from_status
