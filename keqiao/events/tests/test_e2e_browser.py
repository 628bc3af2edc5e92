"""End-to-end in headless Chromium: at a matchmaking fair an enterprise asks a university for a meeting,
the university accepts, the organiser schedules, both see the slot and table (and each other's contact),
the organiser checks both in by their codes, and the enterprise records "open a negotiation", which
creates the expression of interest whose room the enterprise can open. The agenda fits a phone's width.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/events/tests/test_e2e_browser.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.events.models import MeetingRequest
from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    screenshot,
    sign_in,
    skip_reason,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_two_participants_meet_are_scheduled_check_in_and_open_a_negotiation(
    browser, live_server, fair, make_achievement, owner, outsider
):
    event, p_univ, p_enterprise = fair
    achievement = make_achievement("published", title="高镍三元正极材料连续化制备技术")
    base = live_server.url
    agenda = f"/events/{event.pk}/agenda/"

    # The enterprise asks the university for a meeting.
    enterprise = sign_in(browser, base, "outsider", event.get_absolute_url())
    enterprise.locator("#my-agenda").click()
    enterprise.locator("#id_invitee").select_option(str(p_univ.pk))
    enterprise.locator("#id_priority").select_option("3")
    enterprise.locator("#id_message").fill("想了解正极材料中试线的合作方式")
    enterprise.locator("#send-request").click()
    expect(enterprise.locator("#sent")).to_contain_text(re.compile("待答复|Awaiting"))

    # The university accepts.
    university = sign_in(browser, base, "owner", agenda)
    expect(university.locator("#received")).to_contain_text("想了解正极材料中试线的合作方式")
    university.locator("#received button[value=accept]").click()
    expect(university.locator("#awaiting-schedule")).to_be_visible()

    # The organiser schedules; both see their slot and table, and each other's contact.
    organiser = sign_in(browser, base, "bureau", f"/events/{event.pk}/manage/")
    organiser.locator("#run-schedule").click()
    expect(organiser.locator("#placement")).to_contain_text(re.compile("1"))
    expect(organiser.locator("#grid")).to_contain_text(p_enterprise.organization.name)
    meeting = MeetingRequest.objects.get()
    assert meeting.confirmed and meeting.slot is not None
    for page, other in ((enterprise, owner), (university, outsider)):
        page.goto(base + agenda)
        row = page.locator(f"#meeting-{meeting.pk}")
        expect(row.locator(".table-no")).to_contain_text(str(meeting.table + 1))
        expect(row).to_contain_text(other.email)

    # Check-in by the typed codes; a second check-in is refused with the time of the first.
    for code in (p_univ.code, p_enterprise.code):
        organiser.locator("#id_code").fill(code)
        organiser.locator("#checkin-button").click()
    organiser.locator("#id_code").fill(p_univ.code)
    organiser.locator("#checkin-button").click()
    expect(organiser.locator("#checkin")).to_contain_text(re.compile("已于|already checked in"))
    screenshot(organiser, "e2e-event-manage.png")

    # The enterprise records "open a negotiation": the expression of interest exists and its room opens.
    enterprise.goto(base + agenda)
    expect(enterprise.locator("#checked-in")).to_be_visible()
    form = enterprise.locator(f"#meeting-{meeting.pk} form.outcome-form")
    form.locator("select[name=outcome]").select_option("negotiation")
    form.locator("input[name=note]").fill("两周内提交中试线方案")
    form.locator("button").click()
    expect(enterprise.locator(f"#deal-{meeting.pk}")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.deal.achievement_id == achievement.pk
    screenshot(enterprise, "e2e-event-agenda.png")
    enterprise.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(enterprise) == 0
    screenshot(enterprise, "e2e-event-agenda-phone.png")
    enterprise.set_viewport_size({"width": 1280, "height": 900})
    enterprise.locator(f"#deal-{meeting.pk}").click()
    expect(enterprise.locator("body")).to_contain_text(achievement.title)
    expect(enterprise.locator("body")).to_contain_text("两周内提交中试线方案")
