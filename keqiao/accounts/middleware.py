"""Sessions of officials end after an idle time (KEQIAO["OFFICIAL_IDLE_MINUTES"], default 120)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

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
