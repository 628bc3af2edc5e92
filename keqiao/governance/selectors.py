"""Reads for action plans: plans, their indicators and tasks, the regions reported on, and the
departments a user works for."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from keqiao.accounts.selectors import user_organization_ids
from keqiao.common.models import Region

from .models import ActionPlan, Department, Indicator, Task, TaskAssignment


def plans() -> QuerySet[ActionPlan]:
    """Every action plan, newest period first."""
    return ActionPlan.objects.all()


def plan_or_404(pk: int) -> ActionPlan:
    return get_object_or_404(ActionPlan, pk=pk)


def example_plan() -> ActionPlan | None:
    """The earliest plan (the shipped one), the example rows of the import template."""
    return ActionPlan.objects.order_by("starts_on").first()


def plan_tasks(plan: ActionPlan) -> QuerySet[Task]:
    """The plan's tasks with their departments (two queries)."""
    return plan.tasks.prefetch_related(
        Prefetch("assignments", queryset=TaskAssignment.objects.select_related("department"))
    )


def indicator_or_404(pk: int) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("plan", "department"), pk=pk)


def reporting_regions() -> QuerySet[Region]:
    """Where a reported value may be broken down to: counties, districts and parks (not the city)."""
    return Region.objects.exclude(kind=Region.Kind.CITY)


def user_departments(user) -> list[Department]:
    """The departments of the organisations the user belongs to (as objects; the predicate is
    accounts.selectors.user_is_department_member)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Department.objects.filter(organization_id__in=user_organization_ids(user)))
