"""The demo supervision data: the demo's current plan opens on a realistic mix of filed, late, due and
consolidated reports; loading twice changes nothing."""

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.governance.models import ActionPlan, Department
from keqiao.portal.demo.annualreports import DEPARTMENT_NAME as EDUCATION_ORG
from keqiao.portal.demo.governance import DEMO_TITLE, load_governance
from keqiao.portal.demo.supervision import BUREAU_ORG, REPORTS, load_supervision
from keqiao.supervision import selectors
from keqiao.supervision.models import ProgressReport, is_overdue, shift_period
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_load_supervision_gives_the_current_plan_a_mix_of_states_and_is_idempotent():
    bureau_org = OrganizationFactory(name=BUREAU_ORG, kind=Organization.Kind.CITY_BUREAU)
    member(bureau_org, Membership.Role.ADMIN, username="bureau")
    education = OrganizationFactory(name=EDUCATION_ORG, kind=Organization.Kind.DEPARTMENT)
    member(education, Membership.Role.ADMIN, username="education")
    load_governance()
    counts = load_supervision()
    today = timezone.localdate()
    period = selectors.default_period(today)
    assert is_overdue(period, today)
    assert counts["supervision_organisations"] == 2
    assert Department.objects.get(name="市科技局").organization == bureau_org
    assert Department.objects.get(name="市教体局").organization == education
    assert Department.objects.get(name="市财政局").organization.name == "眉山市财政局（演示）"
    assert ProgressReport.objects.filter(period=period).count() == len(REPORTS)

    plan = selectors.current_plan(selectors.plans(), today)
    assert plan.title == DEMO_TITLE
    assert selectors.plan_default_period(plan, today) == period
    data = selectors.matrix(plan, period, today)
    c = data["counts"]
    assert c["reported"] >= 15 and c["late"] == 3 and c["overdue"] >= 3
    assert c["consolidated"] == 2 and c["marked_missing"] >= 1
    assert c["reported"] + c["consolidated"] > c["overdue"] + c["marked_missing"]
    # the quarter before is closed on every task; the current one has its first reports, not yet due
    assert selectors.matrix(plan, shift_period(period, -1), today)["counts"]["overdue"] == 0
    current = selectors.matrix(plan, shift_period(period, 1), today)["counts"]
    assert current["reported"] == 2 and current["pending"] > 0 and current["overdue"] == 0

    # the plan's texts carry its own years
    texts = " ".join(t.content + t.schedule for t in ActionPlan.objects.get(title=DEMO_TITLE).tasks.all())
    assert "2020" not in texts and "2017" not in texts and "到2026年" in texts

    again = load_supervision()
    assert again == {
        "supervision_organisations": 0,
        "supervision_linked_departments": 0,
        "supervision_reports": 0,
        "supervision_consolidations": 0,
    }
