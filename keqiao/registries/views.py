"""Pages of the innovation registries: lists of the qualifications and R&D platforms a user may see,
proposing one with its evidence, a record's page with its history, and the department's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate

from . import choices, forms, selectors, services
from .models import Qualification

PER_PAGE = 25

QUALIFICATION_ACTIONS = {
    # action: (label, needs a reason, button style)
    "confirm": (_("Confirm"), False, ""),
    "review": (_("Pass the department's review"), False, ""),
    "designate": (_("Designate"), False, ""),
    "reject": (_("Do not confirm"), True, "secondary"),
    "revoke": (_("Revoke"), True, "danger"),
    "withdraw": (_("Withdraw"), False, "secondary"),
}
PLATFORM_ACTIONS = {
    "confirm": (_("Confirm"), False, ""),
    "evaluate": (_("Start the annual evaluation"), False, "secondary"),
    "pass": (_("Evaluation passed"), False, ""),
    "reject": (_("Do not confirm"), True, "secondary"),
    "revoke": (_("Revoke"), True, "danger"),
    "withdraw": (_("Withdraw"), False, "secondary"),
}


def _q(request) -> str:
    return (request.GET.get("q") or "").replace("\x00", "").strip()[:100]


def _available_actions(user, record, table: dict, labels: dict) -> list[dict]:
    """The actions the table allows now that this user may take, for the record's page."""
    out = []
    may_decide = services.may_decide(user, record)
    owner = record.organization_id in user_organization_ids(user)
    bureau = user_is_bureau(user)
    for action in table.get(record.status, {}):
        if not isinstance(record, Qualification):
            pass
        elif action == "confirm" and record.kind == choices.QualificationKind.DEMONSTRATION:
            continue
        elif action == "review" and record.kind != choices.QualificationKind.DEMONSTRATION:
            continue
        if action == "expire":
            continue
        if action in choices.OWNER_ACTIONS:
            allowed = owner
        elif action in choices.BUREAU_ONLY_ACTIONS:
            allowed = bureau
        else:
            allowed = may_decide
        if allowed:
            label, reason, style = labels[action]
            out.append({"action": action, "label": label, "reason": reason, "style": style})
    return out


def _proposers(user, kinds=selectors.QUALIFICATION_HOLDERS):
    return selectors.user_proposes_for(
        user, Organization.objects.select_related("region", "region__parent", "supervisor"), kinds
    )


# --- qualifications


@login_required
def qualifications(request):
    """The qualifications the user may see, filtered by kind, status and words."""
    qs = selectors.qualifications_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in choices.QualificationKind.values:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in choices.QualificationStatus.values:
        qs = qs.filter(status=status)
    q = _q(request)
    if q:
        qs = qs.filter(organization__name__icontains=q) | qs.filter(number__icontains=q)
    return render(
        request,
        "registries/qualifications.html",
        {
            "page": paginate(request, qs.order_by("-created_at", "-id"), PER_PAGE),
            "kinds": choices.QualificationKind.choices,
            "statuses": choices.QualificationStatus.choices,
            "kind": kind,
            "status": status,
            "q": q,
            "today": timezone.localdate(),
            "may_propose": bool(_proposers(request.user)),
            "awaiting": selectors.awaiting_decision(request.user),
        },
    )


@login_required
def qualification_new(request):
    organizations = _proposers(request.user)
    if not organizations:
        raise Http404
    form = forms.QualificationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next(o for o in organizations if o.pk == data["organization"])
        try:
            record = services.qualification_propose(
                by=request.user,
                organization=org,
                data=data,
                evidence=data.get("evidence"),
                department=data.get("department"),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The qualification is registered; it counts once the department confirms it.")
            )
            return redirect(record)
    return render(
        request,
        "registries/record_new.html",
        {
            "form": form,
            "title": _("Register a qualification"),
            "back": "registries:qualifications",
            "back_label": _("Enterprise qualifications"),
        },
        status=400 if form.errors else 200,
    )


