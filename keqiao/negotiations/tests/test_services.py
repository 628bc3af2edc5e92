"""Deal and contract services: each rule, each allowed and refused transition."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.contracts import services as contract_services
from keqiao.negotiations import choices, services
from keqiao.negotiations.models import Deal, DealEvent
from keqiao.notifications.models import Notification

from .conftest import contract_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here; the zh_Hans catalogue is checked by compile_translations."""
    from django.utils import translation

    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- interest ---------------------------------------------------------------------------------------


def test_interest_creates_deal_event_and_notifies_the_publisher(
    make_deal, make_achievement, owner, outsider, django_capture_on_commit_callbacks
):
    a = make_achievement("published")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deal = make_deal("interest", achievement=a)
    assert deal.status == "interest"
    assert deal.seller.pk == deal.counterpart_id and deal.buyer.pk == deal.initiator_id
    assert list(deal.events.values_list("action", flat=True)) == ["interest"]
    n = Notification.objects.get(user=owner, verb="deal")
    assert deal.listing.title in n.title
    assert not Notification.objects.filter(user=outsider).exists()
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_interest_refused_twice_while_open_but_allowed_after_close(
    make_deal, make_achievement, outsider, other_org, owner
):
    a = make_achievement("published")
    deal = make_deal("interest", achievement=a)
    with pytest.raises(DomainError, match="already has an open"):
        services.deal_express_interest(
            by=outsider, organization=other_org, listing=a, mode="transfer", message="再次"
        )
    services.deal_decline(deal=deal, by=owner, reason="暂不合作")
    again = services.deal_express_interest(
        by=outsider, organization=other_org, listing=a, mode="transfer", message="再次"
    )
    assert again.pk != deal.pk


@pytest.mark.parametrize(
    "message,error",
    [("", "what interests you"), ("！！！……", "what interests you"), ("字" * 2001, "At most 2000")],
)
def test_interest_refuses_empty_punctuation_and_oversize_messages(
    make_achievement, outsider, other_org, message, error
):
    with pytest.raises(DomainError, match=error):
        services.deal_express_interest(
            by=outsider,
            organization=other_org,
            listing=make_achievement("published"),
            mode="transfer",
            message=message,
        )
    assert not Deal.objects.exists()


def test_interest_refused_on_unpublished_own_or_unverified(
    make_achievement, outsider, other_org, owner, holder_org
):
    with pytest.raises(DomainError, match="published"):
        services.deal_express_interest(
            by=outsider,
            organization=other_org,
            listing=make_achievement("approved"),
            mode="transfer",
            message="想合作",
        )
    a = make_achievement("published")
    with pytest.raises(DomainError, match="own organisation"):
        services.deal_express_interest(
            by=owner, organization=holder_org, listing=a, mode="transfer", message="想合作"
        )
    with pytest.raises(NotPermitted):
        services.deal_express_interest(
            by=owner, organization=other_org, listing=a, mode="transfer", message="想合作"
        )
    other_org.status = "pending"
    other_org.save()
    with pytest.raises(DomainError, match="verified"):
        services.deal_express_interest(
            by=outsider, organization=other_org, listing=a, mode="transfer", message="想合作"
        )
    with pytest.raises(DomainError):
        services.deal_express_interest(
            by=outsider, organization=other_org, listing=a, mode="barter", message="想合作"
        )


def test_interest_in_a_demand_makes_the_initiator_the_seller(make_demand, owner, holder_org):
    d = make_demand("published")
    deal = services.deal_express_interest(
        by=owner, organization=holder_org, listing=d, mode="consulting", message="我们可以解决"
    )
    assert deal.demand_id == d.pk and deal.seller == holder_org and deal.buyer == d.organization


def test_only_the_publisher_accepts_or_declines(make_deal, outsider, colleague, stranger):
    deal = make_deal("interest")
    for user in (outsider, stranger):
        with pytest.raises(NotPermitted):
            services.deal_accept(deal=deal, by=user)
    with pytest.raises(DomainError, match="reason"):
        services.deal_decline(deal=deal, by=colleague, reason="  ")
    deal = services.deal_decline(deal=deal, by=colleague, reason="不符合方向")
    assert deal.status == "declined" and deal.status_note == "不符合方向"


