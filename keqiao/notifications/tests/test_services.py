"""Notifications: once per event, e-mailed at once or in digests, one-click unsubscribe, the page and API."""

import io

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse

from keqiao.common.emails import send_to_users
from keqiao.common.errors import DomainError
from keqiao.notifications import services
from keqiao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, *, key="k1", frequency=None, verb="deal", title="标题"):
    return services.notify({user.pk: ("理由", frequency)}, verb=verb, title=title, url="/deals/1/", key=key)


def test_once_per_event_and_instant_ones_are_emailed_after_commit(owner, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = _notify(owner)
        assert not mail.outbox  # not before the commit
    assert n.frequency == "instant" and n.get_verb_display() == "洽谈"
    assert _notify(owner) == []  # the same event never notifies twice
    assert Notification.objects.filter(user=owner).count() == 1
    (sent,) = mail.outbox
    assert sent.subject == "标题" and "/deals/1/" in sent.body and "理由" in sent.body
    assert "/matching/subscriptions/" in sent.body  # matching's page to manage what one follows
    assert sent.body.rstrip().splitlines()[-1].split("/")[-4:-2] == ["matching", "unsubscribe"]
    n.refresh_from_db()
    assert n.emailed_at is not None
    assert services.send_instant([n.pk]) == 0  # never twice


def test_digests_send_what_waits_for_their_frequency_once(
    owner, colleague, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(owner, key="a", frequency="daily", title="一")
        _notify(owner, key="b", frequency="daily", title="二")
        _notify(colleague, key="c", frequency="weekly")
        _notify(colleague, key="d", frequency="never")
    assert not mail.outbox
    assert services.send_digests(frequency="daily") == 1
    assert services.send_digests(frequency="daily") == 0
    (digest,) = mail.outbox
    assert digest.to == [owner.email] and "一" in digest.body and "二" in digest.body
    assert "2" in digest.subject
    out = io.StringIO()
    call_command("send_digests", "weekly", stdout=out)
    assert out.getvalue().strip() == "sent=1"
    assert Notification.objects.filter(frequency="never", emailed_at__isnull=True).count() == 1


def test_digest_task_and_beat_schedule():
    from config.celery import app
    from keqiao.notifications import tasks

    assert tasks.send_digests.name == "keqiao.notifications.tasks.send_digests"
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert tasks.send_digests.name in scheduled
    assert not any(name.startswith("keqiao.matching.tasks.send_digests") for name in scheduled)
    assert tasks.send_digests("weekly") == 0


def test_unsubscribe_link_stops_all_email(client, owner, django_capture_on_commit_callbacks):
    _notify(owner, key="waiting", frequency="daily")
    token = services.unsubscribe_token(owner)
    url = reverse("notifications:unsubscribe", args=[token])
    assert url.startswith("/matching/unsubscribe/")
    assert client.get(url).status_code == 200
    owner.refresh_from_db()
    assert not owner.email_opt_out  # a GET (a mail scanner following links) changes nothing
    assert client.post(url).status_code == 200
    owner.refresh_from_db()
    assert owner.email_opt_out
    assert Notification.objects.get(user=owner, key="waiting").frequency == "never"
    assert send_to_users([owner], services.EMAIL_TEMPLATE, {"notifications": []}) == 0
    assert client.post(reverse("notifications:unsubscribe", args=["forged"])).status_code == 400
    services.email_resume(user=owner)
    owner.refresh_from_db()
    assert not owner.email_opt_out


def test_links_signed_before_notifications_had_their_own_app_still_work(owner):
    old = signing.dumps({"u": owner.pk}, salt="keqiao.unsubscribe")
    assert services.unsubscribe_all(old) == owner
    other_salt = signing.dumps({"u": owner.pk}, salt="keqiao.notifications")
    with pytest.raises(DomainError):
        services.unsubscribe_all(other_salt)


def test_every_email_closes_with_the_unsubscribe_link(owner, monkeypatch):
    from keqiao.common import emails

    mail.outbox.clear()
    send_to_users([owner], services.EMAIL_TEMPLATE, {"notifications": []})
    assert mail.outbox[-1].body.endswith(f"\n--\n{services.unsubscribe_footer(owner)}\n")
    monkeypatch.setattr(emails, "_footers", [])
    send_to_users([owner], services.EMAIL_TEMPLATE, {"notifications": []})
    assert "\n--\n" not in mail.outbox[-1].body


def test_notification_page_marks_read_and_counts_unread(client, owner, outsider):
    _notify(owner, key="a", title="第一条")
    _notify(owner, key="b", verb="new_match", title="第二条")
    _notify(outsider, key="c", title="别人的")
    client.force_login(owner)
    page = client.get("/matching/notifications/").content.decode()
    assert "第一条" in page and "第二条" in page and "别人的" not in page
    assert 'href="/matching/subscriptions/"' in page
    assert "<b>(2)</b>" in page  # the unread count in the navigation
    response = client.post(reverse("notifications:list"))
    assert response.status_code == 302 and response.url == "/matching/notifications/"
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=outsider, read_at__isnull=True).exists()
    assert services.notifications_mark_read(user=outsider, ids=[]) == 0
    client.logout()
    assert client.get("/matching/notifications/").status_code == 302


def test_api_lists_my_notifications(client, owner, outsider):
    (first,) = _notify(owner, key="a")
    _notify(owner, key="b")
    _notify(outsider, key="c")
    assert client.get("/api/v1/me/notifications").status_code == 401
    client.force_login(owner)
    services.notifications_mark_read(user=owner, ids=[first.pk])
    data = client.get("/api/v1/me/notifications").json()
    assert len(data) == 2 and {d["read"] for d in data} == {True, False}
    assert set(data[0]) == {"id", "verb", "title", "url", "reason", "created_at", "read"}
    unread = client.get("/api/v1/me/notifications?unread=true").json()
    assert [d["verb"] for d in unread] == ["deal"]
