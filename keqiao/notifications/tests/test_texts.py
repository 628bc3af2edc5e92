"""Notifications are shown in the reader's language, whatever the sender's: the page, the API, e-mail."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from keqiao.notifications import services
from keqiao.notifications.models import Notification
from keqiao.notifications.text import Text, render
from keqiao.notifications.text import gettext_lazy as _

pytestmark = pytest.mark.django_db


def _send(user):
    with translation.override("en"):  # whoever acted was reading in English
        title = _("Annual report %(year)s returned for revision") % {"year": 2025}
        reason = _("Negotiation on “%(title)s”") % {"title": "竹纤维脱胶技术"}
        assert isinstance(title, Text) and title == "Annual report 2025 returned for revision"
        return services.notify({user.pk: (reason, None)}, verb="deal", title=title, url="/deals/1/", key="t1")


def test_text_keeps_its_message_and_parameters():
    nested = _("Your recommendation was %(outcome)s") % {"outcome": _("achievement")}
    data = nested.as_data()
    assert data == {"m": "Your recommendation was %(outcome)s", "p": {"outcome": {"m": "achievement"}}}
    with translation.override("zh-hans"):
        assert render(data) == str(nested.message and _("Your recommendation was %(outcome)s")) % {
            "outcome": str(_("achievement"))
        }
    assert render({}, "as stored") == "as stored"
    assert render({"m": "%(missing)s"}, "as stored") == "as stored"  # a message changed since: as stored


def test_stored_in_the_site_language_and_shown_in_the_readers(
    client, owner, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = _send(owner)
    n.refresh_from_db()
    # the plain fields hold the site's language (for the admin and old clients)
    with translation.override(settings.LANGUAGE_CODE):
        assert n.title == str(_("Annual report %(year)s returned for revision")) % {"year": 2025}
    assert "Annual report" not in n.title
    # e-mail: the recipient's language (no preference of their own: the site's default)
    (sent,) = mail.outbox
    assert "Annual report" not in sent.subject and "2025" in sent.subject
    assert "竹纤维脱胶技术" in sent.body

    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Annual report 2025 returned for revision" in page
    assert 'Negotiation on “<span data-user lang="zh">竹纤维脱胶技术</span>”' in page
    api = client.get("/api/v1/me/notifications").json()
    assert api[0]["title"] == "Annual report 2025 returned for revision"
    assert api[0]["reason"] == "Negotiation on “竹纤维脱胶技术”"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    api = client.get("/api/v1/me/notifications").json()
    assert api[0]["title"] == n.title and "Annual report" not in api[0]["title"]


def test_notifications_made_before_texts_were_kept_read_as_stored(client, owner):
    Notification.objects.create(
        user=owner, verb="deal", title="旧的通知", reason="旧的理由", url="/", key="old"
    )
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:list")).content.decode()
    assert '<span data-user lang="zh">旧的通知</span>' in page
    assert client.get("/api/v1/me/notifications").json()[0]["title"] == "旧的通知"
