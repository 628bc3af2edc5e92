"""JSON API of patent records: published ones in public, unpublished applications to their holder."""

import datetime

from ninja import Query, Router, Schema

from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Choice

from . import choices, selectors

router = Router(tags=["patents"])


class PatentOut(Schema):
    id: int
    application_number: str
    publication_number: str
    kind: str
    title: str
    applicants: list[str]
    inventors: list[str]
    ipc_codes: list[str]
    legal_status: str
    application_date: datetime.date | None
    publication_date: datetime.date | None
    grant_date: datetime.date | None
    holder_id: int | None
    source: str


@router.get("/patents", response=list[PatentOut], summary="Patent records")
def patent_list(
    request,
    kind: Choice([*choices.Kind.values, ""]) = "",
    legal_status: Choice([*choices.LegalStatus.values, ""]) = "",
    holder_id: int = Query(0, ge=0, le=MAX_OFFSET),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.patents_visible_to(request.user).order_by("-application_date", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if legal_status:
        qs = qs.filter(legal_status=legal_status)
    if holder_id:
        qs = qs.filter(holder_id=holder_id)
    return list(qs[offset : offset + limit])


@router.get("/patents/{patent_id}", response=PatentOut, summary="A patent record")
def patent_detail(request, patent_id: int):
    return selectors.patent_visible_to(request.user, patent_id)
