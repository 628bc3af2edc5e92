"""Pages of listed trading: the trading hall, publishing an auction, the auction room and its live state."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import (
    user_holder_organizations,
    user_is_bureau,
    user_organization_ids,
    user_sees_statistics,
)
from keqiao.achievements.models import Achievement
from keqiao.common.confirm import confirmation_page
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError, NotPermitted, add_to_form
from keqiao.common.pagination import paginate
from keqiao.contracts import trade_modes
from keqiao.evaluation.selectors import valuations_for_deal
from keqiao.negotiations.choices import DealMode

from . import choices, forms, selectors, services
from .models import ObjectionAttachment

HALL_STATUS = {"open": _("Bidding open"), "closed": _("Ended"), "all": _("All")}
HALL_LISTINGS = 10


def hall(request):
    """The trading hall (交易大厅): open price notices, open fixed-price listings and auctions with their
    countdowns; the mode and the words filter listings and auctions, the state the auctions."""
    status = request.GET.get("status", "open")
    if status not in HALL_STATUS:
        status = "open"
    qs = selectors.auctions_public()
    if status == "open":
        qs = qs.filter(status=choices.AuctionStatus.OPEN)
    elif status == "closed":
        qs = qs.exclude(status=choices.AuctionStatus.OPEN)
    mode = request.GET.get("mode", "")
    if mode in DealMode.values:
        qs = qs.filter(mode=mode)
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    listing_filter = {}
    if mode in DealMode.values:
        listing_filter["mode"] = mode
    if q:
        qs = qs.filter(achievement__title__icontains=q)
        listing_filter["achievement__title__icontains"] = q
    return render(
        request,
        "trading/hall.html",
        {
            "page": paginate(request, qs, 20),
            # Open price notices (the public may object) and listings above the auctions; all listings
            # on their own page.
            "notices": list(selectors.notices_public().filter(status=choices.NoticeStatus.OPEN)[:20]),
            "listings": list(
                selectors.listings_public().filter(status=choices.ListingStatus.OPEN, **listing_filter)[
                    :HALL_LISTINGS
                ]
            ),
            "hall_listings": HALL_LISTINGS,
            "status": status,
            "statuses": HALL_STATUS,
            "mode": mode,
            "modes": DealMode.choices,
            "q": q,
            "now": timezone.now(),
            "is_bureau": user_is_bureau(request.user),
            # every mode, challenge tenders included (their app registers its own provider)
            "outcomes": trade_modes.outcomes_by_mode() if user_sees_statistics(request.user) else None,
            "may_publish": request.user.is_authenticated and bool(publishable_achievements(request.user)),
        },
    )


def publishable_achievements(user):
    return list(
        Achievement.objects.filter(
            organization_id__in=user_organization_ids(user),
            organization__status=Organization.Status.VERIFIED,
            status=Achievement.Status.PUBLISHED,
        )
        .select_related("organization")
        .order_by("-pk")[:200]
    )


@login_required
def auction_new(request):
    """A holder puts one of its published achievements up for auction."""
    achievements = publishable_achievements(request.user)
    if not achievements:
        raise Http404
    form = forms.AuctionForm(request.POST if request.method == "POST" else None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        achievement = next(a for a in achievements if a.pk == data["achievement"])
        try:
            auction = services.auction_create(
                by=request.user, organization=achievement.organization, achievement=achievement, data=data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The auction of “%(title)s” is published: admit the bidders who register.")
                % {"title": achievement.title},
            )
            return redirect(auction)
    return render(request, "trading/auction_new.html", {"form": form}, status=400 if form.errors else 200)


def _live_context(request, auction) -> dict:
    bidder = selectors.bidder_of(request.user, auction)
    now = timezone.now()
    remaining = max(0, int((auction.ends_at - now).total_seconds())) if auction.is_open else 0
    return {
        "auction": auction,
        "bidder": bidder,
        "history": selectors.bid_history(auction),
        "started": now >= auction.starts_at,
        "remaining": remaining,
        "remaining_parts": divmod(remaining, 60),
        "leading_mine": bool(bidder and auction.leading_bidder_id == bidder.pk),
        "reserve_met": auction.bid_count and auction.current_price >= auction.reserve_price,
    }


def auction_live(request, pk: int):
    """The live state of an auction, polled by its page every two seconds (htmx)."""
    auction = selectors.auction_for(request.user, pk)
    return render(request, "trading/_live.html", _live_context(request, auction))


def _eligible_organizations(user, auction):
    return [
        o
        for o in user_holder_organizations(user)
        if o.pk != auction.organization_id and o.is_verified and o.kind not in Organization.GOVERNMENT_KINDS
    ]


def auction(request, pk: int):
    """The auction room: terms, the live state, registering, admitting bidders, bidding, cancelling."""
    auction = selectors.auction_for(request.user, pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response, status = _auction_post(request, auction, bound)
        if response is not None:
            return response
        auction = selectors.auction_for(request.user, pk)
    user = request.user
    organiser = selectors.is_organiser(user, auction)
    context = _live_context(request, auction)
    organizations = _eligible_organizations(user, auction) if user.is_authenticated and not organiser else []
    context.update(
        is_organiser=organiser,
        sees_bidders=selectors.sees_bidders(user, auction),
        sees_ledger=user.is_authenticated and selectors.sees_ledger(user, auction),
        bidders=list(selectors.bidders_for_organiser(auction))
        if selectors.sees_bidders(user, auction)
        else [],
        events=list(auction.events.select_related("actor").order_by("created_at", "id")),
        can_register=auction.is_open and context["bidder"] is None and bool(organizations),
        register_form=bound.get("register") or forms.RegisterForm(organizations=organizations),
        bid_form=bound.get("bid") or forms.BidForm(initial={"amount": auction.next_minimum}),
        decide_form=bound.get("decide"),
        cancel_form=bound.get("cancel") or forms.CancelForm(),
    )
    return render(request, "trading/auction.html", context, status=status)


def _auction_post(request, auction, bound: dict):
    """Run one action; on refusal keep the bound form so that nothing typed is lost."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "register":
        form = forms.RegisterForm(request.POST, organizations=_eligible_organizations(user, auction))

        def run(data):
            org = Organization.objects.get(pk=data["organization"])
            services.bidder_register(auction=auction, by=user, organization=org, statement=data["statement"])
            return _("Your registration was sent to the organiser, who admits bidders.")

    elif action == "decide":
        form = forms.DecideForm(request.POST)

        def run(data):
            bidder = auction.bidders.filter(pk=data["bidder"]).first()
            if bidder is None:
                raise Http404
            accept = data["decision"] == "accept"
            services.bidder_decide(bidder=bidder, by=user, accept=accept, note=data["note"])
            done = (
                _("Bidder #%(paddle)d was admitted.") if accept else _("Bidder #%(paddle)d was not admitted.")
            )
            return str(done) % {"paddle": bidder.paddle}

    elif action == "bid":
        form = forms.BidForm(request.POST)

        def run(data):
            bid = services.bid_place(auction=auction, by=user, amount=data["amount"])
            return (
                _("Your bid is the highest; the end was extended.")
                if bid.extended
                else _("Your bid is the highest.")
            )

    elif action == "cancel":
        form = forms.CancelForm(request.POST)
        confirm = confirmation_page(
            request,
            question=_("Cancel the auction of “%(title)s”?") % {"title": auction.title},
            consequence=_("Registered bidders are told; the auction cannot be reopened."),
            button=_("Cancel the auction"),
            cancel_url=auction.get_absolute_url(),
        )
        if confirm is not None:
            return confirm, 200

        def run(data):
            services.auction_cancel(auction=auction, by=user, reason=data["reason"])
            return _("The auction was cancelled.")

    else:
        return HttpResponse(_("Unknown action."), status=400), 400
    bound[action] = form
    if not form.is_valid():
        return None, 400
    try:
        done = run(form.cleaned_data)
    except NotPermitted as exc:
        if action == "decide" and not selectors.is_organiser(user, auction):
            raise Http404 from exc
        add_to_form(form, exc)
        return None, exc.status_code
    except DomainError as exc:
        add_to_form(form, exc)
        return None, exc.status_code
    messages.success(request, done)
    return redirect(auction), 302


