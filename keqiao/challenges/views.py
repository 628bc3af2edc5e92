"""Pages of challenge tenders: the list, publishing a demand as a challenge, the public challenge page
(with the challenger's evaluation and award), proposals, their attachments, and the bureau's figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_organization_ids, user_sees_statistics
from keqiao.common.choices import TechField
from keqiao.common.confirm import confirmation_page
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate
from keqiao.reviews.selectors import closed_review_for
from keqiao.reviews.services import ORGANIZER_KINDS

from . import choices, forms, selectors, services
from .models import ProposalAttachment

# A starting point the challenger edits: the usual yardstick of 揭榜挂帅 calls.
DEFAULT_CRITERIA = [
    (_("Feasibility of the technical approach"), 40),
    (_("Indicators promised"), 30),
    (_("Team and track record"), 20),
    (_("Price and schedule"), 10),
]

LIST_STATUS = {
    "open": _("Taking proposals"),
    "evaluating": _("Under evaluation"),
    "decided": _("Decided"),
    "all": _("All"),
}


def challenge_list(request):
    """Every challenge with its deadline countdown, filtered by state, field and words."""
    status = request.GET.get("status", "all")
    if status not in LIST_STATUS:
        status = "all"
    qs = selectors.challenges_public()
    if status == "decided":
        qs = qs.filter(status__in=choices.CLOSED_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    field = request.GET.get("field", "")
    if field in TechField.values:
        qs = qs.filter(tech_field=field)
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(title__icontains=q)
    return render(
        request,
        "challenges/list.html",
        {
            "page": paginate(request, qs, 20),
            "status": status,
            "statuses": LIST_STATUS,
            "field": field,
            "fields": TechField.choices,
            "q": q,
            "now": timezone.now(),
            "may_publish": request.user.is_authenticated
            and bool(selectors.demands_for_challenge(request.user)),
            "sees_statistics": user_sees_statistics(request.user),
        },
    )


@login_required
def challenge_new(request):
    """An enterprise (or the city S&T bureau) turns a published demand into a challenge."""
    demands = selectors.demands_for_challenge(request.user)
    if not demands:
        raise Http404
    initial = {
        "reward_kind": "budget",
        "evaluation": "challenger",
        "criteria": "\n".join(f"{name}: {weight}" for name, weight in DEFAULT_CRITERIA),
    }
    chosen = request.GET.get("demand", "")
    demand = next((d for d in demands if str(d.pk) == chosen), None)
    if demand is not None:
        initial.update(
            demand=demand.pk, title=demand.title, indicators=demand.indicators, goals=demand.problem
        )
        if demand.budget_max and not demand.budget_private:
            initial["amount"] = demand.budget_max
    form = forms.ChallengeForm(
        request.POST if request.method == "POST" else None, demands=demands, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        demand = next(d for d in demands if d.pk == data["demand"])
        try:
            challenge = services.challenge_publish(by=request.user, demand=demand, data=data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The challenge “%(title)s” is published; solvers who may take it up were alerted.")
                % {"title": challenge.title},
            )
            return redirect(challenge)
    return render(request, "challenges/new.html", {"form": form}, status=400 if form.errors else 200)


def _panel_organizations(user):
    return list(
        Organization.objects.filter(
            pk__in=user_organization_ids(user),
            kind__in=ORGANIZER_KINDS,
            status=Organization.Status.VERIFIED,
        ).order_by("pk")
    )


def challenge_detail(request, pk: int):
    """The public challenge; its challenger evaluates and awards here once the deadline has passed."""
    challenge = selectors.challenge_for(pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response, status = _detail_post(request, challenge, bound)
        if response is not None:
            return response
        challenge = selectors.challenge_for(pk)
    user = request.user
    challenger = selectors.is_challenger(user, challenge)
    proposals = selectors.proposals_for_challenger(challenge) if challenger else []
    panel = challenge.evaluation == choices.Evaluation.PANEL
    for p in proposals:
        p.panel = closed_review_for(p) if panel else None
    awardable = [p for p in proposals if p.status == choices.ProposalStatus.SUBMITTED]
    mine = selectors.my_proposals(user, challenge) if user.is_authenticated else []
    panel_orgs = _panel_organizations(user) if panel and user.is_authenticated else []
    now = timezone.now()
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "is_challenger": challenger,
            "proposals": proposals,
            "proposal_count": selectors.proposal_count(challenge),
            "winners": selectors.winners(challenge),
            "mine": mine,
            "may_propose": challenge.is_open
            and challenge.deadline > now
            and user.is_authenticated
            and not challenger
            and bool(services.solver_organizations(user, challenge)),
            "award_form": bound.get("award") or forms.AwardForm(proposals=awardable),
            "no_award_form": bound.get("no_award") or forms.NoAwardForm(),
            "panel_form": bound.get("panel") or forms.PanelForm(organizations=panel_orgs),
            "may_open_panel": bool(panel_orgs) and challenge.status == choices.ChallengeStatus.EVALUATING,
            "events": list(challenge.events.order_by("created_at", "id")),
            "now": now,
        },
        status=status,
    )


def _detail_post(request, challenge, bound: dict):
    action = request.POST.get("action", "")
    user = request.user
    if action in ("award", "no_award") and not selectors.is_challenger(user, challenge):
        raise Http404
    if action == "award":
        awardable = [
            p
            for p in selectors.proposals_for_challenger(challenge)
            if p.status == choices.ProposalStatus.SUBMITTED
        ]
        form = forms.AwardForm(request.POST, proposals=awardable)
        names = "、".join(
            p.organization.name for p in awardable if str(p.pk) in request.POST.getlist("proposals")
        )
        confirm = confirmation_page(
            request,
            question=_("Award the challenge “%(title)s” to %(names)s?")
            % {"title": challenge.title, "names": names},
            consequence=_(
                "Each award becomes an agreed deal of commissioned development at the proposal's price; the "
                "other solvers are told. This cannot be undone."
            ),
            button=_("Award"),
            cancel_url=challenge.get_absolute_url(),
        )

        def run(data):
            services.challenge_award(
                challenge=challenge, by=user, proposal_ids=data["proposals"], note=data["note"]
            )
            return _("The challenge is awarded: register the development contract from the deal.")

    elif action == "no_award":
        form = forms.NoAwardForm(request.POST)
        confirm = confirmation_page(
            request,
            question=_("Close the challenge “%(title)s” without an award?") % {"title": challenge.title},
            consequence=_("The reason is published; the solvers are told. This cannot be undone."),
            button=_("Close without an award"),
            cancel_url=challenge.get_absolute_url(),
        )

        def run(data):
            services.challenge_no_award(challenge=challenge, by=user, reason=data["reason"])
            return _("The challenge is closed without an award.")

    elif action == "panel":
        organizations = _panel_organizations(user)
        if not organizations:
            raise Http404
        form = forms.PanelForm(request.POST, organizations=organizations)
        confirm = None

        def run(data):
            org = Organization.objects.get(pk=data["organization"])
            reviews = services.panel_open(challenge=challenge, by=user, organization=org)
            return _("%(n)d expert reviews were opened: form their panels in Expert reviews.") % {
                "n": len(reviews)
            }

    else:
        return HttpResponse(_("Unknown action."), status=400), 400
    bound[action] = form
    if not form.is_valid():
        return None, 400
    if confirm is not None:
        return confirm, 200
    try:
        done = run(form.cleaned_data)
    except DomainError as exc:
        add_to_form(form, exc)
        return None, exc.status_code
    messages.success(request, done)
    return redirect(challenge), 302


@login_required
def proposal_new(request, pk: int):
    """A solver submits a proposal, with attachments, before the deadline."""
    challenge = selectors.challenge_for(pk)
    organizations = services.solver_organizations(request.user, challenge)
    if not organizations:
        raise Http404
    form = forms.ProposalForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next(o for o in organizations if o.pk == data["organization"])
        try:
            proposal = services.proposal_submit(
                challenge=challenge, by=request.user, organization=org, data=data, files=data["files"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your proposal is submitted. It stays sealed until the deadline."))
            return redirect(proposal)
    return render(
        request,
        "challenges/proposal_new.html",
        {"form": form, "challenge": challenge, "now": timezone.now()},
        status=400 if form.errors else 200,
    )


def proposal_detail(request, pk: int, proposal_pk: int):
    """A proposal: for its solver (who may withdraw it before the deadline), the challenger (who scores
    it) and its reviewers; 404 for anyone else."""
    challenge = selectors.challenge_for(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = selectors.proposal_for(request.user, challenge, proposal_pk)
    user = request.user
    challenger = selectors.is_challenger(user, challenge)
    solver = proposal.organization_id in user_organization_ids(user)
    criteria = challenge.criteria
    initial = {f"score_{k}": v for k, v in ((f"{k}", v) for k, v in proposal.scores.items())}
    initial["note"] = proposal.score_note
    score_form = forms.ScoreForm(initial=initial, criteria=criteria)
    withdraw_error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "score" and challenger:
            score_form = forms.ScoreForm(request.POST, criteria=criteria)
            if score_form.is_valid():
                try:
                    services.proposal_score(
                        proposal=proposal,
                        by=user,
                        scores=score_form.scores(),
                        note=score_form.cleaned_data["note"],
                    )
                except DomainError as exc:
                    add_to_form(score_form, exc)
                    status = exc.status_code
                else:
                    messages.success(request, _("The scores are saved."))
                    return redirect(proposal)
            else:
                status = 400
        elif action == "withdraw" and solver:
            confirm = confirmation_page(
                request,
                question=_("Withdraw your proposal for “%(title)s”?") % {"title": challenge.title},
                consequence=_("You may submit a new one before the deadline."),
                button=_("Withdraw the proposal"),
                cancel_url=proposal.get_absolute_url(),
            )
            if confirm is not None:
                return confirm
            try:
                services.proposal_withdraw(proposal=proposal, by=user)
            except DomainError as exc:
                withdraw_error = exc.message
                status = exc.status_code
            else:
                messages.success(request, _("Your proposal was withdrawn."))
                return redirect(challenge)
        else:
            status = 403
            withdraw_error = _("You cannot do this.")
    panel = closed_review_for(proposal) if challenge.evaluation == choices.Evaluation.PANEL else None
    return render(
        request,
        "challenges/proposal.html",
        {
            "challenge": challenge,
            "proposal": proposal,
            "is_challenger": challenger,
            "is_solver": solver,
            "score_form": score_form,
            "may_score": challenger
            and challenge.status == choices.ChallengeStatus.EVALUATING
            and challenge.evaluation == choices.Evaluation.CHALLENGER
            and proposal.status == choices.ProposalStatus.SUBMITTED,
            "may_withdraw": solver
            and proposal.status == choices.ProposalStatus.SUBMITTED
            and challenge.is_open
            and challenge.deadline > timezone.now(),
            "withdraw_error": withdraw_error,
            "panel": panel,
        },
        status=status,
    )


@login_required
def proposal_attachment(request, pk: int, proposal_pk: int, attachment_pk: int):
    att = (
        ProposalAttachment.objects.select_related("proposal__challenge")
        .filter(pk=attachment_pk, proposal_id=proposal_pk, proposal__challenge_id=pk)
        .first()
    )
    if att is None or not selectors.can_read_proposal(request.user, att.proposal):
        raise Http404
    return file_response(att.file.open("rb"), att.original_name, att.content_type)


@login_required
def challenge_statistics(request):
    """For the bureau and government: challenges, awards and money, by field and by county."""
    if not user_sees_statistics(request.user):
        raise Http404
    stats = selectors.statistics()
    fields = dict(TechField.choices)
    for row in stats["by_field"]:
        row["label"] = fields.get(row["tech_field"], row["tech_field"])
    return render(request, "challenges/statistics.html", {"stats": stats})
