import pytest
from django.urls import reverse

from keqiao.evaluation.models import TrlAssessment

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_holder_starts_walks_and_submits(client, owner, make_achievement):
    ach = make_achievement("published")
    client.force_login(owner)
    r = client.get(reverse("evaluation:achievement_trl", args=[ach.pk]))
    assert r.status_code == 200 and "GB/T 22900-2022" in r.content.decode()
    r = client.post(reverse("evaluation:achievement_trl", args=[ach.pk]))
    a = TrlAssessment.objects.get(achievement=ach)
    assert r.url == a.get_absolute_url()
    data = {
        "justification": "实验室测试完成",
        "met_1": "on",
        "statement_1": "有报告",
        "met_2": "on",
        "statement_2": "方案",
    }
    r = client.post(reverse("evaluation:assessment_save", args=[a.pk]), data)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.self_level == 2
    r = client.post(reverse("evaluation:evidence_add", args=[a.pk]), {"level": "2", "file": pdf()})
    assert r.status_code == 302 and a.evidence.count() == 1
    r = client.post(reverse("evaluation:assessment_save", args=[a.pk]), {**data, "then": "submit"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "submitted"


def test_bad_answers_keep_what_was_typed(client, owner, make_assessment):
    a = make_assessment("empty")
    client.force_login(owner)
    data = {"justification": "我的理由", "met_1": "on", "statement_1": "", "statement_3": "保留这段文字"}
    r = client.post(reverse("evaluation:assessment_save", args=[a.pk]), data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "保留这段文字" in body and "我的理由" in body
    assert "请说明本级判据的满足情况。" in body


def test_bad_evidence_is_refused_with_message(client, owner, make_assessment):
    a = make_assessment("empty")
    client.force_login(owner)
    r = client.post(
        reverse("evaluation:evidence_add", args=[a.pk]), {"level": "1", "file": pdf("a.pdf", b"x" * 50)}
    )
    assert r.status_code == 400
    assert a.evidence.count() == 0


def test_assessor_confirms_through_the_page(client, assessor, make_assessment):
    a = make_assessment("submitted", level=6)
    client.force_login(assessor)
    assert client.get(reverse("evaluation:queue")).content.decode().count(a.achievement.title) == 1
    r = client.post(reverse("evaluation:assessment_confirm", args=[a.pk]), {"level": "5"})
    assert r.status_code == 400  # a correction needs a comment
    r = client.post(
        reverse("evaluation:assessment_confirm", args=[a.pk]), {"level": "5", "comment": "缺第三方报告"}
    )
    assert r.status_code == 302
    page = client.get(a.achievement.get_absolute_url()).content.decode()
    assert "TRL 5" in page and 'id="trl-status"' in page


def test_drafts_and_evidence_hidden_from_others(client, outsider, assessor, make_assessment):
    a = make_assessment("draft")
    e = a.evidence.get()
    for user in (outsider, assessor):
        client.force_login(user)
        assert client.get(reverse("evaluation:assessment", args=[a.pk])).status_code == 404
        assert client.get(reverse("evaluation:evidence", args=[e.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("evaluation:assessment", args=[a.pk])).status_code == 302


def test_submitted_assessment_hidden_from_plain_outsider(client, outsider, assessor, make_assessment):
    a = make_assessment("submitted")
    client.force_login(outsider)
    assert client.get(reverse("evaluation:assessment", args=[a.pk])).status_code == 404
    r = client.post(reverse("evaluation:assessment_confirm", args=[a.pk]), {"level": "6"})
    assert r.status_code == 404
    client.force_login(assessor)
    assert client.get(reverse("evaluation:evidence", args=[a.evidence.get().pk])).status_code == 200


def test_holder_cannot_confirm_own(client, owner, make_assessment):
    a = make_assessment("submitted")
    client.force_login(owner)
    r = client.post(reverse("evaluation:assessment_confirm", args=[a.pk]), {"level": "6"})
    assert r.status_code == 400
    a.refresh_from_db()
    assert a.status == "submitted"


def test_queue_query_count(client, assessor, make_assessment, django_assert_num_queries):
    make_assessment("submitted")
    make_assessment("submitted")
    client.force_login(assessor)
    client.get(reverse("evaluation:queue"))
    # session, user, memberships, notifications badge, plans menu, the queue: not one per row
    with django_assert_num_queries(6):
        r = client.get(reverse("evaluation:queue"))
    assert r.content.decode().count('href="/evaluation/readiness/') == 2
