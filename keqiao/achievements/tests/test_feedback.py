"""What a holder and the bureau are told: one specific message per action, an error summary that links
to the fields, a confirmation before irreversible decisions, and field names in the history."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from keqiao.achievements.models import Achievement

from .test_views import form_payload

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _messages(response) -> list[str]:
    """The flash messages the page shows (the response followed its redirect)."""
    body = response.content.decode()
    if '<ul class="messages">' not in body:
        return []
    block = body.split('<ul class="messages">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in block.split("</li>") if li.strip()]


def test_saving_and_submitting_says_one_specific_thing(client, owner):
    client.force_login(owner)
    response = client.post(reverse("achievements:create"), form_payload(submit="1"), follow=True)
    a = Achievement.objects.get()
    assert a.status == "submitted"
    assert _messages(response) == [f"成果《{a.title}》已提交审核，科技局审核后会通知您结果。"]
    response = client.post(
        reverse("achievements:create"), form_payload(title="一种竹纤维复合材料的制备方法"), follow=True
    )
    assert _messages(response) == ["成果《一种竹纤维复合材料的制备方法》已保存为草稿；填写完整后请提交审核。"]


def test_a_failed_submit_shows_a_summary_linking_to_the_fields(client, owner):
    client.force_login(owner)
    response = client.post(reverse("achievements:create"), form_payload(title="", summary=""), **EN)
    assert response.status_code == 400
    body = response.content.decode()
    summary = body[body.index("data-error-summary") :]
    assert 'href="#id_title"' in summary and 'href="#id_summary"' in summary
    assert "js/forms.js" in body  # moves the focus to the summary
    assert "竹纤维，聚乳酸，复合材料" in body  # nothing typed is lost


def test_approval_needs_a_confirmation_and_happens_after_it(client, bureau, make_achievement):
    a = make_achievement("submitted")
    client.force_login(bureau)
    url = reverse("achievements:action", args=[a.pk, "approve"])
    asked = client.post(url, {"note": ""}, **EN)
    a.refresh_from_db()
    assert asked.status_code == 200 and a.status == "submitted"
    body = asked.content.decode()
    assert f"确定通过成果《{a.title}》的审核吗？" in body and "将发放登记号，且不可收回" in body
    assert 'name="confirmed" value="1"' in body
    done = client.post(url, {"note": "", "confirmed": "1"}, follow=True)
    a.refresh_from_db()
    assert done.redirect_chain and a.status == "approved"
    assert _messages(done) == [f"成果《{a.title}》已审核通过并发放登记号，所有方可以发布该成果。"]


@pytest.mark.parametrize("action", ["return", "withdraw"])
def test_returning_and_withdrawing_ask_first(client, bureau, owner, make_achievement, action):
    a = make_achievement("submitted" if action == "return" else "published")
    client.force_login(bureau if action == "return" else owner)
    url = reverse("achievements:action", args=[a.pk, action])
    before = a.status
    assert client.post(url, {"comment": "请补充材料"}).status_code == 200
    a.refresh_from_db()
    assert a.status == before
    client.post(url, {"comment": "请补充材料", "confirmed": "1"})
    a.refresh_from_db()
    assert a.status == {"return": "returned", "withdraw": "withdrawn"}[action]


def test_the_history_names_fields_by_their_verbose_names(client, owner, bureau, make_achievement):
    a = make_achievement("submitted")
    client.force_login(bureau)
    client.post(reverse("achievements:action", args=[a.pk, "approve"]), {"confirmed": "1"})
    body = client.get(a.get_absolute_url(), **EN).content.decode()
    history = body[body.index('class="timeline"') :]
    assert "registration_number" not in history
    with translation.override("zh-hans"):
        assert str(Achievement._meta.get_field("registration_number").verbose_name) in history
