"""Writes for action plans: creating a plan from data (the shipped fixture, the form, an Excel sheet)
and reporting indicator values. A plan is created whole or not at all; every bad row is reported."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import User
from keqiao.accounts.selectors import user_is_bureau
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.registries.selectors import parse_query, query_keys

from .models import ActionPlan, Department, Indicator, IndicatorReport, Task, TaskAssignment
from .naming import clean_task_name
from .selectors import user_departments

QUERY_KEYS = ("transaction_amount", "transformation_projects", "carriers", "service_agencies")


def all_query_keys() -> list[str]:
    """The named platform statistics: contracts and organisations, then the registries' queries (which
    also accept `qualification:<kind>` and `platform:<kind or any>[:<lowest level>]`)."""
    return [*QUERY_KEYS, *query_keys()]


class RowErrors(ValidationError):
    """Errors found while reading a plan, one message per bad row: (sheet, row number, message)."""

    def __init__(self, rows: list[tuple[str, int, str]]):
        self.rows = rows
        super().__init__([f"{sheet} {_('row')} {row}: {message}" for sheet, row, message in rows])


def _decimal(value, *, field: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ValueError(
            str(_("%(field)s is not a number: “%(value)s”") % {"field": field, "value": value})
        ) from exc
    if not number.is_finite() or number < 0:
        raise ValueError(str(_("%(field)s must be a number of at least 0.") % {"field": field}))
    if number >= Decimal("1e14"):
        raise ValueError(str(_("%(field)s is implausibly large.") % {"field": field}))
    return number.quantize(Decimal("0.01"))


def _date(value, *, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(
            str(_("%(field)s is not a date (YYYY-MM-DD): “%(value)s”") % {"field": field, "value": value})
        ) from exc


def split_departments(value) -> list[str]:
    if isinstance(value, list | tuple):
        names = [str(v).strip() for v in value]
    else:
        names = [n.strip() for n in re.split(r"[、,，;；\n]+", str(value or ""))]
    return [n for n in names if n]


def validate_plan(data: dict, *, sheets: tuple[str, str, str] | None = None) -> dict:
    """Check a whole plan; return it cleaned, or raise RowErrors listing every bad row.

    `sheets` names the parts in the messages (the workbook's sheet names for an import); a row's number
    is its `_row` when the reader gives one (the spreadsheet row), else its position.
    """
    errors: list[tuple[str, int, str]] = []
    head, indicator_sheet, task_sheet = sheets or (str(_("Plan")), str(_("Indicators")), str(_("Tasks")))
    cleaned: dict = {"indicators": [], "tasks": []}
    for key, label in (("title", _("title")), ("issuing_body", _("issuing body"))):
        value = str(data.get(key) or "").strip()
        if not value:
            errors.append((head, 1, str(_("%(field)s is missing.") % {"field": label})))
        cleaned[key] = value[:200]
    cleaned["document_number"] = str(data.get("document_number") or "").strip()[:60]
    try:
        cleaned["starts_on"] = _date(data.get("starts_on"), field=_("period from"))
        cleaned["ends_on"] = _date(data.get("ends_on"), field=_("period to"))
        if cleaned["ends_on"] <= cleaned["starts_on"]:
            errors.append((head, 1, str(_("The plan must end after it starts."))))
    except ValueError as exc:
        errors.append((head, 1, str(exc)))
    departments = {d.name: d for d in Department.objects.all()}
    sheet = indicator_sheet
    seen = set()
    for i, row in enumerate(data.get("indicators") or [], start=2):
        i = row.get("_row", i)
        try:
            number = int(row.get("number") or i - 1)
            if number in seen:
                raise ValueError(str(_("Number %(n)d appears twice.") % {"n": number}))
            seen.add(number)
            name = str(row.get("name") or "").strip()
            if not name:
                raise ValueError(str(_("The indicator has no name.")))
            unit = str(row.get("unit") or "").strip()
            if not unit:
                raise ValueError(str(_("The unit is missing.")))
            target = _decimal(row.get("target"), field=_("target"))
            deadline = _date(row.get("deadline"), field=_("deadline"))
            source = str(row.get("source") or "").strip()
            source = {"平台统计": "query", "部门填报": "reported"}.get(source, source)
            query, department = str(row.get("query") or "").strip(), None
            if source == "query":
                if query not in QUERY_KEYS and parse_query(query) is None:
                    raise ValueError(
                        str(
                            _("Unknown platform statistic “%(q)s”; known: %(keys)s.")
                            % {"q": query, "keys": ", ".join(all_query_keys())}
                        )
                    )
            elif source == "reported":
                dep_name = str(row.get("department") or "").strip()
                department = departments.get(dep_name)
                if department is None:
                    raise ValueError(str(_("Unknown department “%(name)s”.") % {"name": dep_name}))
                query = ""
            else:
                raise ValueError(
                    str(_("The data source must be “Platform statistic” or “Reported by a department”."))
                )
            cumulative = row.get("cumulative", True)
            if isinstance(cumulative, str):
                cumulative = cumulative.strip() not in ("年度", "annual", "false", "0", "否")
            cleaned["indicators"].append(
                {
                    "number": number,
                    "name": name[:200],
                    "target_value": target,
                    "unit": unit[:20],
                    "deadline": deadline,
                    "source": source,
                    "query": query,
                    "department": department,
                    "cumulative": bool(cumulative),
                }
            )
        except ValueError as exc:
            errors.append((sheet, i, str(exc)))
    sheet = task_sheet
    seen = set()
    area = ""
    for i, row in enumerate(data.get("tasks") or [], start=2):
        i = row.get("_row", i)
        try:
            number = int(row.get("number") or i - 1)
            if number in seen:
                raise ValueError(str(_("Number %(n)d appears twice.") % {"n": number}))
            seen.add(number)
            area = str(row.get("work_area") or "").strip() or area
            content = str(row.get("content") or "").strip()
            if not content:
                raise ValueError(str(_("The task has no content.")))
            names = split_departments(row.get("departments"))
            if not names:
                raise ValueError(str(_("No responsible department (the lead department comes first).")))
            unknown = [n for n in names if n not in departments]
            if unknown:
                raise ValueError(str(_("Unknown department: %(names)s.") % {"names": "、".join(unknown)}))
            if len(set(names)) != len(names):
                raise ValueError(str(_("A department is listed twice.")))
            cleaned["tasks"].append(
                {
                    "number": number,
                    "work_area": area[:200],
                    "title": clean_task_name(str(row.get("title") or ""))[:200],
                    "content": content[:4000],
                    "schedule": str(row.get("schedule") or "").strip()[:100] or "持续推进",
                    "departments": [departments[n] for n in names],
                }
            )
        except ValueError as exc:
            errors.append((sheet, i, str(exc)))
    if not cleaned["indicators"] and not errors:
        errors.append((indicator_sheet, 1, str(_("A plan needs at least one indicator."))))
    if errors:
        raise RowErrors(errors)
    return cleaned


@transaction.atomic
def plan_create(*, data: dict, by: User | None, sheets: tuple[str, str, str] | None = None) -> ActionPlan:
    """Create a whole plan (indicators, tasks, responsible departments) or nothing."""
    if by is not None and not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau can create action plans."))
    cleaned = validate_plan(data, sheets=sheets)
    plan = ActionPlan.objects.create(
        title=cleaned["title"],
        document_number=cleaned["document_number"],
        issuing_body=cleaned["issuing_body"],
        starts_on=cleaned["starts_on"],
        ends_on=cleaned["ends_on"],
        created_by=by,
    )
    Indicator.objects.bulk_create(Indicator(plan=plan, **row) for row in cleaned["indicators"])
    for row in cleaned["tasks"]:
        departments = row.pop("departments")
        task = Task.objects.create(plan=plan, **row)
        TaskAssignment.objects.bulk_create(
            TaskAssignment(task=task, department=d, position=pos) for pos, d in enumerate(departments)
        )
    return plan


@transaction.atomic
def indicator_report(
    *, indicator: Indicator, by: User, year: int, value, evidence: str, region=None
) -> IndicatorReport:
    """A department reports the actual value of its indicator for a year, with its evidence."""
    if indicator.source != Indicator.Source.REPORTED:
        raise DomainError(_("This indicator is computed from platform records; it is not reported."))
    departments = user_departments(by)
    if indicator.department not in departments and not user_is_bureau(by):
        raise NotPermitted(_("Only the reporting department of this indicator can report its value."))
    plan = indicator.plan

    if not (plan.starts_on.year <= int(year) <= min(timezone.localdate().year, indicator.deadline.year + 5)):
        raise DomainError(_("The year is outside the plan's period."), field="year")
    try:
        value = _decimal(value, field=_("value"))
    except ValueError as exc:
        raise DomainError(str(exc), field="value") from exc
    evidence = (evidence or "").strip()
    if len(evidence) < 4:
        raise DomainError(
            _("Say where the figure comes from (document, list, statistics)."), field="evidence"
        )
    return IndicatorReport.objects.create(
        indicator=indicator,
        year=int(year),
        value=value,
        region=region,
        evidence=evidence[:2000],
        reported_by=by,
        # The figure is the indicator's department's, also when the bureau enters it on its behalf;
        # `reported_by` records who entered it.
        department=indicator.department,
    )
