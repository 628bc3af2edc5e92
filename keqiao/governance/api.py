"""JSON API of action plans: plans with live progress, indicator details, reporting values, creating plans.

Government users only (the bureau, the registration office, verified government organisations); everybody
else gets 404. Numbers are decimal strings.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.selectors import user_sees_statistics

from . import indicators, selectors, services

router = Router(tags=["action plans"], auth=django_auth)


def _viewer(request) -> None:
    if not user_sees_statistics(request.user):
        raise Http404


class PlanOut(Schema):
    id: int
    title: str
    document_number: str
    issuing_body: str
    starts_on: datetime.date
    ends_on: datetime.date


class ProgressOut(Schema):
    id: int
    number: int
    name: str
    unit: str
    target: Decimal
    deadline: datetime.date
    source: str
    query: str
    department: str | None
    cumulative: bool
    year: int
    actual: Decimal | None
    reached_percent: Decimal | None
    elapsed_percent: Decimal
    status: str
    status_label: str
    trend: list[dict]


def _progress(p) -> dict:
    ind = p.indicator
    return {
        "id": ind.pk,
        "number": ind.number,
        "name": ind.name,
        "unit": ind.unit,
        "target": ind.target_value,
        "deadline": ind.deadline,
        "source": ind.source,
        "query": ind.query,
        "department": ind.department.name if ind.department else None,
        "cumulative": ind.cumulative,
        "year": p.year,
        "actual": p.actual,
        "reached_percent": p.reached,
        "elapsed_percent": p.elapsed,
        "status": p.status,
        "status_label": p.status_label,
        "trend": [{"year": y, "value": v} for y, v in p.trend],
    }


class TaskOut(Schema):
    number: int
    work_area: str
    title: str
    content: str
    schedule: str
    departments: list[str]


class PlanDetailOut(PlanOut):
    indicators: list[ProgressOut]
    tasks: list[TaskOut]


@router.get("/plans", response=list[PlanOut], summary="Action plans")
def plan_list(request):
    _viewer(request)
    return list(selectors.plans())


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="A plan with each indicator's live progress")
def plan_detail(request, plan_id: int):
    _viewer(request)
    plan = selectors.plan_or_404(plan_id)
    tasks = selectors.plan_tasks(plan)
    return {
        **{
            f: getattr(plan, f)
            for f in ("id", "title", "document_number", "issuing_body", "starts_on", "ends_on")
        },
        "indicators": [_progress(p) for p in indicators.plan_progress(plan)],
        "tasks": [
            {
                "number": t.number,
                "work_area": t.work_area,
                "title": t.title,
                "content": t.content,
                "schedule": t.schedule,
                "departments": [a.department.name for a in t.assignments.all()],
            }
            for t in tasks
        ],
    }


class IndicatorDetailOut(ProgressOut):
    value_in_year: Decimal | None
    breakdown: list[dict]


@router.get(
    "/indicators/{indicator_id}",
    response=IndicatorDetailOut,
    summary="An indicator's progress, and its value and county/park breakdown in a year",
)
def indicator_detail(request, indicator_id: int, year: int | None = None):
    _viewer(request)
    ind = selectors.indicator_or_404(indicator_id)
    today = timezone.localdate()
    year = year or min(today.year, ind.deadline.year)
    if not (ind.plan.starts_on.year <= year <= today.year):
        year = min(today.year, ind.deadline.year)
    return {
        **_progress(indicators.progress(ind, today)),
        "value_in_year": indicators.value_for_year(ind, year),
        "breakdown": [
            {"region": row["region"].code if row["region"] else None, "value": row["value"]}
            for row in indicators.breakdown(ind, year)
        ],
    }


class ReportIn(Schema):
    year: int
    value: Decimal = Field(..., max_digits=16, decimal_places=2)
    evidence: str = Field(..., max_length=2000)
    region: str | None = Field(None, description="GB/T 2260 code of a county or the code of a park")


@router.post(
    "/indicators/{indicator_id}/reports", response={201: dict}, summary="Report a value (its department)"
)
def indicator_report(request, indicator_id: int, payload: ReportIn):
    _viewer(request)
    ind = selectors.indicator_or_404(indicator_id)
    region = None
    if payload.region:
        region = selectors.reporting_regions().filter(code=payload.region).first()
        if region is None:
            raise Http404
    report = services.indicator_report(
        indicator=ind,
        by=request.user,
        year=payload.year,
        value=payload.value,
        evidence=payload.evidence,
        region=region,
    )
    return Status(201, {"id": report.pk, "year": report.year, "value": str(report.value)})


class PlanIn(Schema):
    title: str
    document_number: str = ""
    issuing_body: str
    starts_on: datetime.date
    ends_on: datetime.date
    indicators: list[dict]
    tasks: list[dict] = []


@router.post(
    "/plans",
    response={201: PlanOut},
    summary="Create a plan (S&T bureau): the whole plan or nothing; every bad row is reported",
)
def plan_create(request, payload: PlanIn):
    _viewer(request)
    return Status(201, services.plan_create(data=payload.dict(), by=request.user))