# --- the transition table ----------------------------------------------------------------------------

ALL_ACTIONS = [
    "accept",
    "decline",
    "withdraw",
    "negotiate",
    "agree",
    "register",
    "perform",
    "complete",
    "terminate",
    "expire",
]


@pytest.mark.parametrize("status", choices.DealStatus.values)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_transition_table_allows_only_listed_pairs(status, action):
    from keqiao.common.listing import check_transition

    deal = Deal(status=status)
    allowed = action in choices.DEAL_TRANSITIONS.get(status, {})
    if allowed:
        assert (
            check_transition(deal, action, choices.DEAL_TRANSITIONS)[1]
            == choices.DEAL_TRANSITIONS[status][action]
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            check_transition(deal, action, choices.DEAL_TRANSITIONS)


def test_refused_transitions_through_services(make_deal, owner, outsider):
    deal = make_deal("declined")
    with pytest.raises(TransitionNotAllowed):
        services.deal_accept(deal=deal, by=owner)
    with pytest.raises(TransitionNotAllowed):
        services.deal_withdraw(deal=deal, by=outsider)
    with pytest.raises(TransitionNotAllowed):
        services.deal_terminate(deal=deal, by=owner, reason="结束")
    with pytest.raises(TransitionNotAllowed):
        services.deal_complete(deal=deal, by=owner)
    assert Deal.objects.get(pk=deal.pk).status == "declined"


def test_every_transition_writes_an_event_with_from_and_to(make_deal):
    deal = make_deal("agreed")
    rows = list(deal.events.exclude(from_status="").values_list("action", "from_status", "to_status"))
    assert ("accept", "interest", "accepted") in rows
    assert ("negotiate", "accepted", "negotiating") in rows
    assert ("agree", "negotiating", "agreed") in rows


# --- the room ------------------------------------------------------------------------------------------


def test_room_is_closed_before_acceptance_and_after_agreement(make_deal, outsider, owner):
    deal = make_deal("interest")
    with pytest.raises(DomainError, match="closed"):
        services.message_post(deal=deal, by=outsider, body="你好")
    agreed = make_deal("agreed")
    with pytest.raises(DomainError, match="closed"):
        services.offer_make(deal=agreed, by=owner, price="1", payment_method="lump_sum", mode="transfer")


def test_first_message_starts_the_negotiation_and_strangers_cannot_write(
    make_deal, outsider, stranger, bureau
):
    deal = make_deal("accepted")
    for user in (stranger, bureau):
        with pytest.raises(NotPermitted):
            services.message_post(deal=deal, by=user, body="你好")
    services.message_post(deal=deal, by=outsider, body="你好")
    deal.refresh_from_db()
    assert deal.status == "negotiating"


def test_message_attachments_follow_the_upload_rules(make_deal, outsider):
    deal = make_deal("accepted")
    ok = SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")
    msg = services.message_post(deal=deal, by=outsider, body="附报价单", files=[ok])
    assert msg.attachments.get().content_type == "application/pdf"
    disguised = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(DomainError, match="virus.pdf"):
        services.message_post(deal=deal, by=outsider, body="再附一个", files=[disguised])
    too_many = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    with pytest.raises(DomainError, match="At most 5"):
        services.message_post(deal=deal, by=outsider, body="很多文件", files=too_many)
    assert deal.messages.count() == 1


def test_replies_are_threaded_within_the_room_only(make_deal, make_achievement, outsider, owner):
    deal = make_deal("accepted")
    first = services.message_post(deal=deal, by=outsider, body="问题一")
    reply = services.message_post(deal=deal, by=owner, body="回答一", reply_to=first.pk)
    assert reply.reply_to_id == first.pk
    other = make_deal("accepted", achievement=make_achievement("published", title="另一项成果"))
    with pytest.raises(DomainError, match="not in this room"):
        services.message_post(deal=other, by=owner, body="串线", reply_to=first.pk)


def test_meetings_need_future_time_and_a_place_and_are_confirmed_by_the_other_side(
    make_deal, outsider, owner
):
    deal = make_deal("accepted")
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(DomainError, match="future"):
        services.meeting_propose(deal=deal, by=outsider, starts_at=past, place="眉山")
    soon = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(DomainError, match="place or an online"):
        services.meeting_propose(deal=deal, by=outsider, starts_at=soon)
    with pytest.raises(DomainError, match="https"):
        services.meeting_propose(deal=deal, by=outsider, starts_at=soon, online_link="javascript:alert(1)")
    meeting = services.meeting_propose(deal=deal, by=outsider, starts_at=soon, place="东坡区科创中心 3 楼")
    with pytest.raises(DomainError, match="other side"):
        services.meeting_respond(meeting=meeting, by=outsider, confirm=True)
    meeting = services.meeting_respond(meeting=meeting, by=owner, confirm=True)
    assert meeting.status == "confirmed"
    with pytest.raises(DomainError, match="already been answered"):
        services.meeting_respond(meeting=meeting, by=owner, confirm=False)


@pytest.mark.parametrize(
    "price,error",
    [
        ("-1", "negative"),
        ("abc", "number of yuan"),
        ("1.005", "2 decimals"),
        ("99999999999", "implausibly"),
        ("NaN", "number"),
    ],
)
def test_offers_refuse_bad_amounts(make_deal, owner, price, error):
    deal = make_deal("accepted")
    with pytest.raises(DomainError, match=error):
        services.offer_make(deal=deal, by=owner, price=price, payment_method="lump_sum", mode="transfer")


def test_counter_offer_supersedes_and_only_the_other_side_accepts(make_deal, owner, outsider):
    deal = make_deal("negotiating")
    first = services.offer_make(
        deal=deal, by=owner, price="300000", payment_method="instalments", mode="licence_ordinary"
    )
    with pytest.raises(DomainError, match="other side accepts"):
        services.offer_accept(offer=first, by=owner)
    counter = services.offer_make(
        deal=deal,
        by=outsider,
        price="250000.50",
        payment_method="lump_sum",
        mode="licence_ordinary",
        replaces=first.pk,
        territory="四川省",
        duration_months=36,
    )
    first.refresh_from_db()
    assert first.status == "superseded" and counter.replaces_id == first.pk
    assert counter.price == Decimal("250000.50")
    with pytest.raises(DomainError, match="no longer open"):
        services.offer_accept(offer=first, by=outsider)
    deal = services.offer_accept(offer=counter, by=owner)
    assert deal.status == "agreed" and deal.agreed_offer_id == counter.pk


def test_reject_offer_keeps_negotiating(make_deal, owner, outsider):
    deal = make_deal("negotiating")
    offer = services.offer_make(deal=deal, by=owner, price="1000", payment_method="lump_sum", mode="transfer")
    services.offer_reject(offer=offer, by=outsider)
    deal.refresh_from_db()
    assert deal.status == "negotiating"
    with pytest.raises(DomainError):
        services.offer_reject(offer=offer, by=outsider)


def test_only_brokers_can_be_invited_and_then_write(make_deal, owner, broker, stranger):
    deal = make_deal("accepted")
    with pytest.raises(DomainError, match="brokers"):
        services.broker_invite(deal=deal, by=owner, broker=stranger)
    with pytest.raises(NotPermitted):
        services.broker_invite(deal=deal, by=broker, broker=broker)
    services.broker_invite(deal=deal, by=owner, broker=broker)
    with pytest.raises(DomainError, match="already"):
        services.broker_invite(deal=deal, by=owner, broker=broker)
    services.message_post(deal=deal, by=broker, body="我可以协助评估。")
    with pytest.raises(NotPermitted):
        services.offer_make(deal=deal, by=broker, price="1", payment_method="lump_sum", mode="transfer")
    assert Notification.objects.filter(user=broker, verb="deal").exists()


def test_terminate_needs_a_reason_and_closes_open_offers(make_deal, owner):
    deal = make_deal("offered")
    with pytest.raises(DomainError):
        services.deal_terminate(deal=deal, by=owner, reason="")
    deal = services.deal_terminate(deal=deal, by=owner, reason="价格未谈拢")
    assert deal.status == "terminated"
    assert not deal.offers.filter(status="open").exists()


def test_bureau_reading_is_recorded(make_deal, bureau, owner):
    deal = make_deal("accepted")
    services.bureau_viewed(deal=deal, by=bureau)
    services.bureau_viewed(deal=deal, by=owner)  # a party's reading is not supervision
    assert list(
        DealEvent.objects.filter(deal=deal, action="viewed_by_bureau").values_list("actor", flat=True)
    ) == [bureau.pk]


# --- maintenance -------------------------------------------------------------------------------------


def test_unanswered_interest_expires(make_deal, settings):
    deal = make_deal("interest")
    with time_machine.travel(
        timezone.now() + datetime.timedelta(days=settings.KEQIAO["INTEREST_EXPIRY_DAYS"] + 1)
    ):
        assert services.deals_maintain()["expired_interest"] == 1
        assert services.deals_maintain()["expired_interest"] == 0
    deal.refresh_from_db()
    assert deal.status == "expired"


def test_stalled_room_is_reminded_then_closed_unless_someone_writes(make_deal, outsider, settings):
    conf = settings.KEQIAO
    stalled, revived = make_deal("negotiating"), None
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(days=conf["ROOM_STALL_DAYS"] + 1)):
        assert services.deals_maintain()["reminded"] == 1
        assert services.deals_maintain()["reminded"] == 0  # once
    stalled.refresh_from_db()
    assert stalled.stall_reminded_at is not None and stalled.status == "negotiating"
    later = start + datetime.timedelta(
        days=conf["ROOM_STALL_DAYS"] + conf["ROOM_CLOSE_AFTER_REMINDER_DAYS"] + 2
    )
    with time_machine.travel(later):
        assert services.deals_maintain()["closed"] == 1
    stalled.refresh_from_db()
    assert stalled.status == "expired"
    # activity after the reminder keeps the room open
    revived = make_deal("negotiating", achievement=None)
    with time_machine.travel(start + datetime.timedelta(days=conf["ROOM_STALL_DAYS"] + 1)):
        services.deals_maintain()
        services.message_post(deal=revived, by=outsider, body="我们还在评估")
    with time_machine.travel(later):
        services.deals_maintain()
    revived.refresh_from_db()
    assert revived.status == "negotiating"


