"""JSON API for deals and technology contracts. Everything here needs a session; strangers get 404."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from keqiao.accounts.models import User
from keqiao.accounts.selectors import user_holder_organizations
from keqiao.common.downloads import file_response
from keqiao.common.errors import DomainError
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import (
    STRICT_MULTIPART,
    Choice,
    Id,
    InputSchema,
    PositiveAmount,
    Text,
    refuse_unknown_form_keys,
)

from . import choices, selectors, services
from .models import Deal

router = Router(tags=["deals"], auth=django_auth)


class OrgRef(Schema):
    id: int
    name: str
    kind: str


class DealOut(Schema):
    id: int
    status: str
    status_label: str = Field(..., alias="get_status_display")
    listing_kind: str
    listing_id: int
    listing_title: str
    initiator: OrgRef
    counterpart: OrgRef
    mode: str
    message: str
    status_note: str
    created_at: datetime.datetime
    last_activity_at: datetime.datetime

    @staticmethod
    def resolve_listing_id(obj: Deal) -> int:
        return obj.achievement_id or obj.demand_id

    @staticmethod
    def resolve_listing_title(obj: Deal) -> str:
        return obj.listing.title


class MessageOut(Schema):
    id: int
    author: str
    body: str
    reply_to_id: int | None
    created_at: datetime.datetime
    attachments: list[dict]

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.get_full_name() or obj.author.username

    @staticmethod
    def resolve_attachments(obj) -> list[dict]:
        return [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in obj.attachments.all()
        ]


class OfferOut(Schema):
    id: int
    side_id: int
    price: Decimal
    payment_method: str
    payment_note: str
    mode: str
    territory: str
    duration_months: int | None
    note: str
    status: str
    replaces_id: int | None
    created_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    starts_at: datetime.datetime
    place: str
    online_link: str
    agenda: str
    status: str
    proposer_org_id: int | None


class EventOut(Schema):
    action: str
    label: str = Field(..., alias="action_label")
    from_status: str
    to_status: str
    note: str
    created_at: datetime.datetime
    actor: str | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class Contact(Schema):
    organization: str
    contact: str


class RoomOut(Schema):
    deal: DealOut
    contacts: list[Contact]
    messages: list[MessageOut]
    offers: list[OfferOut]
    meetings: list[MeetingOut]
    events: list[EventOut]


def _contacts(deal: Deal, user) -> list[dict]:
    if not deal.disclosed or (selectors.side_of(user, deal) is None and selectors.is_invited(user, deal)):
        return []
    listing = deal.listing
    listing_contact = " ".join(
        filter(None, [listing.contact_name, listing.contact_phone, listing.contact_email])
    )
    init = deal.initiator
    return [
        {
            "organization": init.name,
            "contact": " ".join(filter(None, [init.contact_name, init.contact_phone, init.contact_email]))
            or deal.initiated_by.email,
        },
        {
            "organization": deal.counterpart.name,
            "contact": listing_contact
            or " ".join(
                filter(
                    None,
                    [
                        deal.counterpart.contact_name,
                        deal.counterpart.contact_phone,
                        deal.counterpart.contact_email,
                    ],
                )
            ),
        },
    ]


def _room(request, deal_id: int) -> dict:
    deal = selectors.deal_visible_to(request.user, deal_id)
    if selectors.side_of(request.user, deal) is None and not selectors.is_invited(request.user, deal):
        services.bureau_viewed(deal=deal, by=request.user)
    contents = selectors.room_contents(deal)
    return {
        "deal": deal,
        "contacts": _contacts(deal, request.user),
        **{k: contents[k] for k in ("messages", "offers", "meetings", "events")},
    }


@router.get("/deals", response=list[DealOut], summary="Negotiations of my organisations")
def deal_list(
    request,
    status: Choice([*choices.DealStatus.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.deals_of_user(request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


class InterestIn(InputSchema):
    listing_kind: Choice(["achievement", "demand"])
    listing_id: Id
    organization_id: Id | None = None
    mode: Choice(choices.DealMode)
    message: Text(2000, required=True)


@router.post(
    "/deals", response={201: DealOut}, summary="Express interest in a published achievement or demand"
)
def deal_create(request, payload: InterestIn):
    listing = selectors.public_listing(payload.listing_kind, payload.listing_id)
    orgs = {o.pk: o for o in user_holder_organizations(request.user)}
    org_id = payload.organization_id or next((pk for pk in orgs if pk != listing.organization_id), None)
    if org_id not in orgs:
        raise Http404
    deal = services.deal_express_interest(
        by=request.user,
        organization=orgs[org_id],
        listing=listing,
        mode=payload.mode,
        message=payload.message,
    )
    return Status(201, deal)


@router.get("/deals/{deal_id}", response=RoomOut, summary="The negotiation room")
def deal_detail(request, deal_id: int):
    return _room(request, deal_id)


class ReasonIn(InputSchema):
    reason: Text(500) = ""


@router.post(
    "/deals/{deal_id}/messages",
    response={201: MessageOut},
    summary="Post a message (multipart)",
    openapi_extra=STRICT_MULTIPART,
)
def message_create(
    request,
    deal_id: int,
    body: Form[Text(5000, required=True)],
    reply_to: Form[Id | None] = None,
    files: File[list[UploadedFile]] = None,
):
    refuse_unknown_form_keys(request, fields=("body", "reply_to"), files=("files",))
    deal = selectors.deal_visible_to(request.user, deal_id)
    msg = services.message_post(deal=deal, by=request.user, body=body, files=files or [], reply_to=reply_to)
    return Status(201, msg)


@router.get("/deals/{deal_id}/attachments/{attachment_id}", summary="Download an attachment")
def attachment_download(request, deal_id: int, attachment_id: int):
    att = selectors.attachment_visible_to(request.user, deal_id, attachment_id)
    deal = att.message.deal
    if selectors.side_of(request.user, deal) is None and not selectors.is_invited(request.user, deal):
        services.bureau_viewed(deal=deal, by=request.user)
    return file_response(att.file.open("rb"), att.original_name, att.content_type)


class OfferIn(InputSchema):
    price: PositiveAmount
    payment_method: Choice(choices.PaymentMethod)
    payment_note: Text(300) = ""
    mode: Choice(choices.DealMode)
    territory: Text(100, multiline=False) = ""
    duration_months: int | None = Field(None, ge=1, le=600)
    note: Text(2000) = ""
    replaces: Id | None = None


@router.post("/deals/{deal_id}/offers", response={201: OfferOut}, summary="Make an offer or a counter-offer")
def offer_create(request, deal_id: int, payload: OfferIn):
    deal = selectors.deal_visible_to(request.user, deal_id)
    return Status(201, services.offer_make(deal=deal, by=request.user, **payload.dict()))


@router.post(
    "/deals/{deal_id}/offers/{offer_id}/{answer}",
    response=DealOut,
    summary="accept (agree on its terms) or reject the other side's offer",
)
def offer_answer(request, deal_id: int, offer_id: int, answer: str):
    deal = selectors.deal_visible_to(request.user, deal_id)
    offer = deal.offers.filter(pk=offer_id).first()
    if offer is None or answer not in ("accept", "reject"):
        raise Http404
    if answer == "accept":
        services.offer_accept(offer=offer, by=request.user)
    else:
        services.offer_reject(offer=offer, by=request.user)
    return selectors.deal_visible_to(request.user, deal_id)


class MeetingIn(InputSchema):
    starts_at: datetime.datetime
    place: Text(200, multiline=False) = ""
    online_link: Text(200, multiline=False) = ""
    agenda: Text(500) = ""


@router.post("/deals/{deal_id}/meetings", response={201: MeetingOut}, summary="Propose a meeting")
def meeting_create(request, deal_id: int, payload: MeetingIn):
    deal = selectors.deal_visible_to(request.user, deal_id)
    return Status(201, services.meeting_propose(deal=deal, by=request.user, **payload.dict()))


@router.post(
    "/deals/{deal_id}/meetings/{meeting_id}/{answer}",
    response=MeetingOut,
    summary="confirm or decline a meeting",
)
def meeting_answer(request, deal_id: int, meeting_id: int, answer: str):
    deal = selectors.deal_visible_to(request.user, deal_id)
    meeting = deal.meetings.filter(pk=meeting_id).first()
    if meeting is None or answer not in ("confirm", "decline"):
        raise Http404
    return services.meeting_respond(meeting=meeting, by=request.user, confirm=answer == "confirm")


class InviteIn(InputSchema):
    username: Text(150, required=True, multiline=False)


@router.post("/deals/{deal_id}/invitations", response={201: dict}, summary="Invite a broker into the room")
def invite(request, deal_id: int, payload: InviteIn):
    deal = selectors.deal_visible_to(request.user, deal_id)
    broker = User.objects.filter(username=payload.username, is_active=True).first()
    if broker is None:  # the same answer as for an existing user who is not a broker: no probing
        raise DomainError(_("Only registered technology brokers and service agencies can be invited."))
    inv = services.broker_invite(deal=deal, by=request.user, broker=broker)
    return Status(201, {"id": inv.pk, "user": broker.username})


DEAL_ACTIONS = {
    "accept": lambda d, u, p: services.deal_accept(deal=d, by=u),
    "decline": lambda d, u, p: services.deal_decline(deal=d, by=u, reason=p.reason),
    "withdraw": lambda d, u, p: services.deal_withdraw(deal=d, by=u),
    "terminate": lambda d, u, p: services.deal_terminate(deal=d, by=u, reason=p.reason),
    "complete": lambda d, u, p: services.deal_complete(deal=d, by=u, note=p.reason),
}


@router.post(
    "/deals/{deal_id}/{action}",
    response=DealOut,
    summary="accept, decline (reason), withdraw, terminate (reason), complete",
)
def deal_action(request, deal_id: int, action: str, payload: ReasonIn | None = None):
    if action not in DEAL_ACTIONS:
        raise Http404
    deal = selectors.deal_visible_to(request.user, deal_id)
    DEAL_ACTIONS[action](deal, request.user, payload or ReasonIn())
    return selectors.deal_visible_to(request.user, deal_id)
