"""Sign-in throttling: failed sign-ins slow down guessing per address and per account, with a back-off
that a stranger cannot stretch beyond a few minutes.

django-axes does the plumbing: its authentication backend refuses a locked sign-in before the password
is checked, its signal handler records every failure (`AccessAttempt` rows, one per account, address and
browser), a success resets them, its middleware answers a locked sign-in (here with `lockout_response`),
and its admin and commands (`axes_reset_username`, `axes_reset_ip`) lift locks. The client's address is
`keqiao.common.network.client_ip` (X-Forwarded-For only from a trusted proxy).

The decision is written here, in `SignInThrottleHandler.lock_for`, because axes applies one failure limit
and one cool-off to every lockout parameter, and its cool-off is both how long a lock lasts and how long
failures are remembered. A platform where officials must not be locked out by strangers needs different
limits per rule and locks that grow but stay short. Three rules, each counting the failures of the last
AXES_COOLOFF_TIME (default 24 hours, KEQIAO_SIGNIN_MEMORY_HOURS):

* **account from one address** (username + address): AXES_FAILURE_LIMIT failures (default 5);
* **address** (any accounts): KEQIAO_SIGNIN_ADDRESS_LIMIT (default 10) — catches password spraying,
  one or two guesses for each of many accounts;
* **account** (any addresses): KEQIAO_SIGNIN_ACCOUNT_LIMIT (default 10) — catches guessing spread over
  many addresses. It does not apply to an address the account signed in from successfully in the last
  KEQIAO_SIGNIN_KNOWN_ADDRESS_DAYS (default 30): a stranger guessing elsewhere does not lock the
  official out of the office.

A rule that reaches its limit locks for KEQIAO_SIGNIN_LOCK_MINUTES (1) after the failure that reached
it; each further failure doubles the lock, up to KEQIAO_SIGNIN_LOCK_MAX_MINUTES (15). Failures while
locked are refused without being counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so
no lock ever lasts longer than the cap. A successful sign-in clears the account's failures; the
failures the address made at other accounts stay, so signing in to one's own account does not restart
a spraying run.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

ADDRESS = "address"
ACCOUNT = "account"
ACCOUNT_ADDRESS = "account_address"


@dataclass(frozen=True)
class Lock:
    rule: str
    until: datetime

    def seconds_left(self, now: datetime | None = None) -> int:
        return max(1, math.ceil((self.until - (now or timezone.now())).total_seconds()))


def _config(name: str) -> int:
    return int(settings.KEQIAO[name])


def backoff(excess: int) -> timedelta:
    """How long a rule locks after `excess` failures beyond its limit (0 for the failure that reached it)."""
    cap = _config("SIGNIN_LOCK_MAX_MINUTES")
    return timedelta(minutes=min(cap, _config("SIGNIN_LOCK_MINUTES") * 2 ** min(excess, 16)))


def known_address(username: str, ip: str | None, now: datetime) -> bool:
    """Whether `username` signed in successfully from `ip` lately (django-axes' access log)."""
    days = _config("SIGNIN_KNOWN_ADDRESS_DAYS")
    if not ip or days <= 0:
        return False
    since = now - timedelta(days=days)
    return AccessLog.objects.filter(username=username, ip_address=ip, attempt_time__gte=since).exists()


def lock_for(username: str | None, ip: str | None, now: datetime | None = None) -> Lock | None:
    """The lock in force for a sign-in as `username` from `ip`, the longest if several rules lock."""
    now = now or timezone.now()
    rules = []
    if ip:
        rules.append((ADDRESS, {"ip_address": ip}, _config("SIGNIN_ADDRESS_LIMIT")))
    if username and ip:
        rules.append((ACCOUNT_ADDRESS, {"username": username, "ip_address": ip}, settings.AXES_FAILURE_LIMIT))
    if username and not known_address(username, ip, now):
        rules.append((ACCOUNT, {"username": username}, _config("SIGNIN_ACCOUNT_LIMIT")))
    since = now - settings.AXES_COOLOFF_TIME
    lock = None
    for rule, filters, limit in rules:
        if limit <= 0:  # 0 turns a rule off
            continue
        seen = AccessAttempt.objects.filter(attempt_time__gte=since, **filters).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        failures = seen["failures"] or 0
        if failures >= limit:
            until = seen["last"] + backoff(failures - limit)
            if until > now and (lock is None or until > lock.until):
                lock = Lock(rule, until)
    return lock


def request_lock(request, credentials: dict | None = None) -> Lock | None:
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    return lock_for(get_client_username(request, credentials), getattr(request, "axes_ip_address", None), now)


class SignInThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with the rules of this module (AXES_HANDLER)."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return request_lock(request, credentials) is not None

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # After recording a failure, axes locks when this number reaches AXES_FAILURE_LIMIT. Answering
        # the limit exactly when a rule locks keeps axes' own steps (the lock flag on the request, the
        # user_locked_out signal, the failure log's "locked out" mark) in line with the rules.
        return get_failure_limit(request, credentials) if self.is_locked(request, credentials) else 0

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful sign-in: the account's failures only, from every address (axes would also
        clear every failure of the address, which would let a sprayer reset the count with an account
        of their own)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """The page (or JSON for scripts) saying how long to wait: AXES_LOCKOUT_CALLABLE."""
    lock = request_lock(request, credentials)
    seconds = lock.seconds_left() if lock else 60
    minutes = max(1, math.ceil(seconds / 60))
    context = {
        "wait_minutes": minutes,
        "wait_seconds": seconds,
        "until": lock.until if lock else timezone.now() + timedelta(seconds=seconds),
        "rule": lock.rule if lock else ACCOUNT_ADDRESS,
        "max_minutes": _config("SIGNIN_LOCK_MAX_MINUTES"),
    }
    if request.headers.get("x-requested-with") == "XMLHttpRequest" or request.path.startswith("/api/"):
        detail = ngettext(
            "Too many failed sign-ins. Try again in %(minutes)d minute.",
            "Too many failed sign-ins. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = JsonResponse(
            {"detail": detail, "code": "signin_throttled", "retry_after": seconds}, status=429
        )
    else:
        response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def clear_account(username: str) -> int:
    """Forget the failed sign-ins of an account (after its password was reset by e-mail)."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count