# --- contracts ---------------------------------------------------------------------------------------


def test_contract_prefilled_from_agreed_deal(make_deal):
    deal = make_deal("agreed")
    initial = contract_services.contract_initial(deal)
    assert initial["contract_type"] == "licence" and initial["licence_kind"] == "ordinary"
    assert initial["contract_amount"] == Decimal("200000.00")
    assert initial["seller_name"] == deal.counterpart.name and initial["seller_nature"] == "022"
    assert initial["buyer_nature"] == "140" and initial["buyer_region_code"] == "511402"


@pytest.mark.parametrize(
    ("kind", "nature"),
    [
        ("county_bureau", "010"),
        ("city_bureau", "010"),
        ("department", "010"),
        ("institute", "021"),
        ("university", "022"),
        ("enterprise", "140"),
        ("agency", "900"),
    ],
)
def test_party_nature_follows_the_organisation_kind(kind, nature):
    from keqiao.accounts.models import Organization

    assert contract_services.party_nature(Organization(kind=kind)) == nature


def test_county_bureau_buyer_is_prefilled_as_a_government_body(make_deal, other_org):
    # a county bureau buying on behalf of local enterprises is 010 机关, not a private enterprise
    deal = make_deal("agreed")
    other_org.kind = "county_bureau"
    other_org.save(update_fields=["kind"])
    initial = contract_services.contract_initial(Deal.objects.get(pk=deal.pk))
    assert initial["buyer_nature"] == "010" and initial["seller_nature"] == "022"


