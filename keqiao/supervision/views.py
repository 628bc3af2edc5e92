"""Pages of task supervision: my tasks, the task page with its reports and consolidation, the report form,
and the bureau's task × department matrix."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.selectors import user_is_bureau
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.governance.selectors import user_departments

from . import forms, selectors, services
from .models import (
    DUE_AFTER_DAYS,
    ProgressStatus,
    is_overdue,
    last_plan_period,
    parse_period,
    period_due,
    period_of,
    plan_periods,
    shift_period,
)


def _period(request, plan, default: str | None = None) -> str:
    """The period asked for, when it is one of the plan's; else the default (the last ended period)."""
    today = timezone.localdate()
    periods = plan_periods(plan, today)
    asked = parse_period(request.GET.get("period") or request.POST.get("period") or "")
    if asked in periods:
        return asked
    if default in periods:
        return default
    return selectors.plan_default_period(plan, today) or period_of(today)


def _task_url(task, period: str) -> str:
    return f"{reverse('supervision:task', args=[task.pk])}?period={period}"


STATUS_LABELS = dict(ProgressStatus.choices)


def task_label(task) -> str:
    """“3. 培育科技创新型企业” — the task's number and name, as the pages show it."""
    return f"{task.number}. {task.name}"


@login_required
def home(request):
    """My departments' tasks and the state of their reports for a period."""
    departments = user_departments(request.user)
    bureau = user_is_bureau(request.user)
    if not departments:
        if bureau:
            return redirect("supervision:matrix")
        raise Http404
    today = timezone.localdate()
    period = parse_period(request.GET.get("period") or "") or selectors.default_period(today)
    if period > period_of(today):
        period = period_of(today)
    mine = {d.pk: d for d in departments}
    assignments = selectors.assignments_of_departments(mine)
    reports, consolidated = selectors.report_states({a.task_id for a in assignments}, period)
    overdue = is_overdue(period, today)
    rows = []
    for a in assignments:
        if a.task.plan.starts_on > today or not (
            period_of(a.task.plan.starts_on) <= period <= last_plan_period(a.task.plan, today)
        ):
            continue  # the plan had not started, or had ended, by this period
        report_id, status, late = reports.get((a.task_id, a.department_id), (None, "", False))
        state = selectors.cell_state(
            is_lead=a.position == 0,
            report_status=status,
            consolidated=a.task_id in consolidated,
            marked_missing=False,
            overdue=overdue,
        )
        rows.append(
            {
                "assignment": a,
                "state": state,
                "status": consolidated.get(a.task_id, "") if state == selectors.CONSOLIDATED else status,
                "report_id": report_id,
                "late": late,
                "status_label": STATUS_LABELS.get(
                    consolidated.get(a.task_id, "") if state == selectors.CONSOLIDATED else status, ""
                ),
                "consolidated": a.task_id in consolidated,
            }
        )
    periods = [shift_period(period_of(today), -i) for i in range(12)]
    return render(
        request,
        "supervision/home.html",
        {
            "rows": rows,
            "period": period,
            "periods": periods,
            "due": period_due(period),
            "overdue": overdue,
            "departments": departments,
            "is_bureau": bureau,
            "status_labels": STATUS_LABELS,
        },
    )


@login_required
def matrix(request):
    """The bureau's task × department matrix of a plan for a period."""
    if not user_is_bureau(request.user):
        raise Http404
    plans = selectors.plans()
    if not plans:
        raise Http404
    plan_id = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == plan_id), None) or selectors.current_plan(plans)
    period = _period(request, plan)
    data = selectors.matrix(plan, period)
    return render(
        request,
        "supervision/matrix.html",
        {
            "plans": plans,
            "plan": plan,
            "period": period,
            "due": period_due(period),
            "status_labels": STATUS_LABELS,
            **data,
        },
    )


