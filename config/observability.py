"""Error reporting and log format: the ADMINS variable and a JSON-lines log formatter.

The formatter is written here rather than taken from a library (python-json-logger and the like): it is
a few lines, has no dependency, and its output is pinned by tests (keqiao/portal/tests/test_observability.py).
"""

import datetime
import json
import logging
import re
from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from config.env import env_str

LOG_FORMATS = ("text", "json")


def parse_admins(value: str, name: str = "ADMINS") -> list[tuple[str, str]]:
    """`Name <a@b>, Other <c@d>` (RFC 5322 address list; names may be quoted) as Django's ADMINS pairs.

    An address without a name is named after itself. Anything that is not a valid address stops
    start-up with a message naming the variable.
    """
    admins = []
    for item in _items(value or ""):
        display, address = parseaddr(item)
        try:
            validate_email(address)
            if "<" in item and f"<{address}>" not in item.replace(" ", ""):
                raise ValidationError("the address is not the one in angle brackets")
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name}: {item.strip()!r} is not an e-mail address (use 'Name <address>, Other <address>')."
            ) from None
        admins.append((display or address, address))
    return admins


def _items(value: str) -> list[str]:
    """The comma-separated items of an address list, commas inside quotes or angle brackets kept."""
    items, current, quoted, angled = [], "", False, False
    for char in value:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        if char == "," and not quoted and not angled:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item for item in items if item.strip()]


def env_admins(name: str = "ADMINS") -> list[tuple[str, str]]:
    return parse_admins(env_str(name) or "", name)


def env_log_format(name: str = "LOG_FORMAT") -> str:
    value = (env_str(name) or "text").strip().lower()
    if value not in LOG_FORMATS:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(LOG_FORMATS)}.")
    return value


# The attributes every LogRecord has; anything else on a record was passed in `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and when present the
    exception, the request's method and path (never its query string, headers or body), the response
    status, and the record's other `extra=` fields (as strings when they are not JSON values)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = redact(getattr(request, "path", ""))
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request" and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Secrets that travel in URL paths: the one-click unsubscribe token and the password-reset link. Whoever
# reads them from a log could act for the user, so they are masked in every log line.
_SECRET_PATHS = re.compile(r"(/unsubscribe/|/reset/[0-9A-Za-z_-]+/)[^/\s\"'?]+")
REDACTED = "…"


def redact(text: str) -> str:
    """The text with the token of every unsubscribe and password-reset path replaced by an ellipsis."""
    return _SECRET_PATHS.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Masks unsubscribe and password-reset tokens in the message, its arguments and the request path
    (Django logs `Not Found: /matching/unsubscribe/<token>/` for an expired link, for instance). The
    request itself is left alone; the JSON formatter masks the path it writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True