def test_contract_from_deal_registers_the_deal_and_numbers_are_sequential(
    make_deal, outsider, other_org, bureau, owner
):
    deal = make_deal("agreed")
    data = {
        **contract_services.contract_initial(deal),
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "agriculture",
    }
    c = contract_services.contract_create(by=outsider, organization=other_org, data=data, deal=deal)
    assert c.seller_organization == deal.seller and c.buyer_organization == other_org
    with pytest.raises(DomainError, match="already been filed"):
        contract_services.contract_create(by=owner, organization=deal.counterpart, data=data, deal=deal)
    contract_services.contract_submit(contract=c, by=outsider)
    c = contract_services.contract_approve(contract=c, by=bureau)
    year = timezone.localdate().year
    assert c.registration_number == f"{year}511400000001"
    deal.refresh_from_db()
    assert deal.status == "registered"
    contract_services.payment_record(contract=c, by=owner, received_on=timezone.localdate(), amount="100000")
    deal.refresh_from_db()
    assert deal.status == "performing"
    deal = services.deal_complete(deal=deal, by=outsider)
    assert deal.status == "completed"


def test_contract_refused_before_agreement(make_deal, outsider, other_org):
    deal = make_deal("negotiating")
    with pytest.raises(DomainError, match="agreed"):
        contract_services.contract_create(
            by=outsider, organization=other_org, data=contract_data(), deal=deal
        )


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"technology_amount": Decimal("200000.01")}, "technology_amount"),
        ({"contract_amount": Decimal("-5")}, "contract_amount"),
        ({"contract_amount": Decimal("0")}, "contract_amount"),
        ({"contract_amount": "1e15", "technology_amount": "1"}, "contract_amount"),
        ({"seller_region_code": "5114"}, "seller_region_code"),
        ({"buyer_region_code": "991403"}, "buyer_region_code"),
        ({"ends_on": datetime.date(2000, 1, 1)}, "ends_on"),
        ({"signed_on": timezone.localdate() + datetime.timedelta(days=30)}, "signed_on"),
        ({"transfer_object": ""}, "transfer_object"),
        ({"licence_kind": ""}, "licence_kind"),
        ({"buyer_name": "眉山测试大学"}, "buyer_name"),
        ({"contract_type": "barter"}, "contract_type"),
        ({"tech_field": "magic"}, "tech_field"),
    ],
)
def test_contract_bad_input_is_refused_field_by_field(owner, holder_org, overrides, field):
    with pytest.raises(ValidationError) as info:
        contract_services.contract_create(by=owner, organization=holder_org, data=contract_data(**overrides))
    assert field in info.value.message_dict