def _task_context(request, access, period: str) -> dict:
    task = access.task
    consolidation = selectors.consolidation_of(task, period)
    today = timezone.localdate()
    reports = selectors.reports_for(access, period)
    own = [r for r in reports if r.department_id in access.department_ids]
    reported_own = {r.department_id for r in own}
    cells = selectors.task_cells(access, period, today)
    if not access.sees_all_reports:
        cells = [c for c in cells if c["department"].pk in access.department_ids]
    return {
        "task": task,
        "access": access,
        "period": period,
        "periods": plan_periods(task.plan, today),
        "due": period_due(period),
        "overdue": is_overdue(period, today),
        "reports": reports,
        "cells": cells,
        "consolidation": consolidation,
        "can_report": [d for d in access.departments if d.pk not in reported_own]
        if consolidation is None
        else [],
        "can_edit": consolidation is None,
        "events": selectors.events_for(access, period),
        "status_labels": STATUS_LABELS,
        "due_after_days": DUE_AFTER_DAYS,
    }


@login_required
def task(request, pk: int):
    access = selectors.task_visible_to(request.user, pk)
    period = _period(request, access.task.plan)
    context = _task_context(request, access, period)
    if access.is_lead and context["consolidation"] is None:
        context["consolidation_form"] = forms.ConsolidationForm()
    return render(request, "supervision/task.html", context)


@login_required
def consolidate(request, pk: int):
    access = selectors.task_visible_to(request.user, pk)
    period = _period(request, access.task.plan)
    if request.method != "POST":
        return redirect(_task_url(access.task, period))
    if not access.is_lead:
        raise Http404
    form = forms.ConsolidationForm(request.POST)
    if form.is_valid():
        try:
            services.consolidate(
                task=access.task,
                by=request.user,
                period=period,
                summary=form.cleaned_data["summary"],
                status=form.cleaned_data["status"],
                mark_missing=form.cleaned_data["mark_missing"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Task %(task)s: %(period)s is consolidated; the co-departments were told.")
                % {"task": task_label(access.task), "period": period},
            )
            return redirect(_task_url(access.task, period))
    context = _task_context(request, access, period)
    context["consolidation_form"] = form
    return render(request, "supervision/task.html", context, status=400)


@login_required
def report_edit(request, pk: int):
    """File or edit my department's report on a task for a period."""
    access = selectors.task_visible_to(request.user, pk)
    if not access.departments:
        raise Http404  # the bureau reads; only responsible departments report
    task = access.task
    period = _period(request, task.plan)
    dept_id = request.GET.get("department") or request.POST.get("department") or ""
    department = next((d for d in access.departments if str(d.pk) == dept_id), None)
    if department is None:
        if len(access.departments) > 1 and dept_id:
            raise Http404
        department = access.departments[0]
    report = selectors.report_of(task, department, period)
    attachments = list(report.attachments.all()) if report else []
    initial = forms.ReportForm.initial_for(report) if report else {}
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, initial=initial, attachments=attachments
    )
    closed = selectors.consolidation_of(task, period) is not None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = services.report_save(
                    task=task,
                    by=request.user,
                    period=period,
                    department=department,
                    text=form.cleaned_data["text"],
                    status=form.cleaned_data["status"],
                    figures=form.figures(),
                    files=form.cleaned_data["files"],
                    remove_attachments=form.cleaned_data.get("remove_attachments") or [],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The %(period)s progress report of %(department)s on task %(task)s was saved.")
                    % {"period": period, "department": department.name, "task": task_label(task)},
                )
                if report.is_late:
                    messages.warning(
                        request,
                        _("It came in after the due date (%(due)s) and is shown as filed late.")
                        % {"due": period_due(period).isoformat()},
                    )
                return redirect(report)
        status = 400
    return render(
        request,
        "supervision/report_form.html",
        {
            "form": form,
            "task": task,
            "period": period,
            "department": department,
            "departments": access.departments,
            "report": report,
            "closed": closed,
            "due": period_due(period),
        },
        status=status,
    )


@login_required
def report(request, pk: int):
    report, access = selectors.report_visible_to(request.user, pk)
    consolidation = selectors.consolidation_of(report.task, report.period)
    return render(
        request,
        "supervision/report.html",
        {
            "report": report,
            "access": access,
            "consolidation": consolidation,
            "can_edit": consolidation is None and report.department_id in access.department_ids,
            "due": period_due(report.period),
        },
    )


@login_required
def attachment(request, pk: int, attachment_pk: int):
    att = selectors.attachment_visible_to(request.user, pk, attachment_pk)
    return file_response(att.file.open("rb"), att.original_name, att.content_type)
