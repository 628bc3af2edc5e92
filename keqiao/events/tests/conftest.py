"""Event personas: the city `bureau` organises a matchmaking fair; the university `owner` and the
enterprise `outsider` take part and meet; `rival` is a third enterprise."""

import datetime

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.common.models import Region
from keqiao.events import services
from keqiao.testing.factories import OrganizationFactory, member


@pytest.fixture
def rival_org(db):
    return OrganizationFactory(name="青神锂电测试企业", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def rival(rival_org):
    return member(rival_org, Membership.Role.ADMIN, username="rival")


def event_data(**overrides) -> dict:
    start = (timezone.now() + datetime.timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "kind": "fair",
        "title": "锂电产业技术成果对接会",
        "summary": "面向锂电产业链企业和高校院所的一对一技术对接洽谈。",
        "agenda": "09:00 签到\n09:30 成果发布\n10:00 一对一洽谈",
        "audience": "锂电企业、高校院所",
        "focus": "锂电/新能源材料",
        "place": "天府新区眉山片区科创中心",
        "online_url": "",
        "region": Region.objects.get(code="511402").pk,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=8),
        "registration_opens": timezone.now() - datetime.timedelta(days=1),
        "registration_closes": start,
        "capacity": 50,
        "slots": 4,
        "tables": 2,
        "slot_minutes": 20,
        "meetings_start": start + datetime.timedelta(hours=1),
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_event(bureau, bureau_org):
    def make(**overrides):
        return services.event_create(by=bureau, organization=bureau_org, data=event_data(**overrides))

    return make


@pytest.fixture
def fair(make_event, owner, holder_org, outsider, other_org):
    """A fair with the university and the enterprise registered."""
    event = make_event()
    p1 = services.participant_register(event=event, by=owner, organization=holder_org)
    p2 = services.participant_register(event=event, by=outsider, organization=other_org)
    return event, p1, p2


@pytest.fixture
def scheduled(fair, owner, outsider, bureau):
    """The fair with one accepted meeting scheduled."""
    event, p1, p2 = fair
    meeting = services.meeting_request(requester=p1, invitee=p2, by=owner, message="想了解贵司的正极材料需求")
    services.meeting_answer(meeting=meeting, by=outsider, accept=True)
    services.schedule_run(event=event, by=bureau, time_limit=5)
    meeting.refresh_from_db()
    return event, p1, p2, meeting
