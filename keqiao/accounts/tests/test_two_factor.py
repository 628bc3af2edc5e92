"""Two-factor sign-in: who must use it, setting it up, the code step, recovery codes, turning it off, the
administrator's reset, the admin site, and the admin's path and network allow-list."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from keqiao.accounts import twofactor
from keqiao.accounts.models import Membership, Organization, OrganizationEvent
from keqiao.testing.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct-horse-battery"


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def enable(user) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.start_setup(user)
    codes = twofactor.confirm_setup(user=user, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def required(settings):
    settings.KEQIAO = {**settings.KEQIAO, "2FA_REQUIRED_FOR_OFFICIALS": True}


@pytest.fixture
def people(owner, colleague, outsider, bureau, holder_org):
    department = OrganizationFactory(name="眉山市财政局（测试）", kind=Organization.Kind.DEPARTMENT)
    office = OrganizationFactory(
        name="眉山测试登记机构", kind=Organization.Kind.AGENCY, is_contract_office=True
    )
    return {
        "bureau": (bureau, True),
        "department": (member(department, Membership.Role.STAFF, username="finance"), True),
        "registration_office": (member(office, Membership.Role.STAFF, username="office"), True),
        "staff": (UserFactory(username="staffer", is_staff=True), True),
        "superuser": (UserFactory(username="root", is_staff=True, is_superuser=True), True),
        "owner": (owner, False),
        "colleague": (colleague, False),
        "outsider": (outsider, False),
    }


PERSONAS = [
    "bureau",
    "department",
    "registration_office",
    "staff",
    "superuser",
    "owner",
    "colleague",
    "outsider",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_matrix_officials_without_an_app_are_held_at_setup(client, people, required, persona):
    user, must = people[persona]
    assert twofactor.required_for(user) is must
    response = sign_in(client, user.username)
    assert response.status_code == 302 and is_signed_in(client)
    workbench = client.get("/accounts/dashboard/")
    api = client.get("/api/v1/me/notifications")
    admin = client.get("/admin/")
    if must:
        assert response["Location"].startswith("/accounts/security/two-factor/?next=")
        assert workbench.status_code == 302 and workbench["Location"].startswith(
            "/accounts/security/two-factor/"
        )
        assert api.status_code == 403 and api.json()["code"] == "two_factor_setup_required"
        assert admin.status_code == 302 and admin["Location"].startswith("/accounts/security/two-factor/")
        assert client.get("/accounts/security/two-factor/").status_code == 200
    else:
        assert response["Location"] == "/accounts/dashboard/"
        assert workbench.status_code == 200 and api.status_code == 200
    # Signing out always works.
    assert client.post("/accounts/logout/").status_code == 302 and not is_signed_in(client)


def test_without_the_setting_officials_are_not_forced(client, bureau):
    assert not twofactor.required_for(bureau)
    assert sign_in(client, "bureau")["Location"] == "/accounts/dashboard/"
    assert client.get("/accounts/dashboard/").status_code == 200


def test_an_official_sets_up_the_app_and_sees_the_recovery_codes_once(client, bureau, bureau_org, required):
    sign_in(client, "bureau", next="/deals/statistics/")
    page = client.get("/accounts/security/two-factor/?next=/deals/statistics/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "<svg" in html
        and "<script" not in html.split('<main id="main" tabindex="-1">')[1]
    )
    device = TOTPDevice.objects.get(user=bureau, confirmed=False)
    assert twofactor.secret_text(device) in html
    # Reloading shows the same key (the app may have scanned it already).
    assert (
        client.get("/accounts/security/two-factor/").content.decode().count(twofactor.secret_text(device))
        == 1
    )
    assert TOTPDevice.objects.filter(user=bureau).count() == 1

    wrong = client.post("/accounts/security/two-factor/", {"code": "12345"})
    assert wrong.status_code == 400 and "6 位" in wrong.content.decode()
    wrong = client.post(
        "/accounts/security/two-factor/", {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert not twofactor.is_enabled(bureau)

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # past django-otp's wait after a miss
        done = client.post(
            "/accounts/security/two-factor/", {"code": code_for(device), "next": "/deals/statistics/"}
        )
    assert done.status_code == 302 and done["Location"].startswith("/accounts/security/recovery-codes/")
    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10 and all(len(c) == 11 and c[5] == "-" for c in codes)
    assert codes_page.context["next"] == "/deals/statistics/"
    assert client.get("/accounts/security/recovery-codes/")["Location"] == "/accounts/security/"  # once
    assert twofactor.is_enabled(bureau) and twofactor.recovery_codes_left(bureau) == 10
    assert client.get("/deals/statistics/").status_code == 200  # this session is verified
    assert OrganizationEvent.objects.filter(organization=bureau_org, action=twofactor.ENABLED).count() == 1


def test_signing_in_with_the_app_code(client, bureau, required):
    device, _codes = enable(bureau)
    response = sign_in(client, "bureau", next="/deals/statistics/")
    assert response["Location"] == "/accounts/login/verify/"
    assert not is_signed_in(client)  # the password alone signs nobody in
    assert client.get("/accounts/dashboard/")["Location"].startswith("/accounts/login/")
    page = client.get("/accounts/login/verify/")
    assert page.status_code == 200 and "验证码" in page.content.decode()

    later = time.time() + 30  # the next time step: the code used at setup cannot be used again
    bad = client.post("/accounts/login/verify/", {"code": "abc"})
    assert bad.status_code == 400 and not is_signed_in(client)
    with time_machine.travel(later, tick=False):
        response = client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert response["Location"] == "/deals/statistics/" and is_signed_in(client)
    assert client.get("/deals/statistics/").status_code == 200
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, owner, settings):
    device, _codes = enable(owner)  # an ordinary user who turned it on
    sign_in(client, "owner")
    now = time.time()
    right = code_for(device, at=now + 30)
    wrong = "000000" if right != "000000" else "111111"
    with time_machine.travel(now + 30, tick=False):
        response = client.post("/accounts/login/verify/", {"code": wrong})
        assert response.status_code == 400 and "验证码不正确" in response.content.decode()
        assert not is_signed_in(client)
        assert AccessAttempt.objects.get(username="owner").failures_since_start == 1
        # django-otp makes the next try wait (1, 2, 4, … seconds after failures).
        response = client.post("/accounts/login/verify/", {"code": right})
        assert response.status_code == 400 and "稍等" in response.content.decode()
    with time_machine.travel(now + 32, tick=False):
        response = client.post("/accounts/login/verify/", {"code": right})
    assert response.status_code == 302 and is_signed_in(client)


def test_wrong_codes_lead_to_the_sign_in_pause(client, owner):
    enable(owner)
    sign_in(client, "owner")
    start = time.time()
    for i in range(5):
        with time_machine.travel(start + 20 * i, tick=False):
            response = client.post("/accounts/login/verify/", {"code": "999999"})
    assert response.status_code == 429
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"  # start again


def test_a_recovery_code_works_once(client, owner, holder_org):
    device, codes = enable(owner)
    sign_in(client, "owner")
    response = client.post(
        "/accounts/login/verify/", {"code": codes[0].upper().replace("-", " ")}, follow=True
    )
    assert is_signed_in(client) and "还剩 9 个" in response.content.decode()
    assert twofactor.recovery_codes_left(owner) == 9
    event = OrganizationEvent.objects.get(organization=holder_org, action=twofactor.RECOVERY_CODE_USED)
    assert event.actor == owner and "9 left" in event.note
    client.post("/accounts/logout/")
    sign_in(client, "owner")
    with time_machine.travel(time.time() + 5, tick=False):
        again = client.post("/accounts/login/verify/", {"code": codes[0]})
    assert again.status_code == 400 and not is_signed_in(client)


def test_the_code_step_expires(client, owner):
    enable(owner)
    sign_in(client, "owner")
    with time_machine.travel(time.time() + 301):
        response = client.get("/accounts/login/verify/")
    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_an_ordinary_user_turns_it_on_and_off(client, owner, holder_org):
    client.force_login(owner)
    page = client.get("/accounts/security/").content.decode()
    assert 'data-enabled="false"' in page
    device = twofactor.start_setup(owner)
    client.post("/accounts/security/two-factor/", {"code": code_for(device)})
    assert 'data-enabled="true"' in client.get("/accounts/security/").content.decode()

    wrong = client.post("/accounts/security/two-factor/disable/", {"disable-password": "nope"}, follow=True)
    assert "密码不正确" in wrong.content.decode() and twofactor.is_enabled(owner)
    client.post("/accounts/security/two-factor/disable/", {"disable-password": PASSWORD})
    assert not twofactor.is_enabled(owner) and twofactor.recovery_codes_left(owner) == 0
    assert client.get("/accounts/dashboard/").status_code == 200  # still signed in
    actions = set(OrganizationEvent.objects.filter(organization=holder_org).values_list("action", flat=True))
    assert {twofactor.ENABLED, twofactor.DISABLED} <= actions


def test_officials_cannot_turn_it_off(client, bureau, required):
    device, _codes = enable(bureau)
    sign_in(client, "bureau")
    with time_machine.travel(time.time() + 30, tick=False):
        client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert "disable-two-factor" not in client.get("/accounts/security/").content.decode()
    response = client.post(
        "/accounts/security/two-factor/disable/", {"disable-password": PASSWORD}, follow=True
    )
    assert "必须保持开启" in response.content.decode() and twofactor.is_enabled(bureau)


def test_new_recovery_codes_need_the_password_and_replace_the_old(client, owner):
    device, old = enable(owner)
    client.force_login(owner)  # force_login: the session is then verified by hand below
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    refused = client.post("/accounts/security/recovery-codes/", {"regenerate-password": "nope"}, follow=True)
    assert "密码不正确" in refused.content.decode()
    response = client.post(
        "/accounts/security/recovery-codes/", {"regenerate-password": PASSWORD}, follow=True
    )
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()


def test_replacing_the_app_needs_the_password(client, owner):
    device, _codes = enable(owner)
    client.force_login(owner)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    new = twofactor.start_setup(owner)
    refused = client.post("/accounts/security/two-factor/", {"code": code_for(new), "password": "nope"})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=owner).count() == 2
    client.post(
        "/accounts/security/two-factor/", {"code": code_for(new, at=time.time() + 30), "password": PASSWORD}
    )
    assert list(TOTPDevice.objects.filter(user=owner).values_list("pk", "confirmed")) == [(new.pk, True)]


def test_a_session_signed_in_before_the_app_was_added_is_signed_out(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/dashboard/").status_code == 200
    enable(owner)  # in another browser
    with time_machine.travel(time.time() + 301):  # the session re-reads the state every five minutes
        response = client.get("/accounts/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not is_signed_in(client)


def test_reset_by_command_and_by_admin_action(client, bureau, bureau_org, owner, holder_org, required):
    device, _codes = enable(bureau)
    client.force_login(bureau)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get("/deals/statistics/").status_code == 200
    call_command(
        "reset_two_factor", "bureau", "--reason", "工单 2026-118：手机遗失", stdout=open(os.devnull, "w")
    )
    assert not twofactor.is_enabled(bureau) and twofactor.recovery_codes_left(bureau) == 0
    event = OrganizationEvent.objects.get(organization=bureau_org, action=twofactor.RESET)
    assert event.actor is None and "工单 2026-118" in event.note
    # The session verified with the old app is signed out; with the password the official is sent to set
    # up a new app.
    assert client.get("/deals/statistics/")["Location"].startswith("/accounts/login/")
    assert sign_in(client, "bureau")["Location"].startswith("/accounts/security/two-factor/")

    enable(owner)
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_device, _ = enable(admin_user)
    client.force_login(admin_user)
    session = client.session
    session["otp_device_id"] = admin_device.persistent_id
    session.save()
    listing = client.get("/admin/accounts/user/")
    assert listing.status_code == 200
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [owner.pk]}, follow=True
    )
    assert response.status_code == 200 and not twofactor.is_enabled(owner)
    assert OrganizationEvent.objects.get(organization=holder_org, action=twofactor.RESET).actor == admin_user


def test_the_admin_uses_the_platforms_sign_in(client, owner):
    response = client.get("/admin/login/?next=/admin/accounts/")
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/"
    client.force_login(owner)  # signed in, not staff
    assert client.get("/admin/login/")["Location"] == "/accounts/dashboard/"


def test_the_admin_needs_a_verified_session_where_two_factor_is_required(client, required, rf):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    device, _codes = enable(root)
    sign_in(client, "root", next="/admin/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    with time_machine.travel(time.time() + 30, tick=False):
        response = client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("allowed", "remote", "forwarded", "proxies", "status"),
    [
        ([], "203.0.113.9", "", [], 302),
        (["10.20.0.0/16"], "10.20.3.4", "", [], 302),
        (["10.20.0.0/16"], "203.0.113.9", "", [], 404),
        (["10.20.0.0/16"], "203.0.113.9", "10.20.3.4", [], 404),  # a forged header is not believed
        (["10.20.0.0/16"], "192.168.0.2", "10.20.3.4", ["192.168.0.2"], 302),  # behind the proxy
        (["10.20.0.0/16", "2001:db8::/32"], "2001:db8::7", "", [], 302),
    ],
)
def test_the_admin_answers_only_from_allowed_networks(
    client, settings, allowed, remote, forwarded, proxies, status
):
    settings.KEQIAO = {**settings.KEQIAO, "ADMIN_ALLOWED_NETWORKS": allowed, "TRUSTED_PROXIES": proxies}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client.get("/admin/", REMOTE_ADDR=remote, **extra).status_code == status
    assert client.get("/admin/login/", REMOTE_ADDR=remote, **extra).status_code == status
    assert client.get("/", REMOTE_ADDR=remote, **extra).status_code == 200  # the rest of the site answers


def _django(code: str, **env) -> subprocess.CompletedProcess:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_admin_path_is_a_setting():
    code = "from django.urls import reverse, resolve; print(reverse('admin:index')); resolve('/admin/')"
    moved = _django(code, KEQIAO_ADMIN_PATH="office-7f3k/")
    assert "/office-7f3k/" in moved.stdout and "Resolver404" in moved.stderr
    for bad in ("/admin", "admin", "accounts/", "ad min/"):
        refused = _django("pass", KEQIAO_ADMIN_PATH=bad)
        assert refused.returncode != 0 and "KEQIAO_ADMIN_PATH" in refused.stderr
    refused = _django("pass", KEQIAO_ADMIN_ALLOWED_NETWORKS="10.0.0.0/8,intranet")
    assert refused.returncode != 0 and "KEQIAO_ADMIN_ALLOWED_NETWORKS" in refused.stderr


def test_production_requires_two_factor_for_officials_by_default():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" + "x7Qm2Lp9Rt4Wv8Zb1Nc6Hd3Jf5Gs0Ya" * 2,
        "ALLOWED_HOSTS": "keqiao.example",
    }
    code = "from django.conf import settings; print(settings.KEQIAO['2FA_REQUIRED_FOR_OFFICIALS'])"
    assert _django(code, **env).stdout.strip() == "True"
    assert _django(code, **env, KEQIAO_2FA_REQUIRED_FOR_OFFICIALS="0").stdout.strip() == "False"
    assert _django(code).stdout.strip() == "False"  # test (and dev) settings


def test_demo_accounts_say_where_the_admin_is_and_how_to_try_two_factor(db, settings):
    from io import StringIO

    settings.KEQIAO = {**settings.KEQIAO, "ADMIN_PATH": "office-7f3k/"}
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "Django admin at /office-7f3k/" in out.getvalue() and "Account security" in out.getvalue()
