"""The Django admin behind the platform's own sign-in: one login page for everybody, with its throttling
and two-factor step, and no admin page for a session that owes its second factor."""

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import twofactor


class KeqiaoAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:  # signed in, but not staff: no admin for them
            messages.error(request, _("Your account has no access to the administration."))
            return redirect("portal:workbench")
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, login_url=reverse("accounts:login"))

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()
        return verified or not (twofactor.required_for(user) or twofactor.is_enabled(user))
