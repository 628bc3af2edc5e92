"""Two-factor sign-in: the code step after the password, and the account's security page (turn on with a
QR code, recovery codes shown once, new codes, a new app, turn off)."""

import time
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from keqiao.common.errors import DomainError, add_to_form

from . import throttling, twofactor
from .forms import PasswordConfirmForm, TwoFactorCodeForm, TwoFactorSetupForm
from .middleware import TWO_FACTOR_STATE, remember_two_factor

PENDING = "keqiao_2fa_pending"  # the user who gave the right password and owes the code
PENDING_SECONDS = 300
CODES_TO_SHOW = "keqiao_2fa_new_codes"


def start_code_step(request, user, next_url: str) -> HttpResponseRedirect:
    """After the right password for a user with an authenticator app: not signed in yet, the session
    only remembers who owes the code, for five minutes."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
        "next": next_url,
    }
    return redirect("accounts:login_verify")


def _safe_next(request, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return default


@never_cache
def login_verify(request):
    pending = request.session.get(PENDING)
    user = None
    if pending and time.time() - pending["since"] <= PENDING_SECONDS:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in again: the time for the code ran out."))
        return redirect("accounts:login")
    credentials = {"username": user.get_username()}
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING, None)
            return throttling.lockout_response(request, None, credentials)
        try:
            device = twofactor.verify(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_to_form(form, exc)
            # A wrong code counts as a failed sign-in: whoever typed it knew the password.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING, None)
        else:
            next_url = pending["next"]
            del request.session[PENDING]
            user.backend = pending["backend"]
            user.otp_device = device  # django-otp marks the session verified when it is signed in
            login(request, user)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(n)d code is left. Make new codes on the "
                        "Account security page.",
                        "You signed in with a recovery code; %(n)d codes are left. Make new codes on the "
                        "Account security page.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(next_url)
    status = 400 if form.errors else 200
    return render(request, "accounts/login_verify.html", {"form": form, "username": user}, status=status)


@login_required
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "enabled": twofactor.is_enabled(user),
            "required": twofactor.required_for(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "regenerate_form": PasswordConfirmForm(prefix="regenerate"),
            "disable_form": PasswordConfirmForm(prefix="disable"),
        },
    )


@never_cache
@login_required
def two_factor_setup(request):
    user = request.user
    replacing = twofactor.is_enabled(user)
    device = twofactor.start_setup(user)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
    form = TwoFactorSetupForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_setup(
                user=user,
                device=device,
                code=form.cleaned_data["code"],
                password=form.cleaned_data.get("password"),
            )
        except TOTPDevice.DoesNotExist:  # confirmed meanwhile (the form sent twice)
            return redirect("accounts:security")
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            device.confirmed = True
            django_otp.login(request, device)
            remember_two_factor(request, user)
            request.session[CODES_TO_SHOW] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            target = reverse("accounts:recovery_codes")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "replacing": replacing,
            "required": twofactor.required_for(user),
            "next": next_url,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def recovery_codes(request):
    """New recovery codes, shown once (after setup, or made anew with the password)."""
    if request.method == "POST":
        form = PasswordConfirmForm(request.POST, prefix="regenerate")
        if form.is_valid():
            try:
                request.session[CODES_TO_SHOW] = twofactor.regenerate_recovery_codes(
                    user=request.user, password=form.cleaned_data["password"]
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
                return redirect("accounts:security")
            messages.success(request, _("New recovery codes were made; the old ones no longer work."))
            return redirect("accounts:recovery_codes")
        messages.error(request, _("Type your password to make new recovery codes."))
        return redirect("accounts:security")
    codes = request.session.pop(CODES_TO_SHOW, None)
    if not codes:
        return redirect("accounts:security")
    next_url = _safe_next(request, request.GET.get("next"), reverse("accounts:security"))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


@login_required
@require_POST
def two_factor_disable(request):
    form = PasswordConfirmForm(request.POST, prefix="disable")
    if not form.is_valid():
        messages.error(request, _("Type your password to turn off two-factor sign-in."))
        return redirect("accounts:security")
    try:
        twofactor.disable(user=request.user, password=form.cleaned_data["password"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts:security")
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(TWO_FACTOR_STATE, None)
    messages.success(request, _("Two-factor sign-in is off. You sign in with your password alone."))
    return redirect("accounts:security")
