"""The registration office's answer deadline in working days."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from keqiao.accounts.models import Membership
from keqiao.contracts import deadlines
from keqiao.notifications.models import Notification
from keqiao.testing.factories import member

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 12, 4)
    assert deadlines.add_working_days(friday, 1) == datetime.date(2026, 12, 7)
    assert deadlines.add_working_days(friday, 7) == datetime.date(2026, 12, 15)
    assert deadlines.add_working_days(datetime.date(2026, 12, 5), 1) == datetime.date(2026, 12, 7)


def test_due_date_is_configurable_and_only_for_filings_under_review(make_contract, settings):
    with time_machine.travel(datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC), tick=False):
        contract = make_contract("submitted")
    assert deadlines.review_due_on(contract) == datetime.date(2026, 12, 15)
    settings.KEQIAO = {**settings.KEQIAO, "CONTRACT_REVIEW_WORKING_DAYS": 3}
    assert deadlines.review_due_on(contract) == datetime.date(2026, 12, 9)
    assert deadlines.review_due_on(make_contract("draft", project_name="草稿")) is None


def test_overdue_filings_are_flagged_in_the_office_list_and_to_the_filer(
    client, make_contract, bureau, owner
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        late = make_contract("submitted")
    fresh = make_contract("submitted", project_name="新提交的合同")
    client.force_login(bureau)
    response = client.get(reverse("contracts:contracts"), {"scope": "office"})
    rows = {c.pk: c for c in response.context["page"]}
    assert rows[late.pk].review_overdue and not rows[fresh.pk].review_overdue
    assert f'id="review-due-{late.pk}"' in response.content.decode()
    client.force_login(owner)
    page = client.get(late.get_absolute_url()).content.decode()
    assert 'id="review-deadline"' in page and 'id="review-overdue"' in page
    assert 'id="review-overdue"' not in client.get(fresh.get_absolute_url()).content.decode()


def test_overdue_filings_are_flagged_to_the_office_leads_once(make_contract, bureau, bureau_org, owner):
    lead = member(bureau_org, Membership.Role.ADMIN, username="office_lead")
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        late = make_contract("submitted")
    make_contract("submitted", project_name="新提交的合同")
    assert deadlines.flag_overdue(today=datetime.date(2026, 11, 10)) == 0  # due 11-11: not yet late
    assert deadlines.flag_overdue(today=datetime.date(2026, 11, 12)) == 1
    flags = Notification.objects.filter(key__startswith="contract-overdue-")
    assert set(flags.values_list("user_id", flat=True)) == {lead.pk}  # the lead, not the staff officer
    assert flags.get().url == late.get_absolute_url()
    assert "2026-11-11" in flags.get().title
    assert deadlines.flag_overdue(today=datetime.date(2026, 11, 13)) == 0  # once per submission
    assert flags.count() == 1
    assert bureau.pk not in set(flags.values_list("user_id", flat=True))