def test_contract_workflow_and_refusals(make_contract, owner, outsider, bureau, broker):
    c = make_contract("draft")
    with pytest.raises(NotPermitted):
        contract_services.contract_submit(contract=c, by=outsider)
    with pytest.raises(NotPermitted):
        contract_services.contract_approve(contract=c, by=owner)
    with pytest.raises(TransitionNotAllowed):
        contract_services.contract_approve(contract=c, by=bureau)
    c = contract_services.contract_submit(contract=c, by=owner)
    with pytest.raises(DomainError, match="registration office"):
        contract_services.contract_update(contract=c, by=owner, data={"project_name": "改名"})
    with pytest.raises(DomainError):
        contract_services.contract_return(contract=c, by=bureau, comment="")
    c = contract_services.contract_return(contract=c, by=bureau, comment="请核对技术交易额")
    c = contract_services.contract_update(
        contract=c, by=owner, data={"technology_amount": Decimal("150000.00")}
    )
    assert c.events.filter(action="edited").get().changes["technology_amount"] == ["180000.00", "150000.00"]
    contract_services.contract_submit(contract=c, by=owner)
    c = contract_services.contract_approve(contract=c, by=bureau)
    assert c.status == "approved" and c.registered_on == timezone.localdate()
    with pytest.raises(DomainError, match="cannot be edited"):
        contract_services.contract_update(contract=c, by=owner, data={"project_name": "改名"})
    with pytest.raises(TransitionNotAllowed):
        contract_services.contract_submit(contract=c, by=owner)


