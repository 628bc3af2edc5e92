"""Pages of deals: expressing interest, the negotiation room, and technology contract registration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.selectors import (
    brokers,
    user_holder_organizations,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.common import panels
from keqiao.common.confirm import confirmation_page
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate

from . import choices, forms, selectors, services


@login_required
def interest(request, kind: str, pk: int):
    """Express interest in a published achievement or demand (the form keeps its input on refusal)."""
    listing = selectors.public_listing(kind, pk)
    existing = selectors.open_deal_for(request.user, listing)
    if existing is not None:
        messages.info(request, _("Your organisation already has an open negotiation on this listing."))
        return redirect(existing)
    organizations = [
        o
        for o in user_holder_organizations(request.user)
        if o.pk != listing.organization_id and o.is_verified
    ]
    default_mode = _default_mode(kind, listing)
    form = forms.InterestForm(
        request.POST or None, organizations=organizations, initial={"mode": default_mode}
    )
    if request.method == "POST" and form.is_valid():
        org = next(o for o in organizations if o.pk == form.cleaned_data["organization"])
        try:
            deal = services.deal_express_interest(
                by=request.user,
                organization=org,
                listing=listing,
                mode=form.cleaned_data["mode"],
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your interest in “%(title)s” was sent to %(organization)s; you will be told of their answer."
                )
                % {"title": listing.title, "organization": listing.organization.name},
            )
            return redirect(deal)
    return render(
        request,
        "negotiations/interest.html",
        {"form": form, "listing": listing, "kind": kind, "no_organization": not organizations},
    )


def _default_mode(kind: str, listing) -> str:
    if kind == "achievement":
        modes = getattr(listing, "transfer_modes", []) or []
        return {
            "license": choices.DealMode.LICENCE_ORDINARY,
            "cooperation": choices.DealMode.JOINT_DEVELOPMENT,
        }.get(modes[0] if modes else "", choices.DealMode.TRANSFER)
    modes = getattr(listing, "cooperation_modes", []) or []
    return {
        "commissioned_dev": choices.DealMode.COMMISSIONED_DEVELOPMENT,
        "joint_dev": choices.DealMode.JOINT_DEVELOPMENT,
        "license": choices.DealMode.LICENCE_ORDINARY,
        "consulting": choices.DealMode.CONSULTING,
        "service": choices.DealMode.SERVICE,
    }.get(modes[0] if modes else "", choices.DealMode.TRANSFER)


TABS = {
    "action": _("Awaiting my answer"),
    "open": _("Open"),
    "closed": _("Closed"),
    "all": _("All"),
}


@login_required
def mine(request):
    tab = request.GET.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    qs = selectors.deals_of_user(request.user)
    if tab == "action":
        qs = qs.filter(
            status=choices.DealStatus.INTEREST, counterpart_id__in=user_organization_ids(request.user)
        )
    elif tab == "open":
        qs = qs.exclude(
            status__in=[
                choices.DealStatus.COMPLETED,
                choices.DealStatus.DECLINED,
                choices.DealStatus.WITHDRAWN,
                choices.DealStatus.TERMINATED,
                choices.DealStatus.EXPIRED,
            ]
        )
    elif tab == "closed":
        qs = qs.filter(
            status__in=[
                choices.DealStatus.COMPLETED,
                choices.DealStatus.DECLINED,
                choices.DealStatus.WITHDRAWN,
                choices.DealStatus.TERMINATED,
                choices.DealStatus.EXPIRED,
            ]
        )
    page = paginate(request, qs, 20)
    return render(
        request,
        "negotiations/mine.html",
        {"page": page, "tab": tab, "tabs": TABS, "is_bureau": user_is_bureau(request.user)},
    )


@login_required
def bureau_list(request):
    """The bureau's supervision list of all negotiations (opening one is recorded)."""
    if not user_is_bureau(request.user):
        raise Http404
    qs = selectors.deals_for_bureau()
    status = request.GET.get("status", "")
    if status in choices.DealStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs, 30)
    return render(
        request,
        "negotiations/bureau_list.html",
        {"page": page, "status": status, "statuses": choices.DealStatus.choices},
    )


def _brokers_for(deal):

    invited = set(deal.invitations.values_list("user_id", flat=True))
    users = (
        brokers()
        .exclude(pk__in=invited)
        .exclude(memberships__organization_id__in=deal.party_ids)
        .order_by("username")[:200]
    )
    labels = []
    for u in users.prefetch_related("memberships__organization"):
        orgs = ", ".join(m.organization.name for m in u.memberships.all())
        labels.append((u, f"{u.get_full_name() or u.username}{f' ({orgs})' if orgs else ''}"))
    return labels


