"""The demo data: loads on top of the demo organisations, idempotent, reports in several states."""

import pytest

from keqiao.annualreports.models import AnnualReport, PlanProject
from keqiao.annualreports.selectors import overdue_q, overview, plan_projects_annotated
from keqiao.portal.demo.annualreports import load_annual_reports

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_reports_in_several_states():
    from keqiao.portal.demo.achievements import load

    assert load_annual_reports() == {"skipped": True}  # no demo organisations yet
    load(limit=30)
    counts = load_annual_reports()
    if counts != {"skipped": True}:  # (unless the achievements loader already loaded them)
        assert counts["reports"] == 3 and counts["plan_projects"] == 4
    assert load_annual_reports() == {"skipped": True}
    states = dict(AnnualReport.objects.values_list("organization__memberships__user__username", "status"))
    assert states == {"univ": "received", "agri": "submitted", "materials": "draft"}
    univ = AnnualReport.objects.get(status="received")
    assert univ.organization.supervisor.name == "眉山市教育和体育局（演示）"
    assert univ.corrected_keys() == ["consulting_count"] and univ.explanations["consulting_count"]
    ov = overview(univ.reporting_year)
    assert ov["late"] >= 2 and ov["counted"] == 1
    overdue = set(plan_projects_annotated().filter(overdue_q()).values_list("number", flat=True))
    assert "MSKJ-2023-014" in overdue and "MSKJ-2025-007" not in overdue
    assert PlanProject.objects.count() == 4
    # the history reads in time order (ids and times agree), and the two submissions are days apart
    for report in AnnualReport.objects.all():
        events = list(report.events.order_by("id"))
        times = [e.created_at for e in events]
        assert times == sorted(times) and len(set(times)) == len(times), report
    submits = list(univ.events.filter(action="submit").order_by("created_at"))
    assert len(submits) == 2 and (submits[1].created_at - submits[0].created_at).days >= 1
    assert univ.submitted_at == submits[1].created_at
