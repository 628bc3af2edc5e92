"""JSON API of bulk import: the user's imports and their state or report (the wizard itself is a page,
and operators have `manage.py import_records`)."""

import datetime

from ninja import Query, Router, Schema
from ninja.security import django_auth

from keqiao.common.pagination import MAX_OFFSET

from . import selectors

router = Router(tags=["imports"])


class BatchOut(Schema):
    id: int
    kind: str
    source_name: str
    organization_id: int | None
    original_name: str
    file_format: str
    status: str
    created_at: datetime.datetime
    committed_at: datetime.datetime | None


class RowError(Schema):
    row: int
    column: str
    field: str
    message: str


class BatchDetailOut(BatchOut):
    headers: list[str]
    mapping: dict[str, str]
    errors: list[RowError]
    created: int
    updated: int
    skipped: int
    failure: str

    @staticmethod
    def resolve_created(obj) -> int:
        return obj.report.get("created", 0)

    @staticmethod
    def resolve_updated(obj) -> int:
        return obj.report.get("updated", 0)

    @staticmethod
    def resolve_skipped(obj) -> int:
        return obj.report.get("skipped", 0)


@router.get(
    "/imports", response=list[BatchOut], summary="Your imports (all of them for the bureau)", auth=django_auth
)
def batch_list(request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    return list(selectors.batches_of_user(request.user)[offset : offset + limit])


@router.get(
    "/imports/{batch_id}",
    response=BatchDetailOut,
    summary="An import: mapping, row errors, report",
    auth=django_auth,
)
def batch_detail(request, batch_id: int):
    return selectors.batch_visible_to(request.user, batch_id)
