"""View helpers shared by the apps' pages."""

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .confirm import confirmation_page
from .errors import DomainError


def object_or_404(queryset, pk, **filters):
    """`get_object_or_404` for an id typed by a client: anything but a positive whole number is a 404
    (Django would raise ValueError, a server error, on "abc" or on a number beyond the database's range)."""
    text = str(pk if pk is not None else "").strip()
    if not text.isdigit() or len(text) > 18:
        raise Http404
    return get_object_or_404(queryset, pk=int(text), **filters)


def perform_listing_action(request, listing, action: str, actions: dict, *, may_act: bool, confirm=None):
    """Run one workflow transition from a POST: `actions` maps a name to (service call, success message
    naming the listing as %(title)s and saying what happens next).

    The service decides whether this user may perform it; `may_act` (owner or bureau) only keeps
    everybody else from probing. Refusals come back as translated messages on the listing's page.
    Irreversible actions are named in `confirm` (action → question, what will happen, button): they run
    only once confirmed (keqiao.common.confirm).
    """
    if action not in actions:
        raise Http404
    if not may_act:
        return HttpResponseForbidden()
    if confirm and action in confirm:
        question, consequence, button = confirm[action]
        page = confirmation_page(
            request,
            question=str(question) % {"title": listing.title},
            consequence=consequence,
            button=button,
            cancel_url=listing.get_absolute_url(),
        )
        if page is not None:
            return page
    run, success = actions[action]
    try:
        run(listing, request.user, request.POST)
        messages.success(request, str(success) % {"title": listing.title})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = listing.get_absolute_url()
    return redirect(next_url)
