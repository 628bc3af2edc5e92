"""Pages of evaluation: readiness assessments, the valuation workbench and the pricing dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keqiao.achievements.selectors import achievement_visible_to
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.forms import add_errors

from . import forms, selectors, services, trl
from .models import TrlAssessment

# --- readiness assessment -------------------------------------------------------------------------


@login_required
def achievement_trl(request, pk: int):
    """The achievement's assessments; holders start one here."""
    achievement = achievement_visible_to(request.user, pk)
    is_holder = selectors.user_is_holder(request.user, achievement)
    if request.method == "POST":
        try:
            a = services.assessment_start(achievement=achievement, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluation:achievement_trl", pk)
        return redirect(a)
    return render(
        request,
        "evaluation/achievement_trl.html",
        {
            "a": achievement,
            "assessments": selectors.assessments_for_achievement(request.user, achievement),
            "is_holder": is_holder,
            "levels": trl.LEVELS,
            "source_note": trl.SOURCE_NOTE,
        },
    )


def _assessment_page(
    request, a: TrlAssessment, *, walk=None, evidence_form=None, confirm=None, ret=None, status=200
):
    is_holder = selectors.user_is_holder(request.user, a.achievement)
    editable = is_holder and a.status == TrlAssessment.Status.DRAFT
    may_confirm = a.status == TrlAssessment.Status.SUBMITTED and selectors.user_may_confirm(request.user, a)
    answers = {r.level: r for r in a.answers.all()}
    evidence: dict[int, list] = {}
    for e in a.evidence.all():
        evidence.setdefault(e.level, []).append(e)
    rows = [(lv, answers.get(lv.number), evidence.get(lv.number, [])) for lv in trl.LEVELS]
    context = {
        "a": a,
        "rows": rows,
        "editable": editable,
        "may_confirm": may_confirm,
        "source_note": trl.SOURCE_NOTE,
        "events": a.events.select_related("actor"),
    }
    if editable:
        walk = walk or forms.WalkForm(assessment=a)
        context["walk"] = walk
        context["walk_rows"] = [
            (lv, walk[f"met_{lv.number}"], walk[f"statement_{lv.number}"], evidence.get(lv.number, []))
            for lv in trl.LEVELS
        ]
        context["evidence_form"] = evidence_form or forms.EvidenceForm(initial={"level": a.self_level or 1})
    if may_confirm:
        confirm = confirm or forms.ConfirmForm(initial={"level": a.self_level or 1})
        context["confirm"] = confirm
        context["confirm_rows"] = [
            (lv, answers.get(lv.number), evidence.get(lv.number, []), confirm[f"comment_{lv.number}"])
            for lv in trl.LEVELS
        ]
        context["ret"] = ret or forms.ReturnForm()
    return render(request, "evaluation/assessment.html", context, status=status)


@login_required
def assessment(request, pk: int):
    a = selectors.assessment_visible_to(request.user, pk)
    return _assessment_page(request, a)


@login_required
@require_POST
def assessment_save(request, pk: int):
    a = selectors.assessment_visible_to(request.user, pk)
    walk = forms.WalkForm(request.POST, assessment=a)
    if walk.is_valid():
        try:
            services.assessment_save(
                assessment=a,
                by=request.user,
                answers=walk.answers(),
                justification=walk.cleaned_data["justification"],
            )
        except ValidationError as exc:
            add_errors(walk, exc)
        except DomainError as exc:
            add_to_form(walk, exc)
        else:
            if request.POST.get("then") == "submit":
                try:
                    services.assessment_submit(assessment=a, by=request.user)
                except DomainError as exc:
                    add_to_form(walk, exc)
                    a.refresh_from_db()
                    return _assessment_page(request, a, walk=walk, status=400)
                messages.success(request, _("The assessment was sent for confirmation."))
            else:
                messages.success(request, _("Your answers were saved."))
            return redirect(a)
    a.refresh_from_db()
    return _assessment_page(request, a, walk=walk, status=400)


@login_required
@require_POST
def evidence_add(request, pk: int):
    a = selectors.assessment_visible_to(request.user, pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                assessment=a,
                by=request.user,
                level=form.cleaned_data["level"],
                uploaded=form.cleaned_data["file"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The evidence file was added."))
            return redirect(a)
    return _assessment_page(request, a, evidence_form=form, status=400)


@login_required
@require_POST
def evidence_remove(request, pk: int):
    e = selectors.evidence_visible_to(request.user, pk)
    try:
        services.evidence_remove(evidence=e, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation:assessment", e.assessment_id)


@login_required
def evidence_download(request, pk: int):
    e = selectors.evidence_visible_to(request.user, pk)
    return file_response(e.file, e.original_name, e.content_type)


@login_required
@require_POST
def assessment_confirm(request, pk: int):
    a = selectors.assessment_visible_to(request.user, pk)
    form = forms.ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_confirm(
                assessment=a,
                by=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                level_comments=form.level_comments(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The readiness level was confirmed; the listing shows it now."))
            return redirect(a)
    return _assessment_page(request, a, confirm=form, status=400)


@login_required
@require_POST
def assessment_return(request, pk: int):
    a = selectors.assessment_visible_to(request.user, pk)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_return(assessment=a, by=request.user, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The assessment was returned to the holder."))
            return redirect(a)
    return _assessment_page(request, a, ret=form, status=400)


@login_required
def assessment_queue(request):
    """Assessments awaiting confirmation, for experts and agency members."""
    return render(
        request,
        "evaluation/queue.html",
        {
            "assessments": selectors.assessments_awaiting(request.user),
            "is_assessor": selectors.user_is_assessor(request.user),
        },
    )
