"""Only members of a verified organisation act for it. Pending organisations may prepare drafts;
suspended and rejected ones may not write at all, but still read their own records; the bureau's own
actions do not depend on the state of the organisation concerned.

The matrix: every write service where a member acts for an organisation × the four organisation states.
Each case builds its records while the organisation is verified, then changes the state and acts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import organization_may_act, require_active_organization
from keqiao.achievements import services as achievements
from keqiao.achievements.models import Achievement
from keqiao.common.errors import NotPermitted
from keqiao.contracts import services as contracts
from keqiao.demands import services as demands
from keqiao.demands.models import Demand
from keqiao.matching import services as matching
from keqiao.negotiations import services as negotiations
from keqiao.testing.factories import achievement_data, demand_data

from .conftest import contract_data

S = Organization.Status
STATES = [S.VERIFIED, S.PENDING, S.SUSPENDED, S.REJECTED]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def set_status(org: Organization, status: str) -> Organization:
    Organization.objects.filter(pk=org.pk).update(status=status)
    org.refresh_from_db()
    return org


class Ctx:
    """The fixtures a case needs, looked up on demand."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


# Each case: (organisation acting, pending may act, prepare(ctx) -> act()). `prepare` runs while every
# organisation is verified; `act` runs after the acting organisation's state changed.
def _achievement(state):
    return lambda c: c.make_achievement(state)


