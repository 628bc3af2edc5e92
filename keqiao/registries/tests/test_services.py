"""Rules of the registries: who proposes and who decides, every refused transition, validation, expiry,
revocation and reminders, and the counts the plan's indicators read."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted, TransitionNotAllowed
from keqiao.notifications.models import Notification
from keqiao.registries import selectors, services
from keqiao.registries.models import Qualification, QualificationEvent

from .conftest import pdf, qualification_data

pytestmark = pytest.mark.django_db
HIGH_TECH = selectors.parse_query("high_tech_enterprises")


def test_propose_defaults_to_the_county_bureau_and_keeps_the_evidence_hash(propose, county_org, county):
    q = propose()
    assert q.status == "proposed"
    assert q.department == county_org
    assert len(q.evidence_sha256) == 64 and q.evidence_name.endswith(".pdf")
    assert QualificationEvent.objects.filter(qualification=q, action="propose").count() == 1
    assert Notification.objects.filter(user=county).exists()
    assert selectors.count_on(HIGH_TECH, timezone.localdate()) == 0  # not yet confirmed


def test_only_members_propose(stranger, ent_org):
    with pytest.raises(NotPermitted):
        services.qualification_propose(
            by=stranger, organization=ent_org, data=qualification_data(), evidence=pdf()
        )


def test_evidence_is_required_and_checked(ent, ent_org):
    with pytest.raises(DomainError) as exc:
        services.qualification_propose(by=ent, organization=ent_org, data=qualification_data())
    assert exc.value.field == "evidence"
    fake = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.qualification_propose(by=ent, organization=ent_org, data=qualification_data(), evidence=fake)
    assert exc.value.field == "evidence"


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        (
            {"valid_until": datetime.date(2024, 1, 1), "valid_from": datetime.date(2024, 6, 1)},
            "valid_until",
            "end after",
        ),
        (
            {"valid_from": datetime.date(2024, 1, 1), "valid_until": datetime.date(2027, 1, 2)},
            "valid_until",
            "at most 3 years",
        ),
        (
            {
                "kind": "tech_sme",
                "valid_from": datetime.date(2025, 1, 1),
                "valid_until": datetime.date(2026, 3, 1),
            },
            "valid_until",
            "one year",
        ),
        ({"number": ""}, "number", "certificate number"),
        ({"issuing_body": "   "}, "issuing_body", "issuing body"),
        ({"kind": "nonsense"}, "kind", "kind"),
        ({"valid_from": "not a date"}, "valid_from", "date"),
    ],
)
def test_validation_names_the_field(ent, ent_org, overrides, field, text):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.qualification_propose(
            by=ent, organization=ent_org, data=qualification_data(**overrides), evidence=pdf()
        )
        assert exc.value.field == field
        assert text in str(exc.value.message)


def test_a_high_tech_certificate_of_exactly_three_years_is_accepted(propose):
    q = propose(valid_from=datetime.date(2024, 12, 1), valid_until=datetime.date(2027, 12, 1))
    assert q.pk


def test_duplicate_number_is_refused_but_a_rejected_one_frees_it(propose, county, stranger, stranger_org):
    q = propose()
    with pytest.raises(AlreadyExists) as exc:
        services.qualification_propose(
            by=stranger, organization=stranger_org, data=qualification_data(), evidence=pdf()
        )
    assert "GR202451000123" in str(exc.value.message)
    services.qualification_decide(qualification=q, by=county, action="reject", note="证书编号与名单不符")
    again = services.qualification_propose(
        by=stranger, organization=stranger_org, data=qualification_data(), evidence=pdf()
    )
    assert again.pk


def test_overlapping_period_of_the_same_kind_is_refused(propose):
    propose()
    with pytest.raises(AlreadyExists):
        propose(number="GR202451000999")


def test_department_confirms_and_it_counts(propose, county):
    q = propose()
    q = services.qualification_decide(qualification=q, by=county, action="confirm")
    assert q.status == "confirmed" and q.confirmed_on == timezone.localdate()
    assert selectors.count_on(HIGH_TECH, timezone.localdate()) == 1
    assert list(selectors.records_on(HIGH_TECH, timezone.localdate())) == [q]
    assert selectors.counts_by_region(HIGH_TECH, timezone.localdate()) == {q.organization.region.code: 1}


def test_the_bureau_also_confirms(propose, bureau):
    q = services.qualification_decide(qualification=propose(), by=bureau, action="confirm")
    assert q.status == "confirmed"


@pytest.mark.parametrize("who", ["ent", "stranger"])
def test_holder_and_strangers_cannot_confirm(propose, who, request):
    q = propose()
    with pytest.raises(NotPermitted):
        services.qualification_decide(qualification=q, by=request.getfixturevalue(who), action="confirm")
    q.refresh_from_db()
    assert q.status == "proposed"


def test_another_county_cannot_confirm(propose):
    from keqiao.accounts.models import Membership, Organization
    from keqiao.testing.factories import OrganizationFactory, member

    other = OrganizationFactory(name="仁寿县科学技术局（测试）", kind=Organization.Kind.COUNTY_BUREAU)
    with pytest.raises(NotPermitted):
        services.qualification_decide(
            qualification=propose(), by=member(other, Membership.Role.STAFF), action="confirm"
        )


def test_reject_and_revoke_need_a_reason(propose, county):
    q = propose()
    with pytest.raises(DomainError) as exc:
        services.qualification_decide(qualification=q, by=county, action="reject", note=" ")
    assert exc.value.field == "note"


def test_revoked_stops_counting_at_once_with_its_reason(propose, county):
    q = services.qualification_decide(qualification=propose(), by=county, action="confirm")
    q = services.qualification_decide(
        qualification=q, by=county, action="revoke", note="复核不合格，取消资格"
    )
    today = timezone.localdate()
    assert q.status == "revoked" and q.ended_on == today
    assert selectors.count_on(HIGH_TECH, today) == 0
    assert selectors.count_on(HIGH_TECH, today - datetime.timedelta(days=1)) == 1  # the past stays
    event = q.events.get(action="revoke")
    assert event.note == "复核不合格，取消资格" and event.from_status == "confirmed"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("proposed", "revoke"),
        ("proposed", "designate"),
        ("confirmed", "confirm"),
        ("confirmed", "reject"),
        ("confirmed", "withdraw"),
    ],
)
def test_refused_transitions(propose, county, bureau, status, action):
    q = propose()
    if status == "confirmed":
        q = services.qualification_decide(qualification=q, by=county, action="confirm")
    with pytest.raises((TransitionNotAllowed, NotPermitted, DomainError)):
        services.qualification_decide(qualification=q, by=bureau, action=action, note="理由")
    q.refresh_from_db()
    assert q.status == status


def test_withdraw_only_by_the_holder(propose, ent, county):
    q = propose()
    with pytest.raises(NotPermitted):
        services.qualification_decide(qualification=q, by=county, action="withdraw")
    assert services.qualification_decide(qualification=q, by=ent, action="withdraw").status == "withdrawn"


def test_demonstration_application_review_then_designation(ent, ent_org, county, bureau):
    today = timezone.localdate()
    q = services.qualification_propose(
        by=ent,
        organization=ent_org,
        data={
            "kind": "demonstration",
            "number": "",
            "issuing_body": "眉山市科学技术局",
            "valid_from": today,
            "valid_until": today.replace(year=today.year + 3),
        },
    )
    with pytest.raises(DomainError):
        services.qualification_decide(qualification=q, by=county, action="confirm")
    q = services.qualification_decide(qualification=q, by=county, action="review", note="材料齐全")
    assert q.status == "reviewed"
    with pytest.raises(NotPermitted):
        services.qualification_decide(qualification=q, by=county, action="designate")
    q = services.qualification_decide(qualification=q, by=bureau, action="designate", number="MSCXY-2026-001")
    assert q.status == "confirmed" and q.number == "MSCXY-2026-001"
    assert selectors.count_on(selectors.parse_query("demonstration_enterprises"), today) == 1


def test_review_is_only_for_demonstration(propose, county):
    with pytest.raises(DomainError):
        services.qualification_decide(qualification=propose(), by=county, action="review")


def test_expiry_stops_counting_on_the_date_and_the_job_records_it(propose, county, ent):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=3 * 365 - 10)
    q = propose(valid_from=start, valid_until=today + datetime.timedelta(days=5))
    q = services.qualification_decide(qualification=q, by=county, action="confirm")
    assert selectors.count_on(HIGH_TECH, q.valid_until) == 1
    assert selectors.count_on(HIGH_TECH, q.valid_until + datetime.timedelta(days=1)) == 0
    assert services.qualifications_expire(today=today) == 0
    later = q.valid_until + datetime.timedelta(days=1)
    assert services.qualifications_expire(today=later) == 1
    assert services.qualifications_expire(today=later) == 0  # once
    q.refresh_from_db()
    assert q.status == "expired" and q.ended_on == later
    assert q.events.filter(action="expire").exists()
    assert Notification.objects.filter(user=ent, key__endswith=":expire").exists()


def test_recertification_reminder_once(propose, county, ent):
    today = timezone.localdate()
    q = propose(
        valid_from=today - datetime.timedelta(days=1000), valid_until=today + datetime.timedelta(days=60)
    )
    services.qualification_decide(qualification=q, by=county, action="confirm")
    assert services.qualifications_remind() == 1
    assert services.qualifications_remind() == 0
    assert Notification.objects.filter(user=ent, key__endswith=":remind").count() == 1


def test_a_far_expiry_is_not_reminded(propose, county):
    services.qualification_decide(qualification=propose(), by=county, action="confirm")
    assert services.qualifications_remind() == 0


def test_counts_distinct_enterprises(propose, county, ent, ent_org):
    q = services.qualification_decide(qualification=propose(), by=county, action="confirm")
    assert selectors.count_on(HIGH_TECH, timezone.localdate()) == 1
    assert q.counts_on(timezone.localdate())


def test_scoping(propose, ent, county, bureau, stranger):
    q = propose()
    assert selectors.qualifications_visible_to(ent).filter(pk=q.pk).exists()
    assert selectors.qualifications_visible_to(county).filter(pk=q.pk).exists()
    assert selectors.qualifications_visible_to(bureau).filter(pk=q.pk).exists()
    assert not selectors.qualifications_visible_to(stranger).filter(pk=q.pk).exists()
    assert selectors.awaiting_decision(county) == {"qualifications": 1, "platforms": 0}


# --- platforms


def test_platform_lifecycle(propose_platform, county, bureau):
    p = propose_platform()
    today = timezone.localdate()
    centres = selectors.parse_query("engineering_research_centres")
    assert selectors.count_on(centres, today) == 0
    p = services.platform_decide(platform=p, by=county, action="confirm")
    assert p.status == "active"
    assert selectors.count_on(centres, today) == 1
    assert selectors.count_on(selectors.parse_query("platform:engineering_centre:provincial"), today) == 0
    assert selectors.count_on(selectors.parse_query("platform:any:city"), today) == 1
    p = services.platform_decide(platform=p, by=bureau, action="evaluate")
    assert p.status == "evaluating" and selectors.count_on(centres, today) == 1
    p = services.platform_decide(platform=p, by=bureau, action="revoke", note="年度评估不合格")
    assert p.status == "revoked" and selectors.count_on(centres, today) == 0
    assert p.events.get(action="revoke").note == "年度评估不合格"


def test_platform_validation(propose_platform, ent, ent_org):
    propose_platform()
    with pytest.raises(AlreadyExists):
        propose_platform()
    with pytest.raises(DomainError) as exc:
        propose_platform(name="另一中心", recognised_on=timezone.localdate() + datetime.timedelta(days=3))
    assert exc.value.field == "recognised_on"
    with pytest.raises(DomainError) as exc:
        propose_platform(name="另一中心", level="galactic")
    assert exc.value.field == "level"


def test_platform_refused_transitions(propose_platform, county, ent):
    p = propose_platform()
    for action in ("evaluate", "pass", "revoke"):
        with pytest.raises(TransitionNotAllowed):
            services.platform_decide(platform=p, by=county, action=action, note="理由")
    with pytest.raises(NotPermitted):
        services.platform_decide(platform=p, by=ent, action="confirm")


def test_parse_query():
    assert selectors.parse_query("qualification:tech_sme").kind == "tech_sme"
    assert selectors.parse_query("platform:key_lab:national").min_level == "national"
    for bad in ("", "qualification:x", "platform:key_lab:cosmic", "transaction_amount", "platform"):
        assert selectors.parse_query(bad) is None


@time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_counts_by_date_with_a_frozen_clock(propose, county):
    q = propose(
        valid_from=datetime.date(2023, 12, 20),
        valid_until=datetime.date(2026, 12, 19),
        number="GR202351000777",
    )
    services.qualification_decide(qualification=q, by=county, action="confirm")
    assert selectors.count_on(HIGH_TECH, datetime.date(2026, 12, 19)) == 1
    assert selectors.count_on(HIGH_TECH, datetime.date(2026, 12, 20)) == 0
    assert Qualification.objects.get(pk=q.pk).counts_on(datetime.date(2026, 12, 3))
