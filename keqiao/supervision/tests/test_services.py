"""Supervision rules: periods, filing and editing reports, figures, attachments, consolidation, reminders."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.governance.models import TaskAssignment
from keqiao.notifications.models import Notification
from keqiao.supervision import services
from keqiao.supervision.models import (
    Consolidation,
    ProgressReport,
    ReminderClaim,
    SupervisionEvent,
    last_due_period,
    parse_period,
    period_allowed,
    period_due,
    period_of,
    plan_periods,
    shift_period,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TZ = datetime.timezone(datetime.timedelta(hours=8))


def file_report(sv, user=None, period=None, **overrides):
    data = {
        "task": sv.task,
        "by": user or sv.co,
        "period": period or sv.overdue_period,
        "text": "本季度推动两家银行开展科技成果转化贷款业务。",
        "status": "on_track",
        "figures": [{"name": "科技贷款", "value": "1250.50", "unit": "万元"}],
    }
    data.update(overrides)
    return services.report_save(**data)


# --- periods ---------------------------------------------------------------------------------------


def test_quarters_and_their_due_dates():
    assert period_of(datetime.date(2026, 11, 27)) == "2026-Q4"
    assert period_of(datetime.date(2026, 1, 1)) == "2026-Q1"
    assert period_due("2026-Q4") == datetime.date(2027, 1, 10)
    assert period_due("2026-Q1") == datetime.date(2026, 4, 10)
    assert shift_period("2026-Q1", -1) == "2025-Q4"
    assert shift_period("2025-Q4", 1) == "2026-Q1"
    # the report of Q1 is on time on 10 April and overdue from 11 April
    assert last_due_period(datetime.date(2026, 4, 10)) == "2025-Q4"
    assert last_due_period(datetime.date(2026, 4, 11)) == "2026-Q1"
    assert parse_period("2026-Q4") == "2026-Q4"
    for bad in ("2026-Q5", "2026Q4", "Q4-2026", "", None, "2026-Q0"):
        assert parse_period(bad) is None


def test_periods_run_from_the_plan_start_to_its_end_and_never_past_today(sv):
    today = datetime.date(2026, 11, 27)
    running = plan_periods(sv.plan, today)  # the personas' plan runs to the end of next year
    assert running[0] == "2026-Q4" and running[-1] == "2017-Q2"  # the plan started on 2017-06-05
    assert not period_allowed(sv.plan, "2017-Q1", today)  # before the plan
    assert not period_allowed(sv.plan, "2027-Q1", today)  # future
    sv.plan.ends_on = datetime.date(2020, 12, 31)  # as published: the plan ended in 2020
    assert plan_periods(sv.plan, today)[0] == "2020-Q4"
    assert period_allowed(sv.plan, "2020-Q4", today) and not period_allowed(sv.plan, "2024-Q3", today)


def test_reporting_for_a_future_period_or_before_the_plan_is_refused(sv):
    for period in (shift_period(sv.current_period, 1), "2016-Q4", "someday"):
        with pytest.raises(DomainError) as exc:
            file_report(sv, period=period)
        assert exc.value.field == "period"
    assert not ProgressReport.objects.exists()


# --- reports ---------------------------------------------------------------------------------------


def test_a_co_department_files_its_report_with_figures_and_the_lead_is_told(sv):
    report = file_report(sv)
    assert report.department == sv.co_dept and report.period == sv.overdue_period
    figure = report.figures.get()
    assert (figure.name, figure.value, figure.unit) == ("科技贷款", Decimal("1250.50"), "万元")
    event = SupervisionEvent.objects.get(task=sv.task, action="report_filed")
    assert (event.actor, event.department, event.period, event.to_status) == (
        sv.co,
        sv.co_dept,
        sv.overdue_period,
        "on_track",
    )
    told = Notification.objects.filter(user=sv.lead, key=f"supervision:report:{report.pk}")
    assert told.count() == 1
    assert not Notification.objects.filter(user=sv.co).exists()


def test_one_report_per_task_department_and_period_edits_replace_it(sv):
    first = file_report(sv)
    second = file_report(
        sv,
        text="补充：新增一家担保机构。",
        status="at_risk",
        figures=[("科技贷款", "1300", "万元"), ("担保机构", 1)],
    )
    assert first.pk == second.pk and ProgressReport.objects.count() == 1
    second.refresh_from_db()
    assert second.status == "at_risk" and second.updated_by == sv.co
    assert [(f.name, f.value) for f in second.figures.all()] == [
        ("科技贷款", Decimal("1300.00")),
        ("担保机构", Decimal("1.00")),
    ]
    edit = SupervisionEvent.objects.get(action="report_edited")
    assert (edit.from_status, edit.to_status) == ("on_track", "at_risk")
    # another period is another report
    file_report(sv, period=shift_period(sv.overdue_period, -1))
    assert ProgressReport.objects.count() == 2


@pytest.mark.parametrize("who", ["other", "enterprise", "bureau"])
def test_reporting_on_a_task_the_department_is_not_responsible_for_is_refused(sv, who):
    with pytest.raises(NotPermitted):
        file_report(sv, user=getattr(sv, who))
    assert not ProgressReport.objects.exists()


def test_reporting_for_a_department_of_the_user_that_is_not_on_the_task_is_refused(sv):
    with pytest.raises(NotPermitted):
        file_report(sv, department=sv.other_dept)


@pytest.mark.parametrize(
    "figures",
    [
        [{"name": "科技贷款", "value": "一千"}],
        [{"name": "科技贷款", "value": "NaN"}],
        [{"name": "科技贷款", "value": "Infinity"}],
        [{"name": "科技贷款", "value": "1e20"}],
        [{"name": "科技贷款", "value": "1.234"}],
        [{"name": "", "value": "12"}],
        [{"name": "科技贷款", "value": ""}],
        [{"name": "科技贷款", "value": "1"}, {"name": "科技贷款", "value": "2"}],
        [{"name": "指" * 61, "value": "1"}],
        [{"name": f"指标{i}", "value": i} for i in range(6)],
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(sv, figures):
    with pytest.raises(DomainError) as exc:
        file_report(sv, figures=figures)
    assert exc.value.field == "figures"
    assert not ProgressReport.objects.exists()


def test_figures_accept_negative_numbers_thousands_separators_and_skip_empty_rows(sv):
    report = file_report(
        sv,
        figures=[
            {"name": "同比变化", "value": "-3.5", "unit": "%"},
            {"name": "", "value": ""},
            ("贷款", "1,200"),
        ],
    )
    assert [(f.name, f.value) for f in report.figures.all()] == [
        ("同比变化", Decimal("-3.50")),
        ("贷款", Decimal("1200.00")),
    ]


@pytest.mark.parametrize("field,overrides", [("text", {"text": "  。。 "}), ("status", {"status": "fine"})])
def test_empty_text_and_unknown_status_are_refused(sv, field, overrides):
    with pytest.raises(DomainError) as exc:
        file_report(sv, **overrides)
    assert exc.value.field == field


def test_attachments_follow_the_upload_rules(sv):
    report = file_report(sv, files=[SimpleUploadedFile("进展.pdf", PDF)])
    att = report.attachments.get()
    assert (att.original_name, att.content_type) == ("进展.pdf", "application/pdf")
    with pytest.raises(DomainError) as exc:
        file_report(sv, files=[SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")])
    assert exc.value.field == "files"
    with pytest.raises(DomainError):
        file_report(sv, files=[SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(5)])  # 1 + 5 > 5
    report = file_report(sv, remove_attachments=[att.pk])
    assert not report.attachments.exists()
    assert SupervisionEvent.objects.filter(action="attachment_removed", note="进展.pdf").exists()


# --- consolidation ---------------------------------------------------------------------------------


def consolidate(sv, user=None, period=None, **overrides):
    data = {
        "task": sv.task,
        "by": user or sv.lead,
        "period": period or sv.overdue_period,
        "summary": "金融服务体系建设按计划推进，经信委已报送进展。",
        "status": "on_track",
    }
    data.update(overrides)
    return services.consolidate(**data)


@pytest.mark.parametrize("who", ["co", "other", "bureau", "enterprise"])
def test_only_the_lead_department_consolidates(sv, who):
    file_report(sv)
    with pytest.raises(NotPermitted):
        consolidate(sv, user=getattr(sv, who), mark_missing=True)
    assert not Consolidation.objects.exists()


def test_consolidation_waits_for_the_co_departments_or_records_them_missing(sv):
    file_report(sv)
    with pytest.raises(DomainError) as exc:
        consolidate(sv)
    assert exc.value.field == "mark_missing" and "市金融办" in str(exc.value.message)
    consolidation = consolidate(sv, mark_missing=True)
    missing = {d.name for d in consolidation.missing_departments.all()}
    assert missing == {"市金融办", "市发展改革委", "市科技局", "各县(区)政府"}
    assert sv.co_dept.name not in missing
    event = SupervisionEvent.objects.get(action="consolidated")
    assert event.actor == sv.lead and event.to_status == "on_track" and "市金融办" in event.note
    assert Notification.objects.filter(user=sv.co, key__startswith="supervision:consolidated:").count() == 1


def test_consolidation_when_every_co_department_reported(sv):
    from keqiao.testing.factories import OrganizationFactory, member

    for a in TaskAssignment.objects.filter(task=sv.task, position__gt=0).exclude(department=sv.co_dept):
        org = OrganizationFactory(name=f"{a.department.name}（测试）", kind="department")
        a.department.organization = org
        a.department.save()
        file_report(sv, user=member(org))
    file_report(sv)
    consolidation = consolidate(sv, period=sv.overdue_period)
    assert not consolidation.missing_departments.exists()


def test_missing_co_departments_cannot_be_recorded_before_the_due_date(sv):
    file_report(sv, period=sv.current_period)
    with pytest.raises(DomainError) as exc:
        consolidate(sv, period=sv.current_period, mark_missing=True)
    assert exc.value.field == "mark_missing"


def test_editing_after_consolidation_and_consolidating_twice_are_refused(sv):
    file_report(sv)
    consolidate(sv, mark_missing=True)
    with pytest.raises(TransitionNotAllowed):
        file_report(sv, text="补报：新增内容。")
    with pytest.raises(TransitionNotAllowed):
        file_report(sv, user=sv.lead)  # the lead department's own report is closed as well
    with pytest.raises(TransitionNotAllowed):
        consolidate(sv, mark_missing=True)
    # other periods stay open
    file_report(sv, period=shift_period(sv.overdue_period, -1))


# --- reminders -------------------------------------------------------------------------------------


def linked_assignments() -> int:
    return TaskAssignment.objects.filter(department__organization__isnull=False).count()


def test_overdue_reminders_are_sent_once_per_task_department_and_period(sv):
    with time_machine.travel(datetime.datetime(2026, 4, 10, 20, 0, tzinfo=TZ), tick=False):
        assert last_due_period(timezone.localdate()) == "2025-Q4"
        file_report(sv, period="2026-Q1")
        file_report(sv, period="2025-Q4")
        first = services.remind_overdue()
    # 2025-Q4: every linked department on every task, except the co-department's report on task 8
    assert first["reminded"] == linked_assignments() - 1
    with time_machine.travel(datetime.datetime(2026, 4, 11, 9, 0, tzinfo=TZ), tick=False):
        second = services.remind_overdue()  # now 2026-Q1 is the last due period
        again = services.remind_overdue()
        assert services.remind_overdue(now=timezone.now() + datetime.timedelta(hours=1))["reminded"] == 0
    assert second["reminded"] == linked_assignments() - 1
    assert again == {"reminded": 0, "notified": 0}
    keys = set(Notification.objects.filter(user=sv.co).values_list("key", flat=True))
    assert f"supervision:overdue:{sv.task.pk}:{sv.co_dept.pk}:2026-Q1" not in keys  # it reported
    lead_keys = Notification.objects.filter(
        user=sv.lead, key=f"supervision:overdue:{sv.task.pk}:{sv.lead_dept.pk}:2026-Q1"
    )
    assert lead_keys.count() == 1
    assert ReminderClaim.objects.filter(period="2026-Q1").count() == second["reminded"]
    assert SupervisionEvent.objects.filter(action="reminded", period="2026-Q1").count() == second["reminded"]


def test_consolidated_tasks_and_unlinked_departments_are_not_reminded(sv):
    with time_machine.travel(datetime.datetime(2026, 7, 20, 9, 0, tzinfo=TZ), tick=False):
        file_report(sv, period="2026-Q2")
        services.consolidate(
            task=sv.task, by=sv.lead, period="2026-Q2", summary="已汇总。", status="behind", mark_missing=True
        )
        counts = services.remind_overdue()
    on_task_8 = ReminderClaim.objects.filter(task=sv.task, period="2026-Q2")
    assert not on_task_8.exists()
    assert (
        counts["reminded"]
        == linked_assignments()
        - TaskAssignment.objects.filter(task=sv.task, department__organization__isnull=False).count()
    )
    assert not ReminderClaim.objects.filter(department__organization__isnull=True).exists()


def test_a_claimed_reminder_is_not_sent_again(sv):
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=TZ), tick=False):
        ReminderClaim.objects.create(task=sv.task, department=sv.co_dept, period="2026-Q3")
        services.remind_overdue()
    assert not Notification.objects.filter(
        user=sv.co, key=f"supervision:overdue:{sv.task.pk}:{sv.co_dept.pk}:2026-Q3"
    ).exists()


def test_management_command(sv):
    out = StringIO()
    call_command("remind_task_reports", stdout=out)
    assert f"reminded={linked_assignments()}" in out.getvalue()
    out = StringIO()
    call_command("remind_task_reports", stdout=out)
    assert "reminded=0" in out.getvalue()