ROOM_FORMS = {
    "message": forms.MessageForm,
    "meeting": forms.MeetingForm,
    "offer": forms.OfferForm,
    "decline": forms.ReasonForm,
    "terminate": forms.ReasonForm,
}


# What each room action did and what happens next; %(title)s is the listing negotiated on.
DONE = {
    "accept": _("You accepted the interest in “%(title)s”: the negotiation room is open to both sides."),
    "withdraw": _("Your interest in “%(title)s” was withdrawn; the negotiation is closed."),
    "complete": _("The deal on “%(title)s” is marked as completed."),
    "offer_accept": _(
        "You accepted the offer on “%(title)s”: the deal is agreed. Next, file the technology contract "
        "for registration."
    ),
    "offer_reject": _("You rejected the offer on “%(title)s”; you may make a counter-offer."),
    "meeting_confirm": _("The meeting on “%(title)s” is confirmed; both sides are told."),
    "meeting_decline": _("You declined the meeting on “%(title)s”; you may propose another time."),
    "message": _("Your message on “%(title)s” was sent to the other side."),
    "meeting": _("Your meeting proposal on “%(title)s” was sent; the other side confirms or declines it."),
    "offer": _("Your offer on “%(title)s” was sent; the other side accepts, rejects or counters it."),
    "decline": _("You declined the interest in “%(title)s”; the other side is told your reason."),
    "terminate": _("The negotiation on “%(title)s” was ended without agreement; both sides are told."),
    "invite": _("The broker was invited to the negotiation on “%(title)s” and is told."),
}

# Irreversible room actions: (question, what will happen, button); see keqiao.common.confirm.
CONFIRM = {
    "offer_accept": (
        _("Accept this offer on “%(title)s”?"),
        _(
            "The deal is agreed on the offer's terms and cannot be negotiated further; the next step is "
            "filing the technology contract."
        ),
        _("Accept the offer"),
    ),
    "withdraw": (
        _("Withdraw your interest in “%(title)s”?"),
        _("The negotiation is closed for both sides and cannot be reopened."),
        _("Withdraw my interest"),
    ),
    "decline": (
        _("Decline the interest in “%(title)s”?"),
        _("The other side is told your reason; this negotiation cannot be reopened."),
        _("Decline"),
    ),
    "terminate": (
        _("End the negotiation on “%(title)s” without agreement?"),
        _("The room is closed for both sides and cannot be reopened; offers still open lapse."),
        _("End the negotiation"),
    ),
}


def _confirmation(request, deal, action: str):
    if action not in CONFIRM:
        return None
    question, consequence, button = CONFIRM[action]
    return confirmation_page(
        request,
        question=str(question) % {"title": deal.listing.title},
        consequence=consequence,
        button=button,
        cancel_url=deal.get_absolute_url(),
    )


def _done(request, deal, action: str) -> None:
    messages.success(request, str(DONE[action]) % {"title": deal.listing.title})


@login_required
def room(request, pk: int):
    """The negotiation room: timeline, contacts once accepted, messages, meetings, offers, brokers."""
    deal = selectors.deal_visible_to(request.user, pk)
    side = selectors.side_of(request.user, deal)
    bound: dict = {}
    if request.method == "POST":
        response = _room_post(request, deal, side, bound)
        if response is not None:
            return response
        deal = selectors.deal_visible_to(request.user, pk)
    elif side is None and not selectors.is_invited(request.user, deal):
        services.bureau_viewed(deal=deal, by=request.user)
    return _render_room(request, deal, side, bound)


