"""Writes for matching: subscriptions, alerts on new matches, and brokers' recommendations."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import require_active_organization, user_is_broker, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.common import text
from keqiao.common.choices import TechField
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.validators import MAX_ID, strip_invisible
from keqiao.demands.models import Demand
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from .index import matches_for
from .models import Frequency, Recommendation, Subscription
from .notification_kinds import NEW_MATCH, RECOMMENDATION, RECOMMENDATION_OUTCOME

ALERT_GRADES = ("strong", "good")  # match grades worth a notification ("possible" ones are not)


# --- subscriptions --------------------------------------------------------------------------------


def subscription_label(kind: str, value: str) -> str:
    if kind == Subscription.Kind.FIELD:
        return str(dict(TechField.choices).get(value, value))
    lookups = {"organization": Organization, "achievement": Achievement, "demand": Demand}
    if kind in lookups:
        obj = lookups[kind].objects.filter(pk=value).first()
        return str(obj) if obj else value
    return value


def subscription_create(
    *, user: User, kind: str, value: str, frequency: str = Frequency.DAILY
) -> Subscription:
    """Follow something; following twice keeps one subscription (its frequency is updated)."""
    value = strip_invisible(value or "").strip()
    if kind not in Subscription.Kind.values:
        raise DomainError(_("Unknown kind of subscription."), field="kind")
    if frequency not in Frequency.values:
        raise DomainError(_("Unknown e-mail frequency."), field="frequency")
    if kind == Subscription.Kind.FIELD and value not in TechField.values:
        raise DomainError(_("Unknown technology field."), field="value")
    if kind == Subscription.Kind.QUERY and not text.tokenize(value):
        raise DomainError(_("Give at least one meaningful word to follow."), field="value")
    if kind not in (Subscription.Kind.QUERY, Subscription.Kind.FIELD) and not (
        value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID
    ):
        raise DomainError(_("Unknown record."), field="value")
    if len(value) > 200:
        raise DomainError(_("The query is too long."), field="value")
    subscription, created = Subscription.objects.get_or_create(
        user=user,
        kind=kind,
        value=value,
        defaults={"frequency": frequency, "label": subscription_label(kind, value)[:200]},
    )
    if not created and subscription.frequency != frequency:
        subscription.frequency = frequency
        subscription.save(update_fields=["frequency"])
    return subscription


def subscription_delete(*, user: User, subscription_id: int) -> None:
    deleted, _rows = Subscription.objects.filter(user=user, pk=subscription_id).delete()
    if not deleted:
        raise NotPermitted(_("This subscription is not yours."))


def subscription_unfollow(*, user: User, kind: str, value: str) -> None:
    """Stop following a field, an organisation, a listing or a query (nothing happens if not followed)."""
    Subscription.objects.filter(user=user, kind=kind, value=value).delete()


def stop_subscription_email(sender, *, user: User, **kwargs) -> None:
    """The user stopped all e-mail with the link in an e-mail: what they follow stays in the platform."""
    Subscription.objects.filter(user=user).update(frequency=Frequency.NEVER)


# --- alerts -----------------------------------------------------------------------------------------


def alert_new_listing(kind: str, record) -> int:
    """A listing was published or changed: notify followers of its field, organisation or a matching
    query, and followers of the listings it now matches. Returns the number of notifications."""
    total = 0
    title = str(_("New %(kind)s: %(title)s") % {"kind": KIND_LABELS[kind], "title": record.title})
    tokens = set(text.tokenize(" ".join([record.title, " ".join(record.keywords)]))) | set(
        text.tokenize(getattr(record, "summary", "") or getattr(record, "problem", ""))
    )
    recipients: dict[int, tuple[str, str | None]] = {}  # user id: (reason, e-mail frequency)
    for sub in Subscription.objects.filter(
        Q(kind=Subscription.Kind.FIELD, value=record.tech_field)
        | Q(kind=Subscription.Kind.ORGANIZATION, value=str(record.organization_id))
        | Q(kind=Subscription.Kind.QUERY)
    ).select_related("user"):
        if sub.kind == Subscription.Kind.QUERY and not set(text.tokenize(sub.value)) <= tokens:
            continue
        if not sub.user.is_active:
            continue
        recipients.setdefault(
            sub.user_id, (_("You follow %(what)s") % {"what": sub.label or sub.value}, sub.frequency)
        )
    recipients.pop(getattr(record, "created_by_id", None), None)
    total += len(
        notify(
            recipients,
            verb=NEW_MATCH,
            title=title,
            url=record.get_absolute_url(),
            key=f"new:{kind}:{record.pk}",
        )
    )

    # Listings this record matches well: tell whoever follows them (their owners usually do).
    for row in matches_for(kind, record, k=20):
        if row.grade not in ALERT_GRADES:
            continue
        other = row.record
        other_kind = "demand" if kind == "achievement" else "achievement"
        followers = {
            s.user_id: (
                _("It matches “%(title)s”, which you follow") % {"title": other.title},
                s.frequency,
            )
            for s in Subscription.objects.filter(kind=other_kind, value=str(other.pk)).select_related("user")
        }
        title = _("New match for “%(title)s”: %(match)s") % {"title": other.title, "match": record.title}
        total += len(
            notify(
                followers,
                verb=NEW_MATCH,
                title=title,
                url=record.get_absolute_url(),
                key=f"match:{other_kind}:{other.pk}:{kind}:{record.pk}",
            )
        )
    return total


KIND_LABELS = {"achievement": _("achievement"), "demand": _("demand")}


# --- brokers' recommendations ---------------------------------------------------------------------


@transaction.atomic
def recommendation_push(*, broker: User, achievement, demand, direction: str, note: str) -> Recommendation:
    """A broker recommends an achievement to a demand's publisher (or the reverse), with a note."""
    if not user_is_broker(broker):
        raise NotPermitted(_("Only technology brokers and service agencies can push recommendations."))
    if not (achievement.is_public and demand.is_public):
        raise DomainError(_("Both listings must be published."))
    if direction not in ("demand", "achievement"):
        raise DomainError(_("Unknown recipient."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Add a note saying why this is a good match."), field="note")
    try:
        with transaction.atomic():
            rec = Recommendation.objects.create(
                broker=broker, achievement=achievement, demand=demand, direction=direction, note=note[:2000]
            )
    except IntegrityError as exc:
        raise DomainError(_("You have already sent this recommendation.")) from exc
    target_org = demand.organization_id if direction == "demand" else achievement.organization_id
    pushed = achievement if direction == "demand" else demand
    recipients = {
        u.pk: (_("Recommended by %(broker)s") % {"broker": str(broker)}, None)
        for u in User.objects.filter(memberships__organization_id=target_org, is_active=True)
    }
    notify(
        recipients,
        verb=RECOMMENDATION,
        title=_("Recommendation: %(title)s") % {"title": pushed.title},
        url=f"/matching/recommendations/#rec-{rec.pk}",
        key=f"rec:{rec.pk}",
    )
    return rec


@transaction.atomic
def recommendation_respond(
    *, recommendation: Recommendation, by: User, acted: bool, note: str = ""
) -> Recommendation:
    """The recipient dismisses the recommendation or takes it up; the broker is told the outcome."""
    rec = (
        Recommendation.objects.select_for_update()
        .select_related("achievement", "demand")
        .get(pk=recommendation.pk)
    )
    if rec.recipient_organization_id not in user_organization_ids(by):
        raise NotPermitted(_("This recommendation was not sent to your organisation."))
    require_active_organization(
        Organization.objects.get(pk=rec.recipient_organization_id), allow_pending=False
    )
    if rec.status != Recommendation.Status.SENT:
        raise DomainError(_("This recommendation has already been answered."))
    rec.status = Recommendation.Status.ACTED if acted else Recommendation.Status.DISMISSED
    rec.response_note, rec.responded_at, rec.responded_by = (note or "")[:500], timezone.now(), by
    rec.save(update_fields=["status", "response_note", "responded_at", "responded_by"])
    notify(
        {rec.broker_id: ("", None)},
        verb=RECOMMENDATION_OUTCOME,
        title=_("Your recommendation was %(outcome)s") % {"outcome": Recommendation.Status(rec.status).label},
        url=f"/matching/recommendations/#rec-{rec.pk}",
        key=f"rec-outcome:{rec.pk}",
    )
    return rec
