"""A reviewer who returns or reopens a report lands on a page they may see, with a message naming the
report, and can still read the report; decisions ask for confirmation; amounts labelled （元） are yuan."""

import pytest
from django.urls import reverse

from keqiao.annualreports import services
from keqiao.common.money import format_yuan

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_reopen_lands_on_the_review_list_and_the_report_stays_readable(
    client, make_report, supervisor, holder_org
):
    report = make_report("approved")
    client.force_login(supervisor)
    url = reverse("annualreports:detail", args=[report.pk])
    response = client.post(url, {"action": "reopen", "reopen-reason": "请更正奖励人数。"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("annualreports:index"))
    assert any(holder_org.name in m and str(report.year) in m for m in _messages(response))
    listing = response.content.decode()
    assert f'href="{report.get_absolute_url()}"' in listing
    # on the review list it reads as being corrected, not as a fresh draft
    row = listing.split(f'href="{report.get_absolute_url()}"')[1].split("</tr>")[0]
    assert "已退回更正" in row and "草稿" not in row
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="read-only-note"' in body and 'id="approve"' not in body and 'id="edit-report"' not in body


def test_return_lands_on_the_review_list(client, make_report, supervisor, holder_org):
    report = make_report("submitted")
    client.force_login(supervisor)
    response = client.post(
        reverse("annualreports:detail", args=[report.pk]),
        {"action": "return", "return-comment": "请核对转让合同金额。"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("annualreports:index"))
    assert any("退回" in m and holder_org.name in m for m in _messages(response))
    assert client.get(reverse("annualreports:detail", args=[report.pk])).status_code == 200


def test_a_never_submitted_draft_stays_private(client, make_report, supervisor):
    report = make_report("draft")
    client.force_login(supervisor)
    assert client.get(reverse("annualreports:detail", args=[report.pk])).status_code == 404


def test_decisions_ask_for_confirmation_and_amounts_are_in_yuan(client, make_report, supervisor, owner):
    report = make_report("draft")
    services.report_update(report=report, by=owner, figures={"income_total": "8650000.00"})
    report = services.report_submit(report=report, by=owner)
    client.force_login(supervisor)
    body = client.get(reverse("annualreports:detail", args=[report.pk])).content.decode()
    assert 'id="approve" data-confirm=' in body and 'id="return" data-confirm=' in body
    assert body.count("js/annualreports.js") == 1 and "annualreports.js" not in body.split("</title>")[0]
    assert "8,650,000.00" in body and "865 万元" not in body


def test_format_yuan():
    assert format_yuan("8650000") == "8,650,000.00"
    assert format_yuan(None) == "" and format_yuan("abc") == "abc"