def _render_room(request, deal, side, bound: dict):
    contents = selectors.room_contents(deal)
    # "messages" is the name of Django's flash messages in every template: the room's are room_messages.
    contents["room_messages"] = contents.pop("messages")
    can_write = deal.room_open and (side is not None or selectors.is_invited(request.user, deal))
    room_forms = {name: bound.get(name) or form_class(prefix=name) for name, form_class in ROOM_FORMS.items()}
    reply = request.GET.get("reply", "")
    if "message" not in bound and reply.isdigit():
        room_forms["message"] = forms.MessageForm(prefix="message", initial={"reply_to": int(reply)})
    if side is not None and deal.room_open:
        room_forms["invite"] = bound.get("invite") or forms.InviteForm(
            prefix="invite", brokers=_brokers_for(deal)
        )
    open_offer = next((o for o in contents["offers"] if o.status == choices.OfferStatus.OPEN), None)
    if open_offer and "offer" not in bound:
        room_forms["offer"] = forms.OfferForm(
            prefix="offer",
            initial={
                "price": open_offer.price,
                "payment_method": open_offer.payment_method,
                "mode": open_offer.mode,
                "territory": open_offer.territory,
                "duration_months": open_offer.duration_months,
                "replaces": open_offer.pk,
            },
        )
    elif "offer" not in bound:
        room_forms["offer"] = forms.OfferForm(prefix="offer", initial={"mode": deal.mode})
    contract = getattr(
        deal, "contract", None
    )  # the registered contract, if any (contracts' reverse relation)
    listing = deal.listing
    return render(
        request,
        "negotiations/room.html",
        {
            "deal": deal,
            "listing": listing,
            "side": side,
            "is_party": side is not None,
            "is_counterpart": side is not None and side.pk == deal.counterpart_id,
            "is_initiator": side is not None and side.pk == deal.initiator_id,
            "can_write": can_write,
            "is_broker": side is None and selectors.is_invited(request.user, deal),
            "can_terminate": side is not None
            and "terminate" in choices.DEAL_TRANSITIONS.get(deal.status, {}),
            "read_only": side is None and not selectors.is_invited(request.user, deal),
            "forms": room_forms,
            "open_offer": open_offer,
            "contract": contract,
            "demand_budget": deal.demand if deal.demand_id and deal.disclosed and side is not None else None,
            **contents,
            **panels.context_for(request, "deal", deal),
        },
        status=400 if bound else 200,
    )


def _room_post(request, deal, side, bound: dict):
    """Run one room action; on refusal keep the bound form so nothing typed is lost."""
    action = request.POST.get("action", "")
    user = request.user
    simple = {
        "accept": lambda: services.deal_accept(deal=deal, by=user),
        "withdraw": lambda: services.deal_withdraw(deal=deal, by=user),
        "complete": lambda: services.deal_complete(deal=deal, by=user),
    }
    on_object = {
        "offer_accept": lambda oid: services.offer_accept(offer=deal.offers.get(pk=oid), by=user),
        "offer_reject": lambda oid: services.offer_reject(offer=deal.offers.get(pk=oid), by=user),
        "meeting_confirm": lambda mid: services.meeting_respond(
            meeting=deal.meetings.get(pk=mid), by=user, confirm=True
        ),
        "meeting_decline": lambda mid: services.meeting_respond(
            meeting=deal.meetings.get(pk=mid), by=user, confirm=False
        ),
    }
    if action in on_object:  # an unknown offer or meeting is a 404 before any confirmation is asked
        related = deal.offers if action.startswith("offer") else deal.meetings
        object_id = request.POST.get("object_id", "")
        if not object_id.isdigit() or not related.filter(pk=int(object_id)).exists():
            raise Http404
    if (action in simple or action in on_object) and (page := _confirmation(request, deal, action)):
        return page
    try:
        if action in simple:
            simple[action]()
        elif action in on_object:
            try:
                object_id = int(request.POST.get("object_id", ""))
                on_object[action](object_id)
            except (ValueError, deal.offers.model.DoesNotExist, deal.meetings.model.DoesNotExist) as exc:
                raise Http404 from exc
        elif action in ROOM_FORMS or action == "invite":
            return _room_form_post(request, deal, action, bound)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(deal)
    _done(request, deal, action)
    return redirect(deal)


def _room_form_post(request, deal, action: str, bound: dict):
    user = request.user
    if action == "invite":
        form = forms.InviteForm(request.POST, prefix="invite", brokers=_brokers_for(deal))
    elif action == "message":
        form = forms.MessageForm(request.POST, request.FILES, prefix="message")
    else:
        form = ROOM_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        if page := _confirmation(request, deal, action):
            return page
        data = form.cleaned_data
        try:
            if action == "message":
                services.message_post(
                    deal=deal, by=user, body=data["body"], files=data["files"], reply_to=data.get("reply_to")
                )
            elif action == "meeting":
                services.meeting_propose(deal=deal, by=user, **data)
            elif action == "offer":
                services.offer_make(deal=deal, by=user, **data)
            elif action == "decline":
                services.deal_decline(deal=deal, by=user, reason=data["reason"])
            elif action == "terminate":
                services.deal_terminate(deal=deal, by=user, reason=data["reason"])
            elif action == "invite":
                services.broker_invite(deal=deal, by=user, broker=brokers().get(pk=data["broker"]))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            _done(request, deal, action)
            return redirect(f"{deal.get_absolute_url()}#{action}")
    bound[action] = form
    return None


@login_required
def attachment(request, pk: int, attachment_pk: int):
    att = selectors.attachment_visible_to(request.user, pk, attachment_pk)
    deal = att.message.deal
    if selectors.side_of(request.user, deal) is None and not selectors.is_invited(request.user, deal):
        services.bureau_viewed(deal=deal, by=request.user)
    return file_response(att.file.open("rb"), att.original_name, att.content_type)