@login_required
def auction_ledger(request, pk: int):
    """The bid ledger as JSON (paddle numbers only), for the organiser, the bureau and admitted bidders."""
    auction = selectors.auction_for(request.user, pk)
    if not selectors.sees_ledger(request.user, auction):
        raise Http404
    body = json.dumps(selectors.ledger_document(auction), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="auction-{auction.pk}-ledger.json"'
    return response


# --- agreed-price public notices ---------------------------------------------------------------------


@login_required
def notice_new(request, deal_pk: int):
    """The university or institute publishes the price it agreed in a negotiation."""
    deal = selectors.deal_for_notice(request.user, deal_pk)
    form = forms.NoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"notice_days": services.notice_days_for(deal.seller)},
        valuations=valuations_for_deal(request.user, deal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(
                deal=deal,
                by=request.user,
                pricing_basis=form.cleaned_data["pricing_basis"],
                notice_days=form.cleaned_data["notice_days"],
                valuation_id=form.cleaned_data["valuation"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The price notice is published; the public may object until it ends.")
            )
            return redirect(notice)
    return render(
        request, "trading/notice_new.html", {"form": form, "deal": deal}, status=400 if form.errors else 200
    )


def notice(request, pk: int):
    """The public notice: terms, pricing basis, objections and answers; sign in to object."""
    notice = selectors.notice_for(pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        status = _notice_post(request, notice, bound)
        if status == 302:
            return redirect(notice)
        notice = selectors.notice_for(pk)
    user = request.user
    is_holder = notice.organization_id in user_organization_ids(user)
    objections = list(notice.objections.select_related("author").prefetch_related("attachments"))
    for o in objections:
        o.files_visible = selectors.sees_objection_files(user, o)
    return render(
        request,
        "trading/notice.html",
        {
            "notice": notice,
            "is_holder": is_holder,
            "objections": objections,
            "events": list(notice.events.order_by("created_at", "id")),
            "objection_form": bound.get("object") or forms.ObjectionForm(),
            "answer_form": bound.get("answer"),
            "withdraw_form": bound.get("withdraw") or forms.WithdrawForm(),
            "now": timezone.now(),
        },
        status=status,
    )


def _notice_post(request, notice, bound: dict) -> int:
    action = request.POST.get("action", "")
    user = request.user
    if action == "object":
        form = forms.ObjectionForm(request.POST, request.FILES)
    elif action == "answer":
        form = forms.AnswerForm(request.POST)
    elif action == "withdraw":
        form = forms.WithdrawForm(request.POST)
        confirm = confirmation_page(
            request,
            question=_("Withdraw the price notice of “%(title)s”?") % {"title": notice.title},
            consequence=_("The notice closes as withdrawn; the price must be renegotiated."),
            button=_("Withdraw the notice"),
            cancel_url=notice.get_absolute_url(),
        )
        if confirm is not None:
            bound["withdraw"] = form
            return 200
    else:
        return 400
    bound[action] = form
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        if action == "object":
            services.objection_file(notice=notice, by=user, reasons=data["reasons"], files=data["files"])
            messages.success(request, _("Your objection was filed; the holder answers it."))
        elif action == "answer":
            objection = notice.objections.filter(pk=data["objection"]).first()
            if objection is None:
                raise Http404
            services.objection_answer(objection=objection, by=user, answer=data["answer"])
            messages.success(request, _("Your answer is published with the objection."))
        else:
            services.notice_withdraw(notice=notice, by=user, reason=data["reason"])
            messages.success(request, _("The price notice was withdrawn."))
    except DomainError as exc:
        add_to_form(form, exc)
        return exc.status_code
    return 302


@login_required
def notice_attachment(request, pk: int, attachment_pk: int):
    att = (
        ObjectionAttachment.objects.select_related("objection__notice")
        .filter(pk=attachment_pk, objection__notice_id=pk)
        .first()
    )
    if att is None or not selectors.sees_objection_files(request.user, att.objection):
        raise Http404
    return file_response(att.file.open("rb"), att.original_name, att.content_type)
