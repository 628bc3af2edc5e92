"""Supervision personas on task 8 of the shipped Meishan plan (发展技术转移转化金融服务体系): its lead
department is 市财政局, one co-department is 市经济和信息化委; 市人才办 is not responsible for it."""

import types

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.governance.models import ActionPlan, Department
from keqiao.supervision.models import last_due_period, period_of
from keqiao.testing.factories import OrganizationFactory, member


def _department_org(name: str, department: str) -> Organization:
    org = OrganizationFactory(name=name, kind=Organization.Kind.DEPARTMENT)
    Department.objects.filter(name=department).update(organization=org)
    return org


@pytest.fixture
def sv(db, bureau, outsider):
    today = timezone.localdate()
    # The shipped plan ended in 2020; its reporting periods end with it. The personas work on its tasks
    # as if it were still running, so that the current periods can be reported on.
    ActionPlan.objects.filter(document_number="眉府办发〔2017〕36号").update(
        ends_on=today.replace(year=today.year + 1, month=12, day=31)
    )
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    task = plan.tasks.get(number=8)
    lead_org = _department_org("眉山市财政局（测试）", "市财政局")
    co_org = _department_org("眉山市经济和信息化委（测试）", "市经济和信息化委")
    other_org = _department_org("眉山市人才办（测试）", "市人才办")
    return types.SimpleNamespace(
        plan=plan,
        task=task,
        lead_dept=Department.objects.get(name="市财政局"),
        co_dept=Department.objects.get(name="市经济和信息化委"),
        other_dept=Department.objects.get(name="市人才办"),
        lead=member(lead_org, Membership.Role.STAFF, username="caizheng"),
        co=member(co_org, Membership.Role.STAFF, username="jingxin"),
        other=member(other_org, Membership.Role.STAFF, username="rencai"),
        bureau=bureau,
        enterprise=outsider,
        overdue_period=last_due_period(today),
        current_period=period_of(today),
        today=today,
    )


@pytest.fixture
def sv_personas(sv):
    return {
        "lead": sv.lead,
        "co": sv.co,
        "other": sv.other,
        "bureau": sv.bureau,
        "enterprise": sv.enterprise,
        "anonymous": None,
    }
