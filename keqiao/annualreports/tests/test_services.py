"""Annual report and funded-project services: every transition allowed and refused, validation of the
figures, the pre-fill against hand-computed figures, and idempotent reminders."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from keqiao.annualreports import choices, selectors, services
from keqiao.annualreports.models import AnnualReportReminder
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


# --- transitions ------------------------------------------------------------------------------------


def test_create_prefills_and_records_event(make_report, holder_org, reporting_year):
    report = make_report("draft")
    assert report.status == "draft"
    assert set(report.figures) == {f.key for f in choices.FIGURES}
    assert set(report.prefilled) == set(choices.PREFILLED_KEYS)
    assert list(report.events.values_list("action", flat=True)) == ["created"]


def test_create_refused_twice_for_other_org_and_before_window(
    make_report, owner, holder_org, other_institute, reporting_year, other_org, outsider
):
    make_report("draft")
    with pytest.raises(DomainError, match="already has a report"):
        services.report_create(by=owner, organization=holder_org, year=reporting_year.year)
    with pytest.raises(NotPermitted):
        services.report_create(by=owner, organization=other_institute, year=reporting_year.year)
    with pytest.raises(DomainError, match="Only verified universities"):
        services.report_create(by=outsider, organization=other_org, year=reporting_year.year)
    with pytest.raises(DomainError, match="has not been opened"):
        services.report_create(by=owner, organization=holder_org, year=reporting_year.year - 5)
    services.reporting_year_create(year=reporting_year.year + 1)  # opens 1 January after next
    with pytest.raises(DomainError, match="opens on"):
        services.report_create(
            by=owner,
            organization=holder_org,
            year=reporting_year.year + 1,
            today=datetime.date(reporting_year.year + 1, 6, 1),
        )


def test_returned_twice_then_approved_and_received(
    make_report, owner, supervisor, bureau, django_capture_on_commit_callbacks
):
    report = make_report("draft")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, by=owner)
    assert report.status == "submitted" and report.submitted_at
    assert Notification.objects.filter(user=supervisor, verb="annual_report").count() == 1
    assert [m.to for m in mail.outbox] == [[supervisor.email]]

    for round_ in (1, 2):
        report = services.report_return(report=report, by=supervisor, comment=f"第{round_}次退回：请补充说明")
        assert report.status == "returned"
        assert report.review_comment.startswith(f"第{round_}次")
        services.report_update(report=report, by=owner, figures={"brokers": round_})
        report = services.report_submit(report=report, by=owner)
    assert Notification.objects.filter(user=owner, verb="annual_report").count() == 2
    assert Notification.objects.filter(user=supervisor, verb="annual_report").count() == 3

    report = services.report_approve(report=report, by=supervisor, note="同意")
    assert report.status == "approved" and report.approved_at
    assert Notification.objects.filter(user=bureau, verb="annual_report").count() == 1
    report = services.report_receive(report=report, by=bureau)
    assert report.status == "received" and report.received_at
    events = list(report.events.values_list("action", "from_status", "to_status"))
    assert events == [
        ("created", "draft", "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("edited", "returned", "returned"),
        ("submit", "returned", "submitted"),
        ("return", "submitted", "returned"),
        ("edited", "returned", "returned"),
        ("submit", "returned", "submitted"),
        ("approve", "submitted", "approved"),
        ("receive", "approved", "received"),
    ]
    assert report.events.get(action="return", note__startswith="第2次").actor == supervisor
    assert Notification.objects.filter(user=owner, verb="annual_report").count() == 4


def test_refused_transitions_and_roles(
    make_report, owner, colleague, supervisor, other_dept, other_member, bureau
):
    report = make_report("draft")
    with pytest.raises(NotPermitted):
        services.report_submit(report=report, by=supervisor)
    with pytest.raises(NotPermitted):
        services.report_submit(report=report, by=other_member)
    with pytest.raises(TransitionNotAllowed):
        services.report_approve(report=report, by=supervisor)
    with pytest.raises(TransitionNotAllowed):
        services.report_return(report=report, by=supervisor, comment="不行")
    report = services.report_submit(report=report, by=colleague)
    with pytest.raises(TransitionNotAllowed):
        services.report_submit(report=report, by=owner)
    with pytest.raises(NotPermitted):
        services.report_approve(report=report, by=owner)
    with pytest.raises(NotPermitted):
        services.report_approve(report=report, by=other_dept)
    with pytest.raises(NotPermitted):
        services.report_return(report=report, by=other_dept, comment="不行")
    with pytest.raises(DomainError, match="must be corrected"):
        services.report_return(report=report, by=supervisor, comment="  ")
    with pytest.raises(TransitionNotAllowed):
        services.report_receive(report=report, by=bureau)
    with pytest.raises(DomainError, match="cannot be changed"):
        services.report_update(report=report, by=owner, figures={"brokers": 3})
    report = services.report_approve(report=report, by=supervisor)
    with pytest.raises(NotPermitted):
        services.report_receive(report=report, by=supervisor)
    with pytest.raises(TransitionNotAllowed):
        services.report_approve(report=report, by=supervisor)
    assert report.events.filter(action="approve").count() == 1


def test_frozen_report_is_reopened_only_with_a_reason_by_department_or_bureau(
    make_report, owner, supervisor, bureau, other_dept
):
    report = make_report("received")
    with pytest.raises(DomainError, match="cannot be changed"):
        services.report_update(report=report, by=owner, figures={"brokers": 3})
    with pytest.raises(DomainError, match="cannot be changed"):
        services.report_project_add(report=report, by=owner, data={})
    with pytest.raises(NotPermitted):
        services.report_reopen(report=report, by=owner, reason="我们要改")
    with pytest.raises(NotPermitted):
        services.report_reopen(report=report, by=other_dept, reason="改")
    with pytest.raises(DomainError, match="reason"):
        services.report_reopen(report=report, by=bureau, reason="")
    report = services.report_reopen(report=report, by=bureau, reason="技术开发合同金额有误")
    assert report.status == "draft" and report.approved_at is None and report.received_at is None
    event = report.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "reopen",
        "received",
        "draft",
        bureau,
    )
    services.report_update(report=report, by=owner, figures={"brokers": 3})
    report = services.report_submit(report=report, by=owner)
    report = services.report_approve(report=report, by=supervisor)
    report = services.report_reopen(report=report, by=supervisor, reason="补充项目清单")
    assert report.status == "draft"
    with pytest.raises(TransitionNotAllowed):
        services.report_reopen(report=report, by=supervisor, reason="再次")


def test_bureau_reviews_when_there_is_no_supervising_department(owner, holder_org, bureau, reporting_year):
    assert holder_org.supervisor_id is None
    report = services.report_create(by=owner, organization=holder_org, year=reporting_year.year)
    report = services.report_submit(report=report, by=owner)
    assert Notification.objects.filter(user=bureau, verb="annual_report").exists()
    report = services.report_approve(report=report, by=bureau)
    assert report.status == "approved"


# --- figures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("brokers", "-1", "cannot be negative"),
        ("brokers", "三个", "whole number"),
        ("brokers", "2.5", "whole number"),
        ("brokers", "99999999", "implausibly large"),
        ("income_total", "-10", "cannot be negative"),
        ("income_total", "12.345", "at most 2 decimals"),
        ("income_total", "abc", "number of yuan"),
        ("income_total", "1e15", "implausibly large"),
        ("income_total", "", "Give the amount"),
    ],
)
def test_bad_figures_are_refused_with_clear_messages(make_report, owner, key, value, message):
    report = make_report("draft")
    with pytest.raises(ValidationError) as info:
        services.report_update(report=report, by=owner, figures={key: value, "fulltime_staff": "4"})
    assert message in " ".join(str(m) for m in info.value.message_dict[key])
    report.refresh_from_db()
    assert report.figures["fulltime_staff"] == 0  # nothing saved


def test_corrected_prefilled_figure_needs_an_explanation(make_report, owner, supervisor):
    report = make_report("draft")
    with pytest.raises(ValidationError) as info:
        services.report_update(report=report, by=owner, figures={"transfer_count": "2"})
    assert "explain why" in str(info.value.message_dict["why_transfer_count"])
    report = services.report_update(
        report=report,
        by=owner,
        figures={"transfer_count": "2", "transfer_amount": "100000.5", "income_total": "1,200.00"},
        explanations={"transfer_count": "两项转让在省平台登记", "transfer_amount": "同上"},
        policy_text="制定了科技成果转化管理办法。",
    )
    assert report.figures["transfer_count"] == 2
    assert report.figures["transfer_amount"] == "100000.50"
    assert report.figures["income_total"] == "1200.00"
    assert report.corrected_keys() == ["transfer_count", "transfer_amount"]
    assert report.explanations == {"transfer_count": "两项转让在省平台登记", "transfer_amount": "同上"}
    edit = report.events.get(action="edited")
    assert edit.changes["transfer_count"] == [0, 2]
    # back to the platform's value: the explanation is dropped
    report = services.report_update(
        report=report, by=owner, figures={"transfer_count": 0, "transfer_amount": "0"}
    )
    assert report.explanations == {}
    assert services.report_submit(report=report, by=owner).status == "submitted"


def test_project_rows(make_report, owner, other_member, year):
    report = make_report("draft")
    with pytest.raises(ValidationError) as info:
        services.report_project_add(
            report=report,
            by=owner,
            data={
                "name": "",
                "project_type": "x",
                "counterpart": "某企业",
                "amount": "-1",
                "date": "2020-01-01",
            },
        )
    assert set(info.value.message_dict) == {"name", "project_type", "amount", "date"}
    p = services.report_project_add(
        report=report,
        by=owner,
        data={
            "name": "竹纤维脱胶技术转让",
            "project_type": "transfer",
            "counterpart": "眉山竹业有限公司",
            "amount": "350000",
            "date": f"{year}-06-30",
        },
    )
    assert p.amount == Decimal("350000.00")
    with pytest.raises(NotPermitted):
        services.report_project_remove(report=report, by=other_member, project_id=p.pk)
    services.report_project_remove(report=report, by=owner, project_id=p.pk)
    assert not report.projects.exists()


# --- pre-fill ---------------------------------------------------------------------------------------


def _registered_contract(owner, holder_org, bureau, registered_on, **overrides):
    from keqiao.contracts import services as contract_services
    from keqiao.contracts.models import Contract
    from keqiao.negotiations.tests.conftest import contract_data

    c = contract_services.contract_create(
        by=owner, organization=holder_org, data=contract_data(**overrides), side="seller"
    )
    c = contract_services.contract_submit(contract=c, by=owner)
    c = contract_services.contract_approve(contract=c, by=bureau)
    Contract.objects.filter(pk=c.pk).update(registered_on=registered_on)
    return c


def test_prefill_against_hand_computed_figures(owner, holder_org, bureau, make_achievement, year):
    from keqiao.achievements.models import Achievement
    from keqiao.contracts import services as contract_services
    from keqiao.negotiations.tests.conftest import contract_data

    dec31, jan1 = datetime.date(year, 12, 31), datetime.date(year + 1, 1, 1)
    # counted: a licence on 31 December, two transfers, a commissioned and a cooperative development,
    # a consulting and a service contract
    _registered_contract(
        owner,
        holder_org,
        bureau,
        dec31,
        contract_amount=Decimal("200000.00"),
        technology_amount=Decimal("180000.00"),
    )
    _registered_contract(
        owner,
        holder_org,
        bureau,
        datetime.date(year, 3, 5),
        contract_type="transfer",
        licence_kind="",
        contract_amount=Decimal("500000.00"),
        technology_amount=Decimal("450000.00"),
    )
    _registered_contract(
        owner,
        holder_org,
        bureau,
        datetime.date(year, 1, 1),
        contract_type="transfer",
        licence_kind="",
        contract_amount=Decimal("100000.10"),
        technology_amount=Decimal("100000.10"),
    )
    for ctype, amount, tech in (
        ("dev_commissioned", "300000.00", "250000.00"),
        ("dev_cooperative", "120000.00", "100000.00"),
        ("consulting", "20000.00", "20000.00"),
        ("service", "45000.50", "40000.25"),
    ):
        _registered_contract(
            owner,
            holder_org,
            bureau,
            datetime.date(year, 7, 1),
            contract_type=ctype,
            transfer_object="",
            licence_kind="",
            contract_amount=Decimal(amount),
            technology_amount=Decimal(tech),
        )
    # not counted: registered 1 January of the next year, the year before, a draft, a buyer-side contract
    _registered_contract(
        owner,
        holder_org,
        bureau,
        jan1,
        contract_amount=Decimal("999999.00"),
        technology_amount=Decimal("999999.00"),
    )
    _registered_contract(
        owner,
        holder_org,
        bureau,
        datetime.date(year - 1, 12, 31),
        contract_amount=Decimal("888888.00"),
        technology_amount=Decimal("888888.00"),
    )
    contract_services.contract_create(by=owner, organization=holder_org, data=contract_data(), side="seller")
    buyer = contract_services.contract_create(
        by=owner, organization=holder_org, data=contract_data(), side="buyer"
    )
    buyer = contract_services.contract_submit(contract=buyer, by=owner)
    contract_services.contract_approve(contract=buyer, by=bureau)

    # achievements approved in the year (in the city's time zone): 31 December 23:30 counts,
    # 1 January 00:30 of the next year does not (although it is still 31 December in UTC)
    a1 = make_achievement("approved", source="national")
    a2 = make_achievement("published", kind="2", source="city")
    a3 = make_achievement("approved")
    a4 = make_achievement("approved", kind="3")
    make_achievement("submitted")
    Achievement.objects.filter(pk=a1.pk).update(approved_at=at(year, 12, 31, 23, 30))
    Achievement.objects.filter(pk=a2.pk).update(approved_at=at(year, 1, 1, 0, 10))
    Achievement.objects.filter(pk=a3.pk).update(approved_at=at(year, 6, 1))
    Achievement.objects.filter(pk=a4.pk).update(approved_at=at(year + 1, 1, 1, 0, 30))

    figures = services.prefill_figures(holder_org, year)
    assert figures["licence_count"] == 1
    assert figures["licence_amount"] == "200000.00"
    assert figures["licence_technology_amount"] == "180000.00"
    assert figures["transfer_count"] == 2
    assert figures["transfer_amount"] == "600000.10"
    assert figures["transfer_technology_amount"] == "550000.10"
    assert figures["development_count"] == 2
    assert figures["development_amount"] == "420000.00"
    assert figures["development_technology_amount"] == "350000.00"
    assert (figures["consulting_count"], figures["consulting_amount"]) == (1, "20000.00")
    assert (figures["service_count"], figures["service_amount"], figures["service_technology_amount"]) == (
        1,
        "45000.50",
        "40000.25",
    )
    assert figures["achievements_total"] == 3
    assert (figures["achievements_applied"], figures["achievements_basic"], figures["achievements_soft"]) == (
        2,
        1,
        0,
    )
    assert figures["achievements_national"] == 1
    assert figures["achievements_city"] == 1
    assert figures["achievements_self_funded"] == 1
    next_year = services.prefill_figures(holder_org, year + 1)
    assert (next_year["licence_count"], next_year["licence_amount"]) == (1, "999999.00")
    assert next_year["achievements_soft"] == 1


# --- reminders --------------------------------------------------------------------------------------


def test_reminders_30_and_7_days_before_are_idempotent(
    make_report, reporting_year, owner, other_member, other_institute, holder_org, year
):
    deadline = reporting_year.deadline  # 31 March
    with time_machine.travel(at(year + 1, 2, 20, 9), tick=False):
        assert services.annual_reports_remind() == 0  # 39 days left
    with time_machine.travel(at(year + 1, 3, 1, 9), tick=False):  # 30 days left
        assert services.annual_reports_remind() == 2
        assert services.annual_reports_remind() == 0
    assert Notification.objects.filter(user=owner, verb="annual_report").count() == 1
    # the university files in between; the institute does not
    with time_machine.travel(at(year + 1, 3, 10, 9), tick=False):
        report = make_report("submitted")
        assert services.annual_reports_remind() == 0
    with time_machine.travel(at(year + 1, 3, 24, 9), tick=False):  # 7 days left
        assert services.annual_reports_remind() == 1
        assert services.annual_reports_remind() == 0
    with time_machine.travel(at(year + 1, 3, 25, 9), tick=False):
        assert services.annual_reports_remind() == 0
    with time_machine.travel(at(year + 1, 4, 2, 9), tick=False):
        assert services.annual_reports_remind() == 0  # past the deadline
    assert set(AnnualReportReminder.objects.values_list("organization_id", "days")) == {
        (holder_org.pk, 30),
        (other_institute.pk, 30),
        (other_institute.pk, 7),
    }
    assert Notification.objects.filter(user=other_member, verb="annual_report").count() == 2
    assert deadline == datetime.date(year + 1, 3, 31) and report.status == "submitted"


def test_remind_command(reporting_year, other_member, year):
    from django.core.management import call_command

    with time_machine.travel(at(year + 1, 3, 28, 9), tick=False):
        call_command("remind_annual_reports")
        call_command("remind_annual_reports")
    assert Notification.objects.filter(user=other_member, verb="annual_report").count() == 1


def test_late_and_overview(make_report, reporting_year, other_institute, supervisor, year):
    report = make_report("approved")
    ov = selectors.overview(reporting_year, today=datetime.date(year + 1, 4, 1))
    rows = {r["organization"].pk: r for r in ov["rows"]}
    assert rows[report.organization_id]["late"] is False
    assert rows[other_institute.pk]["late"] is True
    assert (ov["filed"], ov["late"], ov["counted"]) == (1, 1, 1)
    ov = selectors.overview(reporting_year, today=datetime.date(year + 1, 3, 31))
    assert ov["late"] == 0


# --- funded plan projects ---------------------------------------------------------------------------


def test_plan_project_overdue_rules(holder_org, owner, other_member, bureau, make_achievement):
    today = datetime.date(2026, 6, 1)
    base = {
        "organization": holder_org,
        "funding": "500000.00",
        "starts_on": datetime.date(2024, 1, 1),
        "registration_required": True,
    }
    on_time = services.plan_project_create(
        by=bureau,
        data={
            **base,
            "number": "MS-1",
            "title": "按期",
            "ends_on": datetime.date(2026, 5, 1),
            "report_due_on": datetime.date(2026, 7, 1),
        },
    )
    report_late = services.plan_project_create(
        by=bureau,
        data={
            **base,
            "number": "MS-2",
            "title": "报告逾期",
            "ends_on": datetime.date(2026, 5, 1),
            "report_due_on": datetime.date(2026, 5, 31),
        },
    )
    reg_late = services.plan_project_create(
        by=bureau,
        data={
            **base,
            "number": "MS-3",
            "title": "登记逾期",
            "ends_on": datetime.date(2026, 3, 2),
            "report_due_on": datetime.date(2026, 7, 1),
        },
    )
    reg_in_grace = services.plan_project_create(
        by=bureau,
        data={
            **base,
            "number": "MS-4",
            "title": "宽限期内",
            "ends_on": datetime.date(2026, 3, 3),
            "report_due_on": datetime.date(2026, 7, 1),
        },
    )
    with pytest.raises(NotPermitted):
        services.plan_project_create(
            by=owner, data={**base, "number": "X", "title": "x", "ends_on": today, "report_due_on": today}
        )
    overdue = set(
        selectors.plan_projects_annotated(today)
        .filter(selectors.overdue_q())
        .values_list("number", flat=True)
    )
    assert overdue == {"MS-2", "MS-3"}
    assert on_time.number not in overdue and reg_in_grace.number not in overdue

    with pytest.raises(NotPermitted):
        services.plan_project_mark_report(
            project=report_late, by=other_member, submitted_on=datetime.date(2026, 5, 30)
        )
    with pytest.raises(DomainError, match="future"):
        services.plan_project_mark_report(
            project=report_late, by=owner, submitted_on=datetime.date(2099, 1, 1)
        )
    services.plan_project_mark_report(
        project=report_late, by=owner, submitted_on=datetime.date(2026, 5, 30), today=today
    )

    draft = make_achievement("submitted")
    services.plan_project_link(project=reg_late, by=owner, achievement_ids=[draft.pk])
    overdue = set(
        selectors.plan_projects_annotated(today)
        .filter(selectors.overdue_q())
        .values_list("number", flat=True)
    )
    assert overdue == {"MS-3"}  # a submitted (not yet approved) achievement is not registered
    registered = make_achievement("published")
    services.plan_project_link(project=reg_late, by=owner, achievement_ids=[draft.pk, registered.pk])
    assert not selectors.plan_projects_annotated(today).filter(selectors.overdue_q()).exists()
    assert list(reg_late.events.values_list("action", flat=True)) == ["created", "link", "link"]


def test_plan_project_link_refuses_foreign_achievements(holder_org, owner, bureau, outsider, other_org):
    from keqiao.achievements import services as achievement_services
    from keqiao.testing.factories import achievement_data

    foreign = achievement_services.achievement_create(
        by=outsider, organization=other_org, data=achievement_data()
    )
    project = services.plan_project_create(
        by=bureau,
        data={
            "organization": holder_org,
            "number": "MS-9",
            "title": "测试",
            "funding": "1",
            "starts_on": datetime.date(2025, 1, 1),
            "ends_on": datetime.date(2025, 12, 31),
            "report_due_on": datetime.date(2026, 3, 31),
        },
    )
    with pytest.raises(DomainError, match="own achievements"):
        services.plan_project_link(project=project, by=owner, achievement_ids=[foreign.pk])


def test_the_submit_event_reads_as_an_action_not_as_the_submission_time_column():
    """The history's "Submitted" event and the lists' "Submitted" column are different words in Chinese."""
    from django.utils import translation

    from keqiao.annualreports.choices import REPORT_EVENT_LABELS

    with translation.override("zh-hans"):
        assert str(REPORT_EVENT_LABELS["submit"]) == "已提交"
        assert translation.gettext("Submitted") == "提交时间"
