"""Pages of the expert registry (the S&T bureau), of review panels (organisers: the bureau and service
agencies), of the expert's own reviews and of the holder's results. Whoever may not see a page gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements import choices as achievement_choices
from keqiao.achievements.models import Achievement
from keqiao.common.choices import TechField
from keqiao.common.confirm import confirmation_page
from keqiao.common.downloads import PDF, attachment_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.forms import add_errors
from keqiao.common.pagination import paginate

from . import choices, exports, forms, proposal, selectors, services, subjects
from .models import Panelist

# --- the registry (bureau) -------------------------------------------------------------------------------


@login_required
def experts(request):
    """The expert registry with filters: the bureau only."""
    if not user_is_bureau(request.user):
        raise Http404
    status = request.GET.get("status", "")
    tech_field = request.GET.get("field", "")
    if tech_field not in TechField.values:
        tech_field = ""
    q = request.GET.get("q", "").strip()[:50].replace("\x00", "")
    discipline = request.GET.get("discipline", "").strip()
    if not discipline.isascii() or not discipline.isdigit() or len(discipline) > 7:
        discipline = ""
    qs = selectors.experts_for_bureau(status=status, tech_field=tech_field, discipline=discipline, q=q)
    return render(
        request,
        "reviews/experts.html",
        {
            "page": paginate(request, qs, 30),
            "status": status,
            "field": tech_field,
            "q": q,
            "discipline": discipline,
            "statuses": choices.ExpertStatus.choices,
            "fields": TechField.choices,
        },
    )


@login_required
def expert_invite(request):
    if not user_is_bureau(request.user):
        raise Http404
    form = forms.InviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_invite(by=request.user, user=form.user, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc if exc.field != "user" else DomainError(exc.message, field="username"))
        else:
            messages.success(
                request,
                _("%(name)s was invited to the expert registry. Confirm the expert to list them.")
                % {"name": expert.user},
            )
            return redirect(expert)
    return render(
        request,
        "reviews/expert_form.html",
        {"form": form, "inviting": True},
        status=400 if form.errors else 200,
    )


@login_required
def expert_detail(request, pk: int):
    expert = selectors.expert_for_bureau(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.expert_confirm(expert=expert, by=request.user)
                messages.success(request, _("The expert is confirmed and can now be put on panels."))
            elif action == "suspend":
                services.expert_suspend(expert=expert, by=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("The expert was suspended from the registry."))
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(expert)
    return render(
        request,
        "reviews/expert_detail.html",
        {
            "expert": expert,
            "events": expert.events.select_related("actor"),
            "panels": expert.panels.select_related("review"),
        },
    )


@login_required
def expert_edit(request, pk: int | None = None):
    """The expert's own profile (pk None), or the bureau editing one."""
    if pk is None:
        expert = selectors.expert_of_user(request.user)
        if expert is None:
            raise Http404
    else:
        expert = selectors.expert_for_bureau(request.user, pk)
    form = forms.ExpertForm(_posted(request), expert=expert)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(expert=expert, by=request.user, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The expert profile was saved."))
            return redirect("reviews:my_reviews" if pk is None else expert.get_absolute_url())
    return render(
        request,
        "reviews/expert_form.html",
        {"form": form, "expert": expert},
        status=400 if form.errors else 200,
    )


# --- reviews -----------------------------------------------------------------------------------------------


def _organizer_orgs(user):
    return Organization.objects.filter(
        pk__in=user_organization_ids(user),
        kind__in=services.ORGANIZER_KINDS,
        status=Organization.Status.VERIFIED,
    )


@login_required
def reviews(request):
    """Reviews the user organises (the bureau: all) and results of reviews of the user's achievements."""
    organized = selectors.reviews_organized_by(request.user)
    held = selectors.reviews_of_holder(request.user)
    expert = selectors.expert_of_user(request.user)
    status = request.GET.get("status", "")
    if status in choices.ReviewStatus.values:
        organized = organized.filter(status=status)
    return render(
        request,
        "reviews/reviews.html",
        {
            "page": paginate(request, organized, 30),
            "held": held[:50],
            "can_open": _organizer_orgs(request.user).exists(),
            "is_bureau": user_is_bureau(request.user),
            "expert": expert,
            "status": status,
            "statuses": choices.ReviewStatus.choices,
        },
    )


@login_required
def my_reviews(request):
    """The panels the expert sits on: only those."""
    expert = selectors.expert_of_user(request.user)
    if expert is None:
        raise Http404
    return render(
        request,
        "reviews/my_reviews.html",
        {"expert": expert, "page": paginate(request, selectors.my_panels(request.user), 30)},
    )


@login_required
def review_new(request):
    organizations = _organizer_orgs(request.user)
    if not organizations.exists():
        raise Http404
    adapter = subjects.adapter_for(_achievement_model())
    achievements = adapter.queryset().order_by("-id")
    initial = {}
    if request.GET.get("achievement", "").isdigit():
        initial["achievement"] = int(request.GET["achievement"])
    form = forms.ReviewOpenForm(
        _posted(request), organizations=organizations, achievements=achievements, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_open(
                by=request.user,
                organization=form.cleaned_data["organization"],
                subject=form.cleaned_data["achievement"],
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
            )
        except DomainError as exc:
            add_to_form(
                form, DomainError(exc.message, field="achievement" if exc.field == "subject" else exc.field)
            )
        else:
            messages.success(request, _("The review was opened. Now choose the experts of its panel."))
            return redirect(review)
    return render(request, "reviews/review_form.html", {"form": form}, status=400 if form.errors else 200)


def _achievement_model():

    return Achievement


CONFIRM = {
    "start": (
        _("Start scoring?"),
        _(
            "The panel is fixed: no expert can be added or removed afterwards, and the experts are asked to score."
        ),
        _("Start scoring"),
    ),
    "close": (
        _("Close the review?"),
        _(
            "The scores become visible to the panel and to the holder, the result is fixed and no score can change any more."
        ),
        _("Close the review"),
    ),
    "cancel": (
        _("Cancel the review?"),
        _("The review ends without a result."),
        _("Cancel the review"),
    ),
    "reopen": (
        _("Reopen this expert's score?"),
        _("The expert can submit again; the previous score is kept in the history."),
        _("Reopen the score"),
    ),
}


@login_required
def review_detail(request, pk: int):
    review, role = selectors.review_visible_to(request.user, pk)
    bound: dict = {}
    if request.method == "POST":
        response = _review_post(request, review, role, bound)
        if response is not None:
            return response
        review, role = selectors.review_visible_to(request.user, pk)
    facts = subjects.facts_of(review.subject)
    organizer = role == selectors.ORGANIZER
    panel = selectors.panel_for(review, request.user, role)
    mine = next((row.panelist for row in panel if row.panelist.expert.user_id == request.user.pk), None)
    suggestion = None
    if organizer and review.status == choices.ReviewStatus.OPEN:
        suggestion = proposal.propose(facts, exclude_expert_ids=[row.panelist.expert_id for row in panel])
    score_form = bound.get("score")
    if score_form is None and mine is not None and not mine.is_submitted:
        initial = {k: v for k, v in mine.scores().items() if v is not None}
        initial["comment"] = mine.comment
        score_form = forms.ScoreForm(initial=initial)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "role": role,
            "organizer": organizer,
            "facts": facts,
            "subject": review.subject,
            "panel": panel,
            "mine": mine,
            "suggestion": suggestion,
            "score_form": score_form,
            "close_form": bound.get("close") or forms.CloseForm(),
            "apply_form": bound.get("apply") or forms.ApplyForm(),
            "result": review.result if review.is_closed else None,
            "result_rows": _result_rows(review.result) if review.is_closed else [],
            "subject_is_achievement": isinstance(review.subject, _achievement_model()),
            "applied_level_label": _label(achievement_choices.Level, review.applied_level),
            "applied_evaluation_label": _label(achievement_choices.Evaluation, review.applied_evaluation),
            "indicators": choices.Indicator.choices,
            "method": exports.method_text(review.result) if review.is_closed else "",
            "events": selectors.review_events(review)
            if role in (selectors.ORGANIZER, selectors.BUREAU)
            else None,
        },
        status=400 if bound else 200,
    )