def test_designated_agency_acts_as_registration_office(make_contract, broker, agency_org):
    c = make_contract("submitted")
    with pytest.raises(NotPermitted):
        contract_services.contract_approve(contract=c, by=broker)
    agency_org.is_contract_office = True
    agency_org.save()
    fresh = type(broker).objects.get(pk=broker.pk)  # a new request: roles are read again
    c = contract_services.contract_approve(contract=c, by=fresh)
    assert c.registration_number


def test_registered_contract_is_corrected_with_a_recorded_reason(make_contract, bureau, owner):
    c = make_contract("approved")
    with pytest.raises(NotPermitted):
        contract_services.contract_correct(
            contract=c, by=owner, data={"technology_amount": "1"}, reason="笔误"
        )
    with pytest.raises(DomainError, match="reason"):
        contract_services.contract_correct(contract=c, by=bureau, data={"technology_amount": "1"}, reason="")
    with pytest.raises(ValidationError):
        contract_services.contract_correct(
            contract=c, by=bureau, data={"technology_amount": "999999"}, reason="笔误"
        )
    with pytest.raises(DomainError, match="changes nothing"):
        contract_services.contract_correct(
            contract=c, by=bureau, data={"project_name": c.project_name}, reason="无"
        )
    c = contract_services.contract_correct(
        contract=c, by=bureau, data={"technology_amount": "170000.00"}, reason="按合同原件更正"
    )
    event = c.events.get(action="correct")
    assert event.note == "按合同原件更正" and event.changes["technology_amount"] == ["180000.00", "170000.00"]
    assert c.technology_amount == Decimal("170000.00") and c.status == "approved"


def test_payments_cannot_exceed_the_contract_amount_or_be_in_the_future(make_contract, owner, outsider):
    c = make_contract("approved")
    today = timezone.localdate()
    with pytest.raises(NotPermitted):
        contract_services.payment_record(contract=c, by=outsider, received_on=today, amount="1")
    contract_services.payment_record(contract=c, by=owner, received_on=today, amount="150000")
    with pytest.raises(DomainError, match="exceed"):
        contract_services.payment_record(contract=c, by=owner, received_on=today, amount="50000.01")
    with pytest.raises(DomainError, match="future"):
        contract_services.payment_record(
            contract=c, by=owner, received_on=today + datetime.timedelta(days=1), amount="1"
        )
    with pytest.raises(DomainError, match="future"):
        contract_services.milestone_record(
            contract=c, by=owner, title="验收", done_on=today + datetime.timedelta(days=1)
        )
    assert contract_services.milestone_record(contract=c, by=owner, title="完成技术交底", done_on=today).pk


def test_performance_needs_a_registered_contract(make_contract, owner):
    c = make_contract("submitted")
    with pytest.raises(DomainError, match="registered"):
        contract_services.payment_record(contract=c, by=owner, received_on=timezone.localdate(), amount="1")


def test_registration_numbers_restart_each_year(make_contract, bureau):
    first = make_contract("submitted")
    with time_machine.travel(
        datetime.datetime(2031, 12, 31, 15, 59, tzinfo=datetime.UTC)
    ):  # 23:59 in Meishan
        a = contract_services.contract_approve(contract=first, by=bureau)
    second = make_contract("submitted", project_name="第二份")
    with time_machine.travel(
        datetime.datetime(2031, 12, 31, 16, 1, tzinfo=datetime.UTC)
    ):  # 00:01 on 1 January
        b = contract_services.contract_approve(contract=second, by=bureau)
    assert a.registered_on == datetime.date(2031, 12, 31) and a.registration_number == "2031511400000001"
    assert b.registered_on == datetime.date(2032, 1, 1) and b.registration_number == "2032511400000001"


def test_withdrawal_tells_the_publisher(make_deal, owner, outsider):
    deal = make_deal("interest")
    services.deal_withdraw(deal=deal, by=outsider)
    assert Notification.objects.filter(user=owner, key=f"deal:{deal.pk}:withdraw").exists()


