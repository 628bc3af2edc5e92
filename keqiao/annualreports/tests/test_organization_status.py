"""Annual reports and funded plan projects follow the state of the institution (see
keqiao/negotiations/tests/test_organization_status.py for the other apps): only a verified institution
files; a suspended, rejected or still pending one may not, yet still reads its report. The supervising
department's review does not depend on the state of the institution under review."""

import datetime

import pytest

from keqiao.accounts.models import Organization
from keqiao.annualreports import services
from keqiao.common.errors import NotPermitted

S = Organization.Status
STATES = [S.VERIFIED, S.PENDING, S.SUSPENDED, S.REJECTED]


def set_status(org: Organization, status: str) -> Organization:
    Organization.objects.filter(pk=org.pk).update(status=status)
    org.refresh_from_db()
    return org


def _project(holder_org, bureau):
    return services.plan_project_create(
        by=bureau,
        data={
            "organization": holder_org,
            "funding": "500000.00",
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2025, 5, 1),
            "report_due_on": datetime.date(2025, 7, 1),
            "registration_required": True,
            "number": "MS-9",
            "title": "资助项目",
        },
    )


CASES = {
    "report_create": lambda c: (
        lambda: services.report_create(
            by=c["owner"], organization=Organization.objects.get(pk=c["holder_org"].pk), year=c["year"]
        )
    ),
    "report_update": lambda c: (
        lambda r: lambda: services.report_update(report=r, by=c["owner"], contact_name="张老师")
    )(c["make_report"]("draft")),
    "report_submit": lambda c: (lambda r: lambda: services.report_submit(report=r, by=c["owner"]))(
        c["make_report"]("draft")
    ),
    "plan_project_mark_report": lambda c: (
        lambda p: (
            lambda: services.plan_project_mark_report(
                project=p, by=c["owner"], submitted_on=datetime.date(2025, 6, 1)
            )
        )
    )(_project(c["holder_org"], c["bureau"])),
}


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("operation", sorted(CASES))
def test_institution_writes_follow_its_state(
    operation, status, owner, holder_org, bureau, make_report, reporting_year, supervisor
):
    ctx = {
        "owner": owner,
        "holder_org": holder_org,
        "bureau": bureau,
        "make_report": make_report,
        "year": reporting_year.year,
    }
    act = CASES[operation](ctx)
    set_status(holder_org, status)
    if status == S.VERIFIED:
        act()
        return
    with pytest.raises(NotPermitted) as exc:
        act()
    assert exc.value.code == f"organization_{status}"


@pytest.mark.parametrize("status", [S.SUSPENDED, S.REJECTED])
def test_review_and_reading_unaffected_by_the_institution_state(
    status, client, make_report, holder_org, owner, supervisor
):
    report = make_report("submitted")
    set_status(holder_org, status)
    assert services.report_approve(report=report, by=supervisor).status == "approved"
    client.force_login(owner)
    assert client.get(report.get_absolute_url()).status_code == 200
