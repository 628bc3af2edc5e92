"""The demo supervision data: created once, linked to the plan's departments, with overdue cells left."""

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.governance.models import Department
from keqiao.portal.demo.supervision import BUREAU_ORG, REPORTS, load_supervision
from keqiao.supervision import selectors
from keqiao.supervision.models import Consolidation, ProgressReport, is_overdue
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_load_supervision_is_idempotent_and_leaves_overdue_cells():
    bureau_org = OrganizationFactory(name=BUREAU_ORG, kind=Organization.Kind.CITY_BUREAU)
    member(bureau_org, Membership.Role.ADMIN, username="bureau")
    counts = load_supervision()
    period = selectors.default_period()
    overdue = is_overdue(period, timezone.localdate())
    assert counts == {
        "supervision_organisations": 2,
        "supervision_linked_departments": 3,
        "supervision_reports": len(REPORTS),
        "supervision_consolidations": 1 if overdue else 0,
    }
    assert Department.objects.get(name="市科技局").organization == bureau_org
    assert Department.objects.get(name="市财政局").organization.name == "眉山市财政局（演示）"
    assert ProgressReport.objects.filter(period=period).count() == len(REPORTS)
    assert load_supervision() == {
        "supervision_organisations": 0,
        "supervision_linked_departments": 0,
        "supervision_reports": 0,
        "supervision_consolidations": 0,
    }
    assert ProgressReport.objects.count() == len(REPORTS) and Consolidation.objects.count() <= 1
    plan = ProgressReport.objects.first().task.plan
    data = selectors.matrix(plan, period)
    assert data["counts"]["reported"] > 0
    assert data["counts"]["overdue" if overdue else "pending"] > 0