def test_expired_room_closes_its_open_offers(make_deal, settings):
    conf = settings.KEQIAO
    deal = make_deal("offered")
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(days=conf["ROOM_STALL_DAYS"] + 1)):
        services.deals_maintain()
    with time_machine.travel(
        start + datetime.timedelta(days=conf["ROOM_STALL_DAYS"] + conf["ROOM_CLOSE_AFTER_REMINDER_DAYS"] + 2)
    ):
        services.deals_maintain()
    deal.refresh_from_db()
    assert deal.status == "expired" and not deal.offers.filter(status="open").exists()


def test_contract_of_a_terminated_deal_cannot_be_submitted(make_deal, outsider, other_org, owner):
    deal = make_deal("agreed")
    data = {
        **contract_services.contract_initial(deal),
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "agriculture",
    }
    contract = contract_services.contract_create(by=outsider, organization=other_org, data=data, deal=deal)
    services.deal_terminate(deal=deal, by=owner, reason="对方未按期签约")
    with pytest.raises(DomainError, match="no longer be registered"):
        contract_services.contract_submit(contract=contract, by=outsider)


def test_registered_deal_is_not_terminated_but_completed(make_deal, outsider, other_org, bureau, owner):
    deal = make_deal("agreed")
    data = {
        **contract_services.contract_initial(deal),
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "agriculture",
    }
    contract = contract_services.contract_create(by=outsider, organization=other_org, data=data, deal=deal)
    contract_services.contract_submit(contract=contract, by=outsider)
    contract_services.contract_approve(contract=contract, by=bureau)
    with pytest.raises(TransitionNotAllowed):
        services.deal_terminate(deal=Deal.objects.get(pk=deal.pk), by=owner, reason="想反悔")


def test_corrections_reach_both_parties(make_deal, outsider, other_org, bureau, owner):
    deal = make_deal("agreed")
    data = {
        **contract_services.contract_initial(deal),
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "agriculture",
    }
    contract = contract_services.contract_create(by=outsider, organization=other_org, data=data, deal=deal)
    contract_services.contract_submit(contract=contract, by=outsider)
    contract = contract_services.contract_approve(contract=contract, by=bureau)
    contract_services.contract_correct(
        contract=contract, by=bureau, data={"technology_amount": "150000"}, reason="更正"
    )
    for user in (owner, outsider):
        assert Notification.objects.filter(
            user=user, title__contains=contract.registration_number, key__contains="correct"
        ).exists()


def test_cached_statistics_follow_every_registration_and_correction(make_contract, bureau):
    from keqiao.contracts import statistics

    year = timezone.localdate().year
    before = statistics.transaction_report(year)["summary"]["technology_amount"]
    assert statistics.transaction_report(year)["summary"]["technology_amount"] == before  # cached
    contract = make_contract("approved")
    after = statistics.transaction_report(year)["summary"]["technology_amount"]
    assert after - before == Decimal("180000.00")
    contract_services.contract_correct(
        contract=contract, by=bureau, data={"technology_amount": "100000.00"}, reason="更正"
    )
    assert statistics.transaction_report(year)["summary"]["technology_amount"] - before == Decimal(
        "100000.00"
    )


def test_registration_office_cannot_register_its_own_contract(agency_org, broker, holder_org):
    agency_org.is_contract_office = True
    agency_org.save()
    office = type(broker).objects.get(pk=broker.pk)
    own = contract_services.contract_create(
        by=office,
        organization=agency_org,
        side="seller",
        data=contract_data(seller_name=agency_org.name, seller_nature="900"),
    )
    contract_services.contract_submit(contract=own, by=office)
    with pytest.raises(NotPermitted, match="party to"):
        contract_services.contract_approve(contract=own, by=office)
    with pytest.raises(NotPermitted):
        contract_services.contract_return(contract=own, by=office, comment="自己退回")


def test_correction_cannot_lower_the_amount_below_payments(make_contract, owner, bureau):
    c = make_contract("approved")
    contract_services.payment_record(contract=c, by=owner, received_on=timezone.localdate(), amount="150000")
    with pytest.raises(DomainError, match="payments already received"):
        contract_services.contract_correct(
            contract=c,
            by=bureau,
            data={"contract_amount": "100000", "technology_amount": "100000"},
            reason="更正",
        )