def _result_rows(result: dict) -> list[dict]:
    return [{"label": label, **result["indicators"][value]} for value, label in choices.Indicator.choices]


def _label(choice_class, value: str) -> str:
    return str(dict(choice_class.choices).get(value, value))


def _review_post(request, review, role, bound):
    action = request.POST.get("action", "")
    organizer = role == selectors.ORGANIZER
    if action in CONFIRM:
        if not organizer:
            raise Http404
        question, consequence, button = CONFIRM[action]
        page = confirmation_page(
            request,
            question=question,
            consequence=consequence,
            button=button,
            cancel_url=review.get_absolute_url(),
        )
        if page is not None:
            return page
    try:
        if action == "score" and role == selectors.EXPERT:
            form = forms.ScoreForm(request.POST)
            panelist = Panelist.objects.select_related("expert").get(review=review, expert__user=request.user)
            if not form.is_valid():
                bound["score"] = form
                return None
            try:
                services.panelist_submit(
                    panelist=panelist,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
                bound["score"] = form
                return None
            except DomainError as exc:
                add_to_form(form, exc)
                bound["score"] = form
                return None
            messages.success(
                request,
                _("Your score was submitted. It stays hidden from the others until the review closes."),
            )
        elif not organizer:
            raise Http404
        elif action == "add":
            expert = selectors.confirmed_experts().filter(pk=_int(request.POST.get("expert"))).first()
            if expert is None:
                raise DomainError(_("Choose a confirmed expert."))
            services.review_add_expert(review=review, by=request.user, expert=expert)
            messages.success(request, _("%(name)s was added to the panel.") % {"name": expert.user})
        elif action == "remove":
            panelist = review.panel.filter(pk=_int(request.POST.get("panelist"))).first()
            if panelist is None:
                raise Http404
            services.review_remove_expert(panelist=panelist, by=request.user)
            messages.success(request, _("The expert was removed from the panel."))
        elif action == "start":
            services.review_start(review=review, by=request.user)
            messages.success(request, _("Scoring has started; the experts can now submit their scores."))
        elif action == "reopen":
            panelist = review.panel.filter(pk=_int(request.POST.get("panelist"))).first()
            if panelist is None:
                raise Http404
            services.panelist_reopen(
                panelist=panelist, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The score was reopened; the expert can submit again."))
        elif action == "close":
            form = forms.CloseForm(request.POST)
            if not form.is_valid():
                bound["close"] = form
                return None
            services.review_close(review=review, by=request.user, conclusion=form.cleaned_data["conclusion"])
            messages.success(request, _("The review is closed; its result and opinion are ready."))
        elif action == "cancel":
            services.review_cancel(review=review, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The review was cancelled."))
        elif action == "apply":
            form = forms.ApplyForm(request.POST)
            if not form.is_valid():
                bound["apply"] = form
                return None
            services.review_apply_to_achievement(
                review=review,
                by=request.user,
                level=form.cleaned_data["level"],
                evaluation=form.cleaned_data["evaluation"],
            )
            messages.success(request, _("The achievement's level and evaluation form were updated."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        bound["error"] = True
        return None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        bound["error"] = True
        return None
    return redirect(review)


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


@require_GET
@login_required
def review_pdf(request, pk: int):
    review, role = selectors.review_visible_to(request.user, pk)
    if not review.is_closed:
        raise Http404
    content = exports.opinion_pdf(review, selectors.panel_for(review, request.user, role))
    return attachment_response(
        content, f"专家评审意见-{review.pk}.pdf", PDF, ascii_name=f"review-opinion-{review.pk}.pdf"
    )


def _posted(request):
    """The POST data of a form submission (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None
