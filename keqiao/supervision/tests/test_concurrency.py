"""Real concurrent transactions on PostgreSQL: two reminder runs at once, a report and the consolidation
of the same period at once, and two first reports of the same department at once."""

import threading

import pytest
from django.db import connection, connections

from keqiao.common.errors import DomainError
from keqiao.notifications.models import Notification
from keqiao.supervision import services
from keqiao.supervision.models import Consolidation, ProgressReport, ReminderClaim, SupervisionEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by scripts/run-tests.sh)")


def _race(*calls):
    """Run each call in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except DomainError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # reported by the assertion below
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_reminder_runs_at_once_remind_each_department_once(sv):
    outcomes = _race(services.remind_overdue, services.remind_overdue)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    total = sum(value["reminded"] for _kind, value in outcomes)
    claims = ReminderClaim.objects.filter(period=sv.overdue_period)
    assert total == claims.count() > 0
    key = f"supervision:overdue:{sv.task.pk}:{sv.co_dept.pk}:{sv.overdue_period}"
    assert Notification.objects.filter(user=sv.co, key=key).count() == 1
    assert SupervisionEvent.objects.filter(action="reminded").count() == total


@pytest.mark.parametrize("round_", range(2))
def test_a_report_and_the_consolidation_at_once_never_leave_an_edit_after_consolidation(sv, round_):
    services.report_save(task=sv.task, by=sv.co, period=sv.overdue_period, text="初报", status="on_track")

    def edit():
        return services.report_save(
            task=sv.task, by=sv.co, period=sv.overdue_period, text="修改后的进展", status="behind"
        )

    def consolidate():
        return services.consolidate(
            task=sv.task,
            by=sv.lead,
            period=sv.overdue_period,
            summary="汇总",
            status="on_track",
            mark_missing=True,
        )

    outcomes = _race(edit, consolidate)
    assert "error" not in [kind for kind, _ in outcomes], outcomes
    assert Consolidation.objects.filter(task=sv.task).count() == 1
    consolidation = Consolidation.objects.get(task=sv.task)
    report = ProgressReport.objects.get(task=sv.task, department=sv.co_dept)
    # the report is never changed after the consolidation was written
    assert report.updated_at <= consolidation.consolidated_at or outcomes[0][0] == "refused"


def test_two_first_reports_at_once_make_one_report(sv):
    def file():
        return services.report_save(
            task=sv.task, by=sv.co, period=sv.overdue_period, text="同时报送", status="on_track"
        )

    outcomes = _race(file, file)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert ProgressReport.objects.filter(task=sv.task, department=sv.co_dept).count() == 1
    assert SupervisionEvent.objects.filter(action="report_filed").count() == 1
