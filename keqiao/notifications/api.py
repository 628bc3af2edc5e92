"""JSON API for the signed-in user's notifications."""

from ninja import Router, Schema
from ninja.security import django_auth

from . import selectors

# The tag and the operation id are those the endpoint had under matching: the OpenAPI document (and
# clients generated from it) stay as they were.
router = Router(tags=["matching"])


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    url: str
    reason: str
    created_at: str
    read: bool

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_title(obj):
        return obj.display_title  # in the language of the request

    @staticmethod
    def resolve_reason(obj):
        return obj.display_reason

    @staticmethod
    def resolve_read(obj):
        return obj.read_at is not None


@router.get(
    "/me/notifications",
    response=list[NotificationOut],
    auth=django_auth,
    operation_id="keqiao_matching_api_my_notifications",
)
def my_notifications(request, unread: bool = False):
    return list(selectors.notifications_of(request.user, unread=unread)[:100])
