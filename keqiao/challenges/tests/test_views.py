"""Pages of challenge tenders through the test client: the list (query count pinned), publishing with
bad input kept, the public page without private fields, sealed proposals (404 to anyone else), scoring,
the award and no award, the attachment, the figures."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from keqiao.challenges import services
from keqiao.challenges.models import Challenge, Proposal

from .conftest import after_deadline, pdf

pytestmark = pytest.mark.django_db


def _close(c):
    services.challenges_maintain(now=after_deadline(c))
    c.refresh_from_db()


def test_list_with_a_pinned_query_count(client, make_challenge, django_assert_num_queries):
    for i in range(3):
        make_challenge(title=f"难题{i}")
    # the count and the page's rows (challenge, challenger and region joined, proposals counted)
    with django_assert_num_queries(2):
        response = client.get(reverse("challenges:list"))
    assert response.status_code == 200
    assert response.content.decode().count('id="challenge-') == 3


def test_list_filters_and_empty_state(client, make_challenge):
    c = make_challenge()
    assert (
        f'id="challenge-{c.pk}"'
        not in client.get(reverse("challenges:list") + "?status=decided").content.decode()
    )
    assert f'id="challenge-{c.pk}"' in client.get(reverse("challenges:list") + "?q=亚硝酸盐").content.decode()
    assert (
        "No challenges here." in client.get(reverse("challenges:list") + "?field=new_energy").content.decode()
    )


def _form(demand, **overrides):
    data = {
        "demand": demand.pk,
        "title": "泡菜发酵亚硝酸盐在线监测",
        "goals": "建成在线监测系统。",
        "indicators": "检测下限0.5 mg/kg。",
        "reward_kind": "prize",
        "amount": "300000",
        "deadline": (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "eligibility": "高校、院所或企业。",
        "criteria": "技术路线: 60\n报价: 40",
        "evaluation": "challenger",
    }
    data.update(overrides)
    return data


def test_publish_from_a_demand_and_bad_input_keeps_what_was_typed(client, outsider, make_demand):
    demand = make_demand("published")
    client.force_login(outsider)
    assert client.get(reverse("challenges:new") + f"?demand={demand.pk}").status_code == 200
    response = client.post(reverse("challenges:new"), _form(demand, criteria="技术路线: 60\n报价: 30"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "must add up to 100 (they add up to 90)" in body and "技术路线: 60" in body
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("challenges:new"), _form(demand, deadline=past))
    assert "The deadline must be in the future." in response.content.decode()
    response = client.post(reverse("challenges:new"), _form(demand, amount="-5"))
    assert response.status_code == 400
    assert not Challenge.objects.exists()
    response = client.post(reverse("challenges:new"), _form(demand))
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()


def test_new_page_is_404_without_a_demand_to_publish(client, owner):
    client.force_login(owner)
    assert client.get(reverse("challenges:new")).status_code == 404


def test_public_page_shows_no_private_fields(client, make_challenge):
    c = make_challenge()
    body = client.get(c.get_absolute_url()).content.decode()
    assert c.title in body and "技术路线可行性" in body
    assert "demand-contact@example.com" not in body and "028-36666666" not in body
    assert "300,000" not in body and "30万" not in body  # the demand's private budget


def test_proposal_with_attachment_is_sealed_and_404_to_others(
    client, make_challenge, owner, holder_org, outsider, rival, bureau
):
    c = make_challenge()
    client.force_login(owner)
    response = client.post(
        reverse("challenges:propose", args=[c.pk]),
        {
            "organization": holder_org.pk,
            "approach": "电化学传感器阵列。",
            "indicators_response": "检测下限0.3 mg/kg。",
            "team": "",
            "price": "450000",
            "months": "10",
            "files": [pdf()],
        },
    )
    p = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == p.get_absolute_url()
    att = p.attachments.get()
    file_url = reverse("challenges:attachment", args=[c.pk, p.pk, att.pk])
    assert client.get(p.get_absolute_url()).status_code == 200
    assert client.get(file_url).status_code == 200
    for user in (outsider, rival, bureau):  # the challenger too, before the deadline
        client.force_login(user)
        assert client.get(p.get_absolute_url()).status_code == 404
        assert client.get(file_url).status_code == 404
    _close(c)
    client.force_login(outsider)
    assert client.get(file_url).status_code == 200
    assert p.organization.name in client.get(c.get_absolute_url()).content.decode()  # the list of proposals
    client.force_login(rival)
    assert client.get(p.get_absolute_url()).status_code == 404


def test_proposal_bad_file_keeps_the_text(client, make_challenge, owner, holder_org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = make_challenge()
    client.force_login(owner)
    bad = SimpleUploadedFile("方案.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("challenges:propose", args=[c.pk]),
        {
            "organization": holder_org.pk,
            "approach": "电化学传感器阵列方案。",
            "indicators_response": "检测下限0.3 mg/kg。",
            "price": "450000",
            "months": "10",
            "files": [bad],
        },
    )
    assert response.status_code == 400
    assert "电化学传感器阵列方案。" in response.content.decode()
    assert not Proposal.objects.exists()


def test_challenger_cannot_open_the_proposal_form(client, make_challenge, outsider):
    c = make_challenge()
    client.force_login(outsider)
    assert client.get(reverse("challenges:propose", args=[c.pk])).status_code == 404


def test_score_award_and_public_winner(client, make_challenge, submit, outsider):
    c = make_challenge()
    p = submit(c)
    _close(c)
    client.force_login(outsider)
    bad = {
        "action": "score",
        "score_0": "80",
        "score_1": "101",
        "score_2": "70",
        "score_3": "60",
        "note": "路线清晰",
    }
    response = client.post(p.get_absolute_url(), bad)
    assert response.status_code == 400 and "路线清晰" in response.content.decode()
    ok = dict(bad, score_1="70")
    assert client.post(p.get_absolute_url(), ok).status_code == 302
    p.refresh_from_db()
    assert str(p.total) == "73.00"
    # the award asks for confirmation first
    response = client.post(c.get_absolute_url(), {"action": "award", "proposals": [p.pk], "note": ""})
    assert response.status_code == 200 and "confirmed" in response.content.decode()
    response = client.post(
        c.get_absolute_url(), {"action": "award", "proposals": [p.pk], "note": "", "confirmed": "1"}
    )
    assert response.status_code == 302
    client.logout()
    body = client.get(c.get_absolute_url()).content.decode()
    assert 'id="winners"' in body and p.organization.name in body


def test_no_award_with_reason(client, make_challenge, submit, outsider):
    c = make_challenge()
    submit(c)
    _close(c)
    client.force_login(outsider)
    response = client.post(c.get_absolute_url(), {"action": "no_award", "reason": " ", "confirmed": "1"})
    assert response.status_code == 400
    response = client.post(
        c.get_absolute_url(), {"action": "no_award", "reason": "均未达到指标。", "confirmed": "1"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "not_awarded"
    assert "均未达到指标。" in client.get(c.get_absolute_url()).content.decode()


def test_others_cannot_award(client, make_challenge, submit, rival):
    c = make_challenge()
    p = submit(c)
    _close(c)
    client.force_login(rival)
    response = client.post(c.get_absolute_url(), {"action": "award", "proposals": [p.pk], "confirmed": "1"})
    assert response.status_code in (400, 404)
    c.refresh_from_db()
    assert c.status == "evaluating"


def test_figures_for_government_only(client, make_challenge, bureau, owner):
    make_challenge()
    client.force_login(owner)
    assert client.get(reverse("challenges:statistics")).status_code == 404
    client.force_login(bureau)
    body = client.get(reverse("challenges:statistics")).content.decode()
    assert 'id="stat-count">1<' in body