def _record_page(request, record, *, template_kind: str, table, labels, form=None, status=200):
    actions = _available_actions(request.user, record, table, labels)
    return render(
        request,
        "registries/record.html",
        {
            "record": record,
            "kind": template_kind,
            "events": list(record.events.select_related("actor")),
            "actions": actions,
            "needs_reason": any(a["reason"] for a in actions),
            "form": form or forms.DecisionForm(),
            "today": timezone.localdate(),
            "counts": record.counts_on(timezone.localdate()) if template_kind == "qualification" else None,
        },
        status=status,
    )


@login_required
def qualification(request, pk: int):
    record = selectors.qualification_for(request.user, pk)
    return _record_page(
        request,
        record,
        template_kind="qualification",
        table=choices.QUALIFICATION_TRANSITIONS,
        labels=QUALIFICATION_ACTIONS,
    )


@login_required
@require_POST
def qualification_decide(request, pk: int):
    record = selectors.qualification_for(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.qualification_decide(
                qualification=record,
                by=request.user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                number=form.cleaned_data["number"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Done: the record's history shows the step."))
            return redirect(record)
    record.refresh_from_db()
    return _record_page(
        request,
        record,
        template_kind="qualification",
        table=choices.QUALIFICATION_TRANSITIONS,
        labels=QUALIFICATION_ACTIONS,
        form=form,
        status=400,
    )


@login_required
def qualification_evidence(request, pk: int):
    record = selectors.qualification_for(request.user, pk)
    if not record.evidence:
        raise Http404
    return file_response(record.evidence, record.evidence_name, record.evidence_type, inline=True)


# --- R&D platforms


@login_required
def platforms(request):
    qs = selectors.platforms_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in choices.PlatformKind.values:
        qs = qs.filter(kind=kind)
    level = request.GET.get("level", "")
    if level in choices.Level.values:
        qs = qs.filter(level=level)
    status = request.GET.get("status", "")
    if status in choices.PlatformStatus.values:
        qs = qs.filter(status=status)
    q = _q(request)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(organization__name__icontains=q)
    return render(
        request,
        "registries/platforms.html",
        {
            "page": paginate(request, qs.order_by("-created_at", "-id"), PER_PAGE),
            "kinds": choices.PlatformKind.choices,
            "levels": choices.Level.choices,
            "statuses": choices.PlatformStatus.choices,
            "kind": kind,
            "level": level,
            "status": status,
            "q": q,
            "may_propose": bool(_proposers(request.user, selectors.PLATFORM_HOSTS)),
            "awaiting": selectors.awaiting_decision(request.user),
        },
    )


@login_required
def platform_new(request):
    organizations = _proposers(request.user, selectors.PLATFORM_HOSTS)
    if not organizations:
        raise Http404
    form = forms.PlatformForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next(o for o in organizations if o.pk == data["organization"])
        try:
            record = services.platform_propose(
                by=request.user,
                organization=org,
                data=data,
                evidence=data.get("evidence"),
                department=data.get("department"),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The R&D platform is registered; it counts once the department confirms it.")
            )
            return redirect(record)
    return render(
        request,
        "registries/record_new.html",
        {
            "form": form,
            "title": _("Register an R&D platform"),
            "back": "registries:platforms",
            "back_label": _("R&D platforms"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def platform(request, pk: int):
    record = selectors.platform_for(request.user, pk)
    return _record_page(
        request, record, template_kind="platform", table=choices.PLATFORM_TRANSITIONS, labels=PLATFORM_ACTIONS
    )


@login_required
@require_POST
def platform_decide(request, pk: int):
    record = selectors.platform_for(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.platform_decide(
                platform=record,
                by=request.user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Done: the record's history shows the step."))
            return redirect(record)
    record.refresh_from_db()
    return _record_page(
        request,
        record,
        template_kind="platform",
        table=choices.PLATFORM_TRANSITIONS,
        labels=PLATFORM_ACTIONS,
        form=form,
        status=400,
    )


@login_required
def platform_evidence(request, pk: int):
    record = selectors.platform_for(request.user, pk)
    if not record.evidence:
        raise Http404
    return file_response(record.evidence, record.evidence_name, record.evidence_type, inline=True)