CASES = {
    "achievement_create": (
        "holder_org",
        True,
        lambda c: (
            lambda: achievements.achievement_create(
                by=c.owner, organization=Organization.objects.get(pk=c.holder_org.pk), data=achievement_data()
            )
        ),
    ),
    "achievement_update": (
        "holder_org",
        True,
        lambda c: (
            lambda a: (
                lambda: achievements.achievement_update(achievement=a, by=c.owner, data={"title": "新标题"})
            )
        )(c.make_achievement("draft")),
    ),
    "attachment_add": (
        "holder_org",
        True,
        lambda c: (
            lambda a: (
                lambda: achievements.attachment_add(
                    achievement=a, by=c.owner, uploaded=SimpleUploadedFile("r.pdf", PDF), kind="other"
                )
            )
        )(c.make_achievement("draft")),
    ),
    "achievement_submit": (
        "holder_org",
        False,
        lambda c: (lambda a: lambda: achievements.achievement_submit(achievement=a, by=c.owner))(
            c.make_achievement("draft")
        ),
    ),
    "achievement_publish": (
        "holder_org",
        False,
        lambda c: (lambda a: lambda: achievements.achievement_publish(achievement=a, by=c.owner))(
            c.make_achievement("approved")
        ),
    ),
    "achievement_withdraw": (
        "holder_org",
        False,
        lambda c: (lambda a: lambda: achievements.achievement_withdraw(achievement=a, by=c.owner))(
            c.make_achievement("published")
        ),
    ),
    "achievement_renew": (
        "holder_org",
        False,
        lambda c: (lambda a: lambda: achievements.achievement_renew(achievement=a, by=c.owner))(
            c.make_achievement("published")
        ),
    ),
    "achievement_revise": (
        "holder_org",
        True,
        lambda c: (lambda a: lambda: achievements.achievement_revise(achievement=a, by=c.owner))(
            c.make_achievement("withdrawn")
        ),
    ),
    "demand_create": (
        "other_org",
        True,
        lambda c: (
            lambda: demands.demand_create(
                by=c.outsider, organization=Organization.objects.get(pk=c.other_org.pk), data=demand_data()
            )
        ),
    ),
    "demand_update": (
        "other_org",
        True,
        lambda c: (
            lambda d: lambda: demands.demand_update(demand=d, by=c.outsider, data={"title": "新的需求标题"})
        )(c.make_demand("draft")),
    ),
    "demand_submit": (
        "other_org",
        False,
        lambda c: (lambda d: lambda: demands.demand_submit(demand=d, by=c.outsider))(c.make_demand("draft")),
    ),
    "demand_close": (
        "other_org",
        False,
        lambda c: (lambda d: lambda: demands.demand_close(demand=d, by=c.outsider))(
            c.make_demand("published")
        ),
    ),
    "demand_renew": (
        "other_org",
        False,
        lambda c: (lambda d: lambda: demands.demand_renew(demand=d, by=c.outsider))(
            c.make_demand("published")
        ),
    ),
    "demand_revise": (
        "other_org",
        True,
        lambda c: (lambda d: lambda: demands.demand_revise(demand=d, by=c.outsider))(c.make_demand("closed")),
    ),
    "deal_express_interest": (
        "other_org",
        False,
        lambda c: (
            lambda a: (
                lambda: negotiations.deal_express_interest(
                    by=c.outsider,
                    organization=Organization.objects.get(pk=c.other_org.pk),
                    listing=a,
                    mode="licence_ordinary",
                    message="想了解许可条件。",
                )
            )
        )(c.make_achievement("published")),
    ),
    "deal_accept": (
        "holder_org",
        False,
        lambda c: (lambda d: lambda: negotiations.deal_accept(deal=d, by=c.owner))(c.make_deal("interest")),
    ),
    "deal_withdraw": (
        "other_org",
        False,
        lambda c: (lambda d: lambda: negotiations.deal_withdraw(deal=d, by=c.outsider))(
            c.make_deal("interest")
        ),
    ),
    "message_post": (
        "other_org",
        False,
        lambda c: (lambda d: lambda: negotiations.message_post(deal=d, by=c.outsider, body="请报价。"))(
            c.make_deal("accepted")
        ),
    ),
    "meeting_propose": (
        "other_org",
        False,
        lambda c: (
            lambda d: (
                lambda: negotiations.meeting_propose(
                    deal=d, by=c.outsider, starts_at=timezone.now() + datetime.timedelta(days=3), place="眉山"
                )
            )
        )(c.make_deal("accepted")),
    ),
    "offer_make": (
        "holder_org",
        False,
        lambda c: (
            lambda d: (
                lambda: negotiations.offer_make(
                    deal=d, by=c.owner, price="200000.00", payment_method="lump_sum", mode="licence_ordinary"
                )
            )
        )(c.make_deal("negotiating")),
    ),
    "broker_invite": (
        "holder_org",
        False,
        lambda c: (lambda d: lambda: negotiations.broker_invite(deal=d, by=c.owner, broker=c.broker))(
            c.make_deal("accepted")
        ),
    ),
    "contract_create": (
        "holder_org",
        False,
        lambda c: (
            lambda: contracts.contract_create(
                by=c.owner, organization=Organization.objects.get(pk=c.holder_org.pk), data=contract_data()
            )
        ),
    ),
    "contract_update": (
        "holder_org",
        False,
        lambda c: (
            lambda k: (
                lambda: contracts.contract_update(contract=k, by=c.owner, data={"project_name": "新合同名称"})
            )
        )(c.make_contract("draft")),
    ),
    "contract_submit": (
        "holder_org",
        False,
        lambda c: (lambda k: lambda: contracts.contract_submit(contract=k, by=c.owner))(
            c.make_contract("draft")
        ),
    ),
    "payment_record": (
        "holder_org",
        False,
        lambda c: (
            lambda k: (
                lambda: contracts.payment_record(
                    contract=k, by=c.owner, received_on=timezone.localdate(), amount="1000.00"
                )
            )
        )(c.make_contract("approved")),
    ),
    "recommendation_respond": (
        "other_org",
        False,
        lambda c: (
            lambda r: lambda: matching.recommendation_respond(recommendation=r, by=c.outsider, acted=True)
        )(
            matching.recommendation_push(
                broker=c.broker,
                achievement=c.make_achievement("published"),
                demand=c.make_demand("published"),
                direction="demand",
                note="技术对口。",
            )
        ),
    ),
}


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("operation", sorted(CASES))
def test_write_services_follow_the_organisation_state(db, request, operation, status):
    org_fixture, pending_may_act, prepare = CASES[operation]
    ctx = Ctx(request)
    act = prepare(ctx)
    set_status(getattr(ctx, org_fixture), status)
    allowed = status == S.VERIFIED or (status == S.PENDING and pending_may_act)
    if allowed:
        act()
        return
    with pytest.raises(NotPermitted) as exc:
        act()
    assert exc.value.code == f"organization_{status}"


