"""Pages of evaluation: readiness assessments, the valuation workbench and the pricing dossier."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keqiao.accounts.selectors import user_holder_organizations, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.achievements.selectors import achievement_visible_to
from keqiao.common.downloads import attachment_response, file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.forms import add_errors
from keqiao.common.pagination import paginate
from keqiao.negotiations.choices import DealStatus
from keqiao.reviews.selectors import closed_review_for

from . import charts, exports, forms, selectors, services, trl
from .models import TrlAssessment

# A deal has a price to document once it is agreed.
DOSSIER_STATUSES = (
    DealStatus.AGREED,
    DealStatus.REGISTERED,
    DealStatus.PERFORMING,
    DealStatus.COMPLETED,
)

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


# --- valuation workbench --------------------------------------------------------------------------


def _form_choices(user):
    orgs = [o for o in user_holder_organizations(user)]
    achievements = list(
        Achievement.objects.filter(organization__in=orgs)
        .only("pk", "title", "organization_id")
        .order_by("-id")[:200]
    )
    return orgs, achievements


def _save_valuation(request, form, orgs, achievements, valuation=None):
    org = next((o for o in orgs if o.pk == form.cleaned_data["organization"]), None)
    achievement = next((a for a in achievements if a.pk == form.cleaned_data["achievement"]), None)
    if org is None:
        form.add_error("organization", _("Choose one of your organisations."))
        return None
    kwargs = {
        "by": request.user,
        "title": form.cleaned_data["title"],
        "inputs": form.inputs(),
        "achievement": achievement,
        "market": form.market(),
    }
    try:
        if valuation is None:
            return services.valuation_create(organization=org, **kwargs)
        return services.valuation_update(valuation=valuation, **kwargs)
    except ValidationError as exc:
        add_errors(form, exc)
    except DomainError as exc:
        add_to_form(form, exc)
    return None


@login_required
def valuations(request):
    """The valuations of the user's organisations, and those shared into the user's negotiations."""
    qs = selectors.valuations_of_user(request.user)
    return render(request, "evaluation/valuations.html", {"page_obj": paginate(request, qs, 20)})


@login_required
def valuation_new(request):
    orgs, achievements = _form_choices(request.user)
    if not orgs:
        messages.info(request, _("You need to belong to an organisation to value a technology."))
        return redirect("evaluation:valuations")
    initial = {"seed": str(secrets.randbelow(2**31 - 1)), "organization": orgs[0].pk, "title": _("Valuation")}
    achievement_id = request.GET.get("achievement")
    if achievement_id and achievement_id.isdigit():
        a = next((a for a in achievements if a.pk == int(achievement_id)), None)
        if a is not None:
            initial.update(
                {
                    "achievement": a.pk,
                    "title": a.title,
                    "trl": str(a.effective_trl),
                    "tech_field": a.tech_field,
                }
            )
    form = forms.ValuationForm(
        request.POST or None, organizations=orgs, achievements=achievements, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        v = _save_valuation(request, form, orgs, achievements)
        if v is not None:
            messages.success(request, _("The valuation was computed and saved."))
            return redirect(v)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/valuation_form.html", {"form": form, "valuation": None}, status=status)


@login_required
def valuation_edit(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    if not selectors.user_may_edit_valuation(request.user, v):
        raise Http404
    orgs, achievements = _form_choices(request.user)
    orgs = [o for o in orgs if o.pk == v.organization_id]
    form = forms.ValuationForm(
        request.POST or None,
        organizations=orgs,
        achievements=achievements,
        initial=forms.ValuationForm.initial_from(v),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_valuation(request, form, orgs, achievements, valuation=v)
        if saved is not None:
            messages.success(request, _("The valuation was recalculated and saved."))
            return redirect(saved)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/valuation_form.html", {"form": form, "valuation": v}, status=status)


@login_required
def valuation(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    r = v.results
    labels = charts.input_labels()
    may_edit = selectors.user_may_edit_valuation(request.user, v)
    share = (
        forms.ShareForm(deals=selectors.deals_to_share_into(request.user), initial={"deal": v.deal_id})
        if may_edit
        else None
    )
    return render(
        request,
        "evaluation/valuation.html",
        {
            "v": v,
            "r": r,
            "may_edit": may_edit,
            "share": share,
            "inputs": exports.input_rows(v),
            "results": exports.result_rows(r),
            "reasons": exports.reasons_text(r),
            "histogram": charts.histogram_svg(r, title=_("Distribution of the risk-adjusted value (yuan)")),
            "tornado": charts.tornado_svg(
                r, title=_("Sensitivity: value with each input at its P10 and P90"), labels=labels
            ),
            "tornado_rows": [
                (
                    labels.get(t["input"], t["input"]),
                    {k: charts.yuan(t[k]) for k in ("at_p10", "at_p90", "swing")},
                )
                for t in r.get("tornado") or []
            ],
            "comparables": exports.comparable_rows(r),
        },
    )


@login_required
@require_POST
def valuation_copy(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    orgs = list(user_holder_organizations(request.user))
    org = next((o for o in orgs if o.pk == v.organization_id), orgs[0] if orgs else None)
    if org is None:
        raise Http404
    try:
        copy = services.valuation_copy(valuation=v, by=request.user, organization=org)
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
        return redirect(v)
    messages.success(request, _("A copy was saved: change its inputs and recalculate."))
    return redirect("evaluation:valuation_edit", copy.pk)


@login_required
@require_POST
def valuation_share(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    if not selectors.user_may_edit_valuation(request.user, v):
        raise Http404
    deals = list(selectors.deals_to_share_into(request.user))
    form = forms.ShareForm(request.POST, deals=deals)
    if not form.is_valid():
        messages.error(request, _("Choose one of your open negotiation rooms."))
        return redirect(v)
    deal = next((d for d in deals if d.pk == form.cleaned_data["deal"]), None)
    try:
        services.valuation_share(valuation=v, by=request.user, deal=deal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(v)
    if deal is None:
        messages.success(request, _("The valuation is private to your organisation again."))
    else:
        messages.success(
            request, _("The valuation is shared into the negotiation room: only its parties see it.")
        )
    return redirect(v)


@login_required
def valuation_pdf(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    return attachment_response(exports.valuation_pdf(v), f"valuation-{v.pk}.pdf", "application/pdf")


@login_required
def valuation_xlsx(request, pk: int):
    v = selectors.valuation_visible_to(request.user, pk)
    return attachment_response(
        exports.valuation_xlsx(v),
        f"valuation-{v.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def deal_panel(request, deal) -> dict:
    """The room's panel of shared valuations and the pricing dossier, for the deal's parties only."""
    if not (user_organization_ids(request.user) & deal.party_ids):
        return {}
    return {
        "evaluation_panel": {
            "valuations": selectors.valuations_for_deal(request.user, deal),
            "dossier": deal.status in DOSSIER_STATUSES,
        }
    }


# --- pricing dossier ------------------------------------------------------------------------------


@login_required
def dossier(request, deal_pk: int):
    """The pricing dossier of a deal, for its parties: the latest valuation shared into the room."""
    deal = selectors.party_deal_visible_to(request.user, deal_pk)
    shared = selectors.valuations_for_deal(request.user, deal)
    content = exports.dossier_pdf(
        deal, valuation=shared[0] if shared else None, opinion=closed_review_for(deal.achievement)
    )
    return attachment_response(content, f"pricing-dossier-{deal.pk}.pdf", "application/pdf")
