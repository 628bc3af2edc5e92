"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238) after the password,
with ten single-use recovery codes for a lost phone. Devices are django-otp's: one `TOTPDevice` and one
`StaticDevice` (the recovery codes) per user.

Officials (`selectors.user_is_official`: government members, the registration office, staff and
administrators) must use it when KEQIAO["2FA_REQUIRED_FOR_OFFICIALS"] is on (environment
KEQIAO_2FA_REQUIRED_FOR_OFFICIALS; on in production); everybody else may turn it on in the account's
security page. Turning it on or off, using a recovery code, new recovery codes and an administrator's
reset are recorded as events of the user's organisations.
"""

import base64
import logging
import re
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from keqiao.common.errors import DomainError, NotPermitted

from .models import Membership, OrganizationEvent
from .selectors import user_is_official

log = logging.getLogger(__name__)

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"

# Actions recorded as OrganizationEvent rows on each of the user's organisations.
ENABLED = "2fa_enabled"
DISABLED = "2fa_disabled"
RECOVERY_CODE_USED = "2fa_recovery_code_used"
CODES_REGENERATED = "2fa_codes_regenerated"
RESET = "2fa_reset"
ACTIONS = {
    ENABLED: _("Two-factor sign-in turned on"),
    DISABLED: _("Two-factor sign-in turned off"),
    RECOVERY_CODE_USED: _("Signed in with a recovery code"),
    CODES_REGENERATED: _("New recovery codes made"),
    RESET: _("Two-factor sign-in reset by an administrator"),
}


class WrongCode(DomainError):
    default = _("The code is not right. Check your authenticator app and try again.")

    def __init__(self, message=None):
        super().__init__(message or self.default, code="wrong_code", field="code")


# --- reading -----------------------------------------------------------------------------------------


def required_for(user) -> bool:
    """Whether `user` must sign in with a second factor (officials, when the setting is on)."""
    return bool(settings.KEQIAO.get("2FA_REQUIRED_FOR_OFFICIALS")) and user_is_official(user)


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The key in base32 (what authenticator apps take when typed), in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code: plain <path> markup, no script and no external
    reference, so it passes the Content-Security-Policy; nothing user-typed goes into it but the
    user name, which the QR encoder turns into black and white squares."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="100%" height="100%"',
        image.to_string(encoding="unicode"),
    )
    return mark_safe(svg)  # noqa: S308 - generated markup, see the docstring


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:5]}-{token[5:]}"


# --- writing -----------------------------------------------------------------------------------------


def _audit(user, *, by, action: str, note: str = "") -> None:
    """An event on each organisation of `user`; logged in any case (staff may have no organisation)."""
    org_ids = Membership.objects.filter(user_id=user.pk).values_list("organization_id", flat=True)
    OrganizationEvent.objects.bulk_create(
        [
            OrganizationEvent(
                organization_id=org_id,
                actor=by if by is not None and by.pk else None,
                action=action,
                note=(f"{user.get_username()}: {note}" if note else user.get_username())[:500],
            )
            for org_id in org_ids
        ]
    )
    log.info("two-factor %s: user=%s by=%s", action, user.get_username(), getattr(by, "username", "-"))


def start_setup(user) -> TOTPDevice:
    """The unconfirmed device the setup page shows; kept across reloads so a scanned code stays valid."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE_NAME).order_by("-id").first()
    )
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    tokens = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [format_recovery_code(t) for t in tokens]


def _check_password(user, password: str | None) -> None:
    if not password or not user.check_password(password):
        raise DomainError(_("Your password is not right."), code="wrong_password", field="password")


def _try(device, code: str, *, throttled_message) -> str | None:
    """Check `code` on `device` (locked for update by the caller); None if it was accepted, else why not.
    The caller's transaction must commit either way: django-otp records the failure for its throttle."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return throttled_message
    return None if device.verify_token(code) else WrongCode.default


def confirm_setup(*, user, device: TOTPDevice, code: str, password: str | None = None) -> list[str]:
    """Turn two-factor sign-in on with the app that produced `code`; returns the new recovery codes
    (shown once). Replacing an app already in use needs the password too."""
    replacing = is_enabled(user)
    if replacing:
        _check_password(user, password)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        problem = _try(
            device,
            _normalise(code),
            throttled_message=_("Too many wrong codes. Wait a moment, then type the newest code."),
        )
        if problem is None:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            _audit(user, by=user, action=ENABLED, note="new authenticator app" if replacing else "")
    if problem is not None:
        raise WrongCode(problem)
    return codes


def verify(*, user, code: str):
    """The device that accepts `code` at sign-in: the authenticator app for six digits, the recovery
    codes otherwise (each works once). Raises WrongCode; django-otp throttles each device (1, 2, 4, …
    seconds between attempts after failures)."""
    code = _normalise(code)
    with transaction.atomic():
        if len(code) == 6 and code.isdigit():
            devices = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id")
        else:
            devices = StaticDevice.objects.filter(user=user, confirmed=True)
        device = devices.select_for_update().first()
        if device is None or not code:
            problem = WrongCode.default
        else:
            problem = _try(
                device, code, throttled_message=_("Too many wrong codes. Wait a few seconds, then try again.")
            )
        if problem is None and isinstance(device, StaticDevice):
            _audit(user, by=user, action=RECOVERY_CODE_USED, note=f"{recovery_codes_left(user)} left")
    if problem is not None:
        raise WrongCode(problem)
    return device


@transaction.atomic
def regenerate_recovery_codes(*, user, password: str) -> list[str]:
    _check_password(user, password)
    if not is_enabled(user):
        raise DomainError(_("Turn on two-factor sign-in first."), code="not_enabled")
    codes = _new_recovery_codes(user)
    _audit(user, by=user, action=CODES_REGENERATED)
    return codes


@transaction.atomic
def disable(*, user, password: str) -> None:
    """The user turns it off (not allowed where it is required)."""
    if required_for(user):
        raise NotPermitted(_("Officials must keep two-factor sign-in on."), code="two_factor_required")
    _check_password(user, password)
    _remove_devices(user)
    _audit(user, by=user, action=DISABLED)


def _remove_devices(user) -> int:
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return count


@transaction.atomic
def reset(*, user, by=None, reason: str = "") -> bool:
    """An administrator removes a user's devices (a lost phone and no recovery code left). The user signs
    in with the password alone next time and, where it is required, sets up a new app at once. Their
    sessions verified with the old app lose that verification. Returns whether there was anything to
    remove."""
    had = _remove_devices(user) > 0
    _audit(user, by=by, action=RESET, note=reason)
    return had