def test_the_guard_itself(holder_org):
    for status, may_draft, may_publish in [
        (S.VERIFIED, True, True),
        (S.PENDING, True, False),
        (S.SUSPENDED, False, False),
        (S.REJECTED, False, False),
    ]:
        holder_org.status = status
        assert organization_may_act(holder_org, allow_pending=True) is may_draft
        assert organization_may_act(holder_org, allow_pending=False) is may_publish
    holder_org.status = S.SUSPENDED
    with pytest.raises(NotPermitted, match="已被暂停"):
        require_active_organization(holder_org, allow_pending=True)


@pytest.mark.parametrize("status", [S.SUSPENDED, S.REJECTED])
def test_the_bureau_still_acts_on_records_of_a_suspended_organisation(
    status, make_achievement, make_demand, holder_org, other_org, bureau
):
    submitted = make_achievement("submitted")
    published = make_achievement("published")
    demand = make_demand("published")
    set_status(holder_org, status)
    set_status(other_org, status)
    assert achievements.achievement_approve(achievement=submitted, by=bureau).status == "approved"
    assert achievements.achievement_withdraw(achievement=published, by=bureau).status == "withdrawn"
    assert demands.demand_close(demand=demand, by=bureau).status == "closed"


def test_api_publish_refused_for_a_suspended_organisation_and_reading_still_works(
    client, make_achievement, holder_org, owner
):
    """The finding of the security review: publishing through the API answered 200."""
    a = make_achievement("approved")
    set_status(holder_org, S.SUSPENDED)
    client.force_login(owner)
    response = client.post(
        f"/api/v1/me/achievements/{a.pk}/publish", data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert "suspended" in response.content.decode()
    assert Achievement.objects.get(pk=a.pk).status == "approved"
    assert client.get(f"/api/v1/me/achievements/{a.pk}").status_code == 200
    assert client.get("/api/v1/me/achievements").status_code == 200


@pytest.mark.parametrize("status", [S.VERIFIED, S.PENDING])
def test_api_lets_verified_and_pending_organisations_save_drafts(client, holder_org, owner, status):
    set_status(holder_org, status)
    client.force_login(owner)
    payload = {
        "title": "API 登记的成果",
        "summary": "通过接口登记",
        "tech_field": "agriculture",
        "keywords": ["接口", "登记"],
        "transfer_modes": ["license"],
    }
    response = client.post("/api/v1/me/achievements", data=payload, content_type="application/json")
    assert response.status_code == 201, response.content


def test_demand_page_action_refused_for_a_rejected_organisation(client, make_demand, other_org, outsider):
    demand = make_demand("published")
    set_status(other_org, S.REJECTED)
    client.force_login(outsider)
    response = client.post(f"/demands/{demand.pk}/close/", {"confirmed": "1"}, follow=True)
    assert Demand.objects.get(pk=demand.pk).status == "published"
    assert "不能发布或修改记录" in response.content.decode()
    assert client.get(f"/demands/{demand.pk}/").status_code == 200


def test_room_message_page_refused_for_a_suspended_party(client, make_deal, other_org, outsider):
    deal = make_deal("accepted")
    set_status(other_org, S.SUSPENDED)
    client.force_login(outsider)
    before = deal.messages.count()
    response = client.post(deal.get_absolute_url(), {"action": "message", "message-body": "还在吗？"})
    assert response.status_code == 400
    assert "不能发布或修改记录" in response.content.decode()
    assert deal.messages.count() == before
    assert client.get(deal.get_absolute_url()).status_code == 200
