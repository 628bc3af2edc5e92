"""The registry of notification kinds (verbs).

Notifications sit below every app that sends them, so they never import those apps. Each app declares
its own kinds in a ``notification_kinds`` module of its package (imported when the app registry is
ready, like ``admin`` modules)::

    from django.utils.translation import gettext_lazy as _
    from keqiao.notifications import kinds

    DEAL = kinds.register("deal", _("Negotiation"))

The verb is stored as a plain string; :func:`keqiao.notifications.services.notify` refuses a verb that
no app registered, and the label shown to users comes from here. A new kind needs no migration.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise

MAX_LENGTH = 30  # Notification.verb


class UnknownKind(LookupError):
    """A notification was sent with a verb no app registered."""


@dataclass(frozen=True)
class Kind:
    verb: str
    label: str | Promise


_kinds: dict[str, Kind] = {}


def register(verb: str, label: str | Promise) -> str:
    """Declare a kind of notification; returns the verb (to keep as the app's constant).

    Registering the same verb twice with the same label is harmless; with another label it is an error,
    since two apps would then share one stored value."""
    if not verb or len(verb) > MAX_LENGTH:
        raise ValueError(f"A notification verb has 1 to {MAX_LENGTH} characters: {verb!r}")
    known = _kinds.get(verb)
    if known is not None and _msgid(known.label) != _msgid(label):
        raise ValueError(f"The notification verb {verb!r} is already registered as {known.label!r}")
    _kinds[verb] = Kind(verb, label)
    return verb


def _msgid(label: str | Promise) -> str:
    with translation.override(None):
        return str(label)


def is_registered(verb: str) -> bool:
    return verb in _kinds


def get(verb: str) -> Kind:
    try:
        return _kinds[verb]
    except KeyError:
        raise UnknownKind(f"No app registered the notification verb {verb!r}") from None


def label(verb: str) -> str | Promise:
    """The label shown to users; a verb no longer registered (its app removed) shows as stored."""
    kind = _kinds.get(verb)
    return kind.label if kind is not None else verb


def registered() -> list[Kind]:
    return list(_kinds.values())


def choices() -> list[tuple[str, str | Promise]]:
    return [(k.verb, k.label) for k in _kinds.values()]
