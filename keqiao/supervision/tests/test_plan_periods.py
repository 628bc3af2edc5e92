"""A plan's reporting periods end with the plan; reports after the due date are flagged late in the
matrix, the task page and the API; the matrix opens on the current plan; the pages name the plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from keqiao.common.errors import DomainError
from keqiao.governance.models import ActionPlan
from keqiao.supervision import selectors, services
from keqiao.supervision.models import (
    ProgressReport,
    filed_late,
    period_allowed,
    period_due,
    plan_periods,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _plan(starts, ends, title="计划"):
    return ActionPlan(title=title, starts_on=starts, ends_on=ends)


def test_periods_end_with_the_plan():
    ended = _plan(datetime.date(2017, 6, 5), datetime.date(2020, 12, 31))
    periods = plan_periods(ended, TODAY)
    assert periods[0] == "2020-Q4" and periods[-1] == "2017-Q2" and len(periods) == 15
    assert not period_allowed(ended, "2021-Q1", TODAY) and period_allowed(ended, "2020-Q4", TODAY)
    running = _plan(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31))
    assert plan_periods(running, TODAY)[0] == "2026-Q4"
    assert not period_allowed(running, "2027-Q1", datetime.date(2027, 2, 1))
    assert selectors.plan_default_period(running, TODAY) == "2026-Q3"
    assert selectors.plan_default_period(ended, TODAY) == "2020-Q4"


def test_the_current_plan_is_the_running_one():
    old = _plan(datetime.date(2017, 6, 5), datetime.date(2020, 12, 31), "old")
    current = _plan(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31), "current")
    future = _plan(datetime.date(2027, 1, 1), datetime.date(2029, 12, 31), "future")
    assert selectors.current_plan([future, old, current], TODAY) is current
    assert selectors.current_plan([future, old], TODAY) is old
    assert selectors.current_plan([future], TODAY) is future


def test_no_report_on_an_ended_plan_after_its_end(sv):
    ActionPlan.objects.filter(pk=sv.plan.pk).update(ends_on=datetime.date(2020, 12, 31))
    sv.task.plan.refresh_from_db()
    with pytest.raises(DomainError):
        services.report_save(task=sv.task, by=sv.co, period=sv.overdue_period, text="进展", status="on_track")


def _late(report: ProgressReport) -> ProgressReport:
    late_at = timezone.make_aware(
        datetime.datetime.combine(period_due(report.period) + datetime.timedelta(days=3), datetime.time(10))
    )
    ProgressReport.objects.filter(pk=report.pk).update(filed_at=late_at)
    report.refresh_from_db()
    return report


def test_late_reports_are_flagged_in_matrix_task_page_and_api(client, sv):
    period = sv.overdue_period
    late = _late(
        services.report_save(task=sv.task, by=sv.co, period=period, text="经信委报告", status="on_track")
    )
    on_time = services.report_save(
        task=sv.task, by=sv.lead, period=period, text="财政局报告", status="on_track"
    )
    ProgressReport.objects.filter(pk=on_time.pk).update(
        filed_at=timezone.make_aware(datetime.datetime.combine(period_due(period), datetime.time(9)))
    )
    assert late.is_late and not filed_late(period, on_time.filed_at.replace(year=2000))
    data = selectors.matrix(sv.plan, period)
    cells = {c.department_id: c for row in data["rows"] if row.task.pk == sv.task.pk for c in row.cells}
    assert cells[sv.co_dept.pk].late and not cells[sv.lead_dept.pk].late and data["counts"]["late"] == 1

    client.force_login(sv.bureau)
    page = client.get(reverse("supervision:matrix"), {"plan": sv.plan.pk, "period": period}).content.decode()
    assert f'id="cell-{sv.task.pk}-{sv.co_dept.pk}"' in page and 'data-late="1"' in page
    assert "逾期报送" in page
    page = client.get(reverse("supervision:task", args=[sv.task.pk]), {"period": period}).content.decode()
    assert "逾期报送" in page and sv.plan.title in page
    detail = client.get(f"/api/v1/supervision/tasks/{sv.task.pk}", {"period": period}).json()
    states = {s["department"]["id"]: s["late"] for s in detail["states"]}
    assert states[sv.co_dept.pk] is True and states[sv.lead_dept.pk] is False
    assert {r["department"]["id"]: r["late"] for r in detail["reports"]}[sv.co_dept.pk] is True
    matrix = client.get("/api/v1/supervision/matrix", {"plan": sv.plan.pk, "period": period}).json()
    row = next(r for r in matrix["rows"] if r["task_id"] == sv.task.pk)
    assert any(c["late"] for c in row["cells"])

    # the departments see it on their own task list too: the late one flagged, the one on time not
    client.force_login(sv.co)
    mine = client.get(reverse("supervision:home"), {"period": period}).content.decode()
    row = mine.split(f'id="task-{sv.task.pk}-{sv.co_dept.pk}"')[1].split("</tr>")[0]
    assert 'data-late="1"' in row and "逾期报送" in row
    client.force_login(sv.lead)
    mine = client.get(reverse("supervision:home"), {"period": period}).content.decode()
    row = mine.split(f'id="task-{sv.task.pk}-{sv.lead_dept.pk}"')[1].split("</tr>")[0]
    assert 'data-late="1"' not in row and "逾期报送" not in row


def test_matrix_opens_on_the_current_plan_and_last_due_period(client, sv):
    client.force_login(sv.bureau)
    current = ActionPlan.objects.create(
        title="三年行动计划（测试）",
        starts_on=timezone.localdate().replace(month=1, day=1),
        ends_on=timezone.localdate().replace(month=12, day=31),
    )
    ActionPlan.objects.filter(pk=sv.plan.pk).update(ends_on=datetime.date(2020, 12, 31))
    response = client.get(reverse("supervision:matrix"))
    assert response.context["plan"].pk == current.pk
    assert response.context["period"] == selectors.plan_default_period(current)


def test_report_form_names_the_plan_and_the_message_names_task_and_period(client, sv):
    client.force_login(sv.co)
    url = reverse("supervision:report_edit", args=[sv.task.pk])
    page = client.get(url, {"period": sv.overdue_period}).content.decode()
    assert 'id="report-plan"' in page and sv.plan.title in page
    response = client.post(
        url, {"period": sv.overdue_period, "text": "本季度进展", "status": "on_track"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(sv.overdue_period in m and sv.task.name in m and "市经济和信息化委" in m for m in messages)


def test_an_ended_plan_is_neither_reminded_nor_listed_after_its_end(client, sv):
    ActionPlan.objects.filter(pk=sv.plan.pk).update(ends_on=datetime.date(2020, 12, 31))
    assert not [a for a in services.overdue_assignments(sv.overdue_period) if a.task.plan_id == sv.plan.pk]
    assert [a for a in services.overdue_assignments("2020-Q4") if a.task.plan_id == sv.plan.pk]
    client.force_login(sv.co)
    page = client.get(reverse("supervision:home"), {"period": sv.overdue_period}).content.decode()
    assert f'id="task-{sv.task.pk}-{sv.co_dept.pk}"' not in page
