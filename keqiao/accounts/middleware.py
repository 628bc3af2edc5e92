"""Sessions of officials end after an idle time (KEQIAO["OFFICIAL_IDLE_MINUTES"], default 120); two-factor
sign-in is enforced; the admin answers only from the allowed networks."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from keqiao.common.network import client_address, in_networks, parse_networks

from . import twofactor
from .selectors import user_is_official

LAST_SEEN = "keqiao_last_seen"


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in: the idle clock starts at sign-in (no session write on the next page)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class OfficialIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        minutes = settings.KEQIAO.get("OFFICIAL_IDLE_MINUTES", 120)
        if minutes and user is not None and user.is_authenticated and user_is_official(user):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > minutes * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as anonymous: 401/404 as usual
                messages.info(
                    request, _("You were signed out after %(n)d minutes without activity.") % {"n": minutes}
                )
                return redirect_to_login(request.get_full_path())
            # Written at most once a minute, so a page's parallel requests do not all save the session.
            if last is None or now - int(last) >= 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


TWO_FACTOR_STATE = "keqiao_2fa"  # [whether the user had an authenticator app, when that was read]
TWO_FACTOR_RECHECK_SECONDS = 300


def remember_two_factor(request, user) -> None:
    """What the session knows about the user's authenticator app, so that pages need no query for it:
    written at sign-in and after setting one up, re-read every five minutes."""
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_STATE] = [twofactor.is_enabled(user), int(time.time())]


def two_factor_signed_in(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in."""
    remember_two_factor(request, user)


def _has_app(request, user) -> bool:
    """Whether the user has an authenticator app, read from the session and re-read every five minutes
    (so a session signed in elsewhere notices an app added since)."""
    state = request.session.get(TWO_FACTOR_STATE)
    if not state or int(time.time()) - int(state[1]) > TWO_FACTOR_RECHECK_SECONDS:
        remember_two_factor(request, user)
        state = request.session[TWO_FACTOR_STATE]
    return bool(state[0])


class TwoFactorMiddleware:
    """A session whose user has an authenticator app must have been verified with it (else it was signed in
    before the app was added: signed out). An official who must use two-factor sign-in and has no app yet
    reaches only the setup page (and signing out) until it is done; the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
            return self.get_response(request)
        if _has_app(request, user):
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)  # answered as anonymous
            messages.info(request, _("Please sign in again with the code from your authenticator app."))
            return redirect_to_login(request.get_full_path())
        if twofactor.required_for(user) and not self._open(request):
            if request.path.startswith("/api/"):
                detail = _("Set up two-factor sign-in on the website first (Account security).")
                return JsonResponse({"detail": detail, "code": "two_factor_setup_required"}, status=403)
            if request.method == "GET" and not request.headers.get("HX-Request"):
                target = (
                    f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': request.get_full_path()})}"
                )
            else:
                target = reverse("accounts:two_factor_setup")
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        """The pages an official without an app may still use: setting it up, signing out, the language."""
        open_paths = (
            reverse("accounts:two_factor_setup"),
            reverse("accounts:logout"),
            reverse("set_language"),
        )
        return request.path in open_paths


class AdminNetworkMiddleware:
    """The admin (KEQIAO["ADMIN_PATH"]) answers 404 to clients outside KEQIAO["ADMIN_ALLOWED_NETWORKS"]
    (CIDR ranges; empty: no restriction), as if it did not exist. The client's address is
    keqiao.common.network.client_address (X-Forwarded-For only from a trusted proxy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = tuple(settings.KEQIAO.get("ADMIN_ALLOWED_NETWORKS") or ())
        if allowed and request.path_info.startswith("/" + settings.KEQIAO["ADMIN_PATH"]):
            if not in_networks(client_address(request), parse_networks(allowed)):
                raise Http404
        return self.get_response(request)
