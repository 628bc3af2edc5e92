"""Notification texts kept as message and parameters, rendered in the reader's language when shown.

A sender writes its titles and reasons as usual, with this module's ``gettext_lazy`` in place of
Django's::

    from keqiao.notifications.text import gettext_lazy as _

    notify(..., title=_("Annual report %(year)s returned for revision") % {"year": report.year})

``_("…") % {…}`` then gives a :class:`Text`: a ``str`` (the text in the language active now, so it works
wherever a string did) that also remembers the English message id and its parameters. ``notify()``
stores them with the notification; the list, the API and the e-mails render them again in the reader's
language (:func:`render`). Parameters are user data (titles, names: shown as entered), numbers, other
``Text`` values, or lazy translations (rendered in the reader's language too).
"""

from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as django_gettext_lazy

_LazyString = type(django_gettext_lazy(""))


class Text(str):
    """A translated text that remembers how it was made: `message` (the msgid) and `params`."""

    message: str
    params: dict

    def __new__(cls, message: str, params: dict | None = None):
        params = dict(params or {})
        rendered = _format(gettext(message), {k: _value(v) for k, v in params.items()})
        obj = super().__new__(cls, rendered)
        obj.message, obj.params = message, params
        return obj

    def as_data(self) -> dict:
        """What is stored: {"m": msgid, "p": {name: value}} with JSON values only."""
        return {"m": self.message, "p": {k: _param_data(v) for k, v in self.params.items()}}


class LaterString(_LazyString):
    """Django's lazy translation whose `%` keeps the message and its parameters (gives a Text)."""

    def __mod__(self, params):
        if isinstance(params, dict):
            return Text(self._args[0], params)
        return str(self) % params


def gettext_lazy(message: str) -> LaterString:
    return LaterString((message,), {})


def _msgid(value: Promise) -> str:
    with translation.override(None):
        return str(value)


def _param_data(value):
    if isinstance(value, Text):
        return {"t": value.as_data()}
    if isinstance(value, Promise):
        return {"m": _msgid(value)}
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


def _value(value):
    """A parameter as it is shown now."""
    return str(value) if isinstance(value, Promise) else value


def _format(template: str, params: dict) -> str:
    return template % params if params or "%(" in template else template


def _render_param(value):
    if isinstance(value, dict):
        if "t" in value:
            return render(value["t"])
        if "m" in value:
            return gettext(str(value["m"]))
    return value


def data_of(value) -> dict | None:
    """The stored form of a title or reason: its message and parameters, or None for plain text."""
    return value.as_data() if isinstance(value, Text) else None


def render(data: dict | None, fallback: str = "") -> str:
    """A stored text in the active language; `fallback` (the text as stored) if it cannot be rendered
    (no message kept, as for notifications made before messages were kept, or a message since changed)."""
    if not data or not isinstance(data, dict) or not data.get("m"):
        return fallback
    try:
        params = {k: _render_param(v) for k, v in (data.get("p") or {}).items()}
        return _format(gettext(str(data["m"])), params)
    except (KeyError, TypeError, ValueError):
        return fallback


def _user_data(value) -> SafeString:
    """User data (a title, a name) marked as such in a page: shown as entered, in its own language."""
    return format_html('<span data-user lang="zh">{}</span>', value)


def _render_param_html(value):
    if isinstance(value, dict):
        if "t" in value:
            return render_html(value["t"])
        if "m" in value:
            return conditional_escape(gettext(str(value["m"])))
    if isinstance(value, str):
        return _user_data(value)
    return value


def render_html(data: dict | None, fallback: str = "") -> SafeString:
    """Like render(), for a page: the text escaped, its user data marked (data-user) so that checks of
    the page's language leave them out; the stored fallback is marked whole."""
    if not data or not isinstance(data, dict) or not data.get("m"):
        return _user_data(fallback) if fallback else mark_safe("")  # noqa: S308  # nosec B308,B703  # empty
    try:
        params = {k: _render_param_html(v) for k, v in (data.get("p") or {}).items()}
        template = conditional_escape(gettext(str(data["m"])))
        # the template is escaped, every parameter escaped (or marked up by format_html) above
        return mark_safe(_format(template, params))  # noqa: S308  # nosec B308,B703  # escaped above
    except (KeyError, TypeError, ValueError):
        return _user_data(fallback)
