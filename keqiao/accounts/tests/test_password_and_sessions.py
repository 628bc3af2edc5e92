"""Self-service password reset by e-mail, the idle timeout of officials' sessions, private downloads,
and production refusing to start with a weak secret key."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail

from keqiao.accounts.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _reset_link(body: str) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", body).group(0)


def test_password_reset_by_e_mail(client, owner, settings):
    settings.SITE_URL = "https://keqiao.example"
    owner.email = "li@example.cn"
    owner.save(update_fields=["email"])
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "li@example.cn"})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.cn"] and "密码" in message.subject
    link = _reset_link(message.body)
    assert link.startswith("https://keqiao.example/")
    form_page = client.get(link.replace("https://keqiao.example", ""), follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Bamboo-Fibre-2026", "new_password2": "Bamboo-Fibre-2026"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Bamboo-Fibre-2026")
    # The link works once.
    again = client.get(link.replace("https://keqiao.example", ""), follow=True)
    assert "new_password1" not in again.content.decode()


def test_an_unknown_address_is_not_revealed(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_officials_are_signed_out_when_idle_and_others_are_not(client, bureau, owner, settings):
    settings.KEQIAO = {**settings.KEQIAO, "OFFICIAL_IDLE_MINUTES": 120}
    client.force_login(bureau)
    assert client.get("/accounts/dashboard/").status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 121 * 60
    session.save()
    response = client.get("/accounts/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/accounts/dashboard/").status_code == 302  # signed out for good

    client.force_login(owner)  # a university's staff member is not an official
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 500 * 60
    session.save()
    assert client.get("/accounts/dashboard/").status_code == 200


def test_downloads_are_not_kept_by_caches(client, bureau):
    client.force_login(bureau)
    response = client.get("/deals/statistics/export.xlsx")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = client.get("/deals/statistics/")
    assert "no-store" not in page.get("Cache-Control", "")


def _production(secret: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "keqiao.example",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_a_weak_secret_key_and_preload_is_opt_in():
    weak = _production("short-key")
    assert weak.returncode != 0 and "SECRET_KEY is too weak" in weak.stderr
    strong = _production("k" + "x7Qm2Lp9Rt4Wv8Zb1Nc6Hd3Jf5Gs0Ya" * 2)
    assert strong.returncode == 0, strong.stderr[-2000:]
    assert strong.stdout.strip() == "False"
