"""HTTP views for achievements: they parse input, call one service, and render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keqiao.accounts.selectors import (
    public_organizations_for_filter,
    user_holder_organizations,
    user_is_bureau,
)
from keqiao.common import panels
from keqiao.common.choices import TRL_LABELS
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError
from keqiao.common.pagination import paginate
from keqiao.common.views import perform_listing_action
from keqiao.patents.selectors import patents_for_achievement
from keqiao.search.index import search_achievements

from . import selectors, services
from .choices import Status
from .facets import facet_groups
from .forms import AchievementForm, AttachmentForm, IPItemFormSet, NoteForm, ReturnForm, ip_items_from_formset
from .search import FACETS, SORT_OPTIONS

PER_PAGE = 20


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# --- public showcase ------------------------------------------------------------------------------


def achievement_list(request):
    """The public catalogue: full-text search, facets, sort and pagination (htmx swaps the results)."""
    query = request.GET.get("q", "").strip()[:200]
    filters = {name: request.GET.getlist(name) for name in FACETS}
    # "org": all achievements of one holder (organisation id); a bad value is reported and ignored
    org_filter, org_error = public_organizations_for_filter(request.GET.getlist("org"))
    if org_filter:
        filters["org"] = [str(o.pk) for o in org_filter]
    sort = request.GET.get("sort", "relevance")
    page = search_achievements(
        query, filters=filters, sort=sort, page=_int(request.GET.get("page"), 1), per_page=PER_PAGE
    )
    achievements = selectors.achievements_public_by_ids(page.ids, with_ip_items=False)
    context = {
        "page": page,
        "achievements": achievements,
        "query": query,
        "facet_groups": facet_groups(page),
        "sort_options": SORT_OPTIONS,
        "has_filters": bool(page.filters),
        "org_filter": org_filter,
        "org_error": org_error,
    }
    template = (
        "achievements/_results.html"
        if request.htmx and not request.htmx.boosted
        else "achievements/list.html"
    )
    return render(request, template, context)


def achievement_detail(request, pk: int):
    achievement = selectors.achievement_visible_to(request.user, pk)
    private = selectors.can_see_private(request.user, achievement)
    attachments = [
        a for a in achievement.attachments.all() if private or (a.is_public and achievement.is_public)
    ]
    patents = patents_for_achievement(request.user, achievement)
    ip_rows = [(ip, patents.pop(ip.number, None)) for ip in achievement.ip_items.all()]
    context = {
        "a": achievement,
        "ip_rows": ip_rows,
        "linked_patents": list(patents.values()),  # linked records that the IP items do not list
        "private": private,
        "attachments": attachments,
        "can_edit": selectors.can_edit(request.user, achievement),
        "is_bureau": user_is_bureau(request.user),
        "trl_label": TRL_LABELS.get(achievement.effective_trl),
        "events": selectors.achievement_events(achievement) if private else None,
        "return_form": ReturnForm(),
        "attachment_form": AttachmentForm(),
        "note_form": NoteForm(),
    }
    context.update(panels.context_for(request, "achievement", achievement))
    return render(request, "achievements/detail.html", context)


def attachment_download(request, pk: int):
    attachment = selectors.attachment_or_404(pk)
    achievement = attachment.achievement
    allowed = selectors.can_see_private(request.user, achievement) or (
        attachment.is_public and achievement.is_public
    )
    if not allowed:
        raise Http404
    return file_response(
        attachment.file.open("rb"),
        attachment.original_name,
        attachment.content_type,
        inline=attachment.content_type != "application/pdf",
    )


# --- owners -----------------------------------------------------------------------------------------


@login_required
def my_achievements(request):
    qs = selectors.achievements_of_user(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "achievements/mine.html",
        {
            "page_obj": paginate(request, qs, PER_PAGE),
            "status": status,
            "statuses": Status.choices,
            "organizations": user_holder_organizations(request.user),
        },
    )


def _save_form(request, achievement=None):
    orgs = list(user_holder_organizations(request.user))
    if not orgs:
        messages.error(request, _("You need to belong to an organisation to register achievements."))
        return redirect("accounts:register")
    form = AchievementForm(request.POST or None, instance=achievement)
    formset = IPItemFormSet(
        request.POST or None,
        prefix="ip",
        initial=[
            {"kind": i.kind, "number": i.number, "title": i.title, "status": i.status}
            for i in achievement.ip_items.all()
        ]
        if achievement
        else None,
    )
    org_id = _int(request.POST.get("organization") if request.method == "POST" else None, orgs[0].pk)
    organization = next((o for o in orgs if o.pk == org_id), orgs[0])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            created = achievement is None
            if created:
                achievement = services.achievement_create(
                    by=request.user,
                    organization=organization,
                    data=form.service_data(),
                    ip_items=ip_items_from_formset(formset),
                )
            else:
                services.achievement_update(
                    achievement=achievement,
                    by=request.user,
                    data=form.service_data(),
                    ip_items=ip_items_from_formset(formset),
                )
            if "submit" in request.POST:
                try:
                    services.achievement_submit(achievement=achievement, by=request.user)
                except DomainError as exc:
                    # The draft is saved; say why it could not be submitted and continue from the draft,
                    # so that posting again does not create a second copy.
                    messages.error(
                        request,
                        _("Achievement “%(title)s” was saved as a draft but not submitted: %(reason)s")
                        % {"title": achievement.title, "reason": exc.message},
                    )
                    return redirect(achievement.get_absolute_url())
                messages.success(request, str(ACTIONS["submit"][1]) % {"title": achievement.title})
            elif created:
                messages.success(
                    request,
                    _(
                        "Achievement “%(title)s” was saved as a draft; submit it for review when it is complete."
                    )
                    % {"title": achievement.title},
                )
            else:
                messages.success(
                    request,
                    _("Your changes to achievement “%(title)s” were saved.") % {"title": achievement.title},
                )
            return redirect(achievement.get_absolute_url())
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "achievements/form.html",
        {
            "form": form,
            "formset": formset,
            "achievement": achievement,
            "organizations": orgs,
            "organization": organization,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def achievement_create(request):
    return _save_form(request)


@login_required
def achievement_edit(request, pk: int):
    achievement = selectors.achievement_visible_to(request.user, pk)
    if not selectors.can_see_private(request.user, achievement):
        raise Http404
    if not selectors.can_edit(request.user, achievement):
        messages.error(request, _("This achievement cannot be edited in its current state."))
        return redirect(achievement.get_absolute_url())
    return _save_form(request, achievement)


ACTIONS = {
    "submit": (
        lambda a, u, p: services.achievement_submit(achievement=a, by=u),
        gettext_lazy(
            "Achievement “%(title)s” was submitted for review; the S&T bureau will tell you its decision."
        ),
    ),
    "publish": (
        lambda a, u, p: services.achievement_publish(achievement=a, by=u),
        gettext_lazy(
            "Achievement “%(title)s” is published in the showcase; followers of its field are told."
        ),
    ),
    "withdraw": (
        lambda a, u, p: services.achievement_withdraw(achievement=a, by=u, note=p.get("note", "")),
        gettext_lazy(
            "Achievement “%(title)s” was withdrawn from the showcase; it no longer appears in searches."
        ),
    ),
    "renew": (
        lambda a, u, p: services.achievement_renew(achievement=a, by=u),
        gettext_lazy("The listing of achievement “%(title)s” was renewed and stays in the showcase."),
    ),
    "revise": (
        lambda a, u, p: services.achievement_revise(achievement=a, by=u),
        gettext_lazy("Achievement “%(title)s” is a draft again; edit it and submit it for review."),
    ),
    "approve": (
        lambda a, u, p: services.achievement_approve(achievement=a, by=u, note=p.get("note", "")),
        gettext_lazy(
            "Achievement “%(title)s” was approved and its registration number issued; its owner can publish it."
        ),
    ),
    "return": (
        lambda a, u, p: services.achievement_return(achievement=a, by=u, comment=p.get("comment", "")),
        gettext_lazy("Achievement “%(title)s” was returned to its owner with your comments."),
    ),
    "feature": (
        lambda a, u, p: services.achievement_set_featured(achievement=a, by=u, featured=True),
        gettext_lazy("Achievement “%(title)s” is now featured on the home page."),
    ),
    "unfeature": (
        lambda a, u, p: services.achievement_set_featured(achievement=a, by=u, featured=False),
        gettext_lazy("Achievement “%(title)s” is no longer featured on the home page."),
    ),
}

# Irreversible actions: (question, what will happen, button); see keqiao.common.confirm.
CONFIRM = {
    "approve": (
        gettext_lazy("Approve achievement “%(title)s”?"),
        gettext_lazy(
            "The registration number is issued and cannot be taken back; the owner is told and can publish it."
        ),
        gettext_lazy("Approve and issue number"),
    ),
    "return": (
        gettext_lazy("Return achievement “%(title)s” to its owner?"),
        gettext_lazy("The owner receives your comments and must revise and submit it again."),
        gettext_lazy("Return to owner"),
    ),
    "withdraw": (
        gettext_lazy("Withdraw achievement “%(title)s” from the showcase?"),
        gettext_lazy(
            "It disappears from the showcase, searches and matches; publishing it again needs a new review."
        ),
        gettext_lazy("Withdraw"),
    ),
}


@login_required
@require_POST
def achievement_action(request, pk: int, action: str):
    """One POST endpoint per transition; the service decides whether the user may perform it."""
    achievement = selectors.achievement_visible_to(request.user, pk)
    return perform_listing_action(
        request,
        achievement,
        action,
        ACTIONS,
        may_act=selectors.can_see_private(request.user, achievement),
        confirm=CONFIRM,
    )


@login_required
@require_POST
def attachment_upload(request, pk: int):
    achievement = selectors.achievement_visible_to(request.user, pk)
    if not selectors.can_see_private(request.user, achievement):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                achievement=achievement,
                by=request.user,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                is_public=form.cleaned_data["is_public"],
            )
            messages.success(
                request,
                _("“%(file)s” was attached to achievement “%(title)s”.")
                % {"file": form.cleaned_data["file"].name, "title": achievement.title},
            )
        except ValidationError as exc:
            for err in exc.messages:
                messages.error(request, err)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        for errs in form.errors.values():
            for err in errs:
                messages.error(request, err)
    return redirect(achievement.get_absolute_url() + "#attachments")


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = selectors.attachment_or_404(pk)
    if not selectors.can_see_private(request.user, attachment.achievement):
        raise Http404
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
        messages.success(
            request,
            _("“%(file)s” was removed from achievement “%(title)s”.")
            % {"file": attachment.original_name, "title": attachment.achievement.title},
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(attachment.achievement.get_absolute_url() + "#attachments")


# --- the bureau ---------------------------------------------------------------------------------------


@login_required
def review_queue(request):
    if not user_is_bureau(request.user):
        raise Http404
    return render(
        request,
        "achievements/review_queue.html",
        {
            "page_obj": paginate(request, selectors.review_queue(), PER_PAGE),
        },
    )
