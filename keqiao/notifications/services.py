"""Writes for notifications: create them, e-mail them (at once or in digests), stop and resume e-mail."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import User
from keqiao.common.emails import send_to_users
from keqiao.common.errors import DomainError

from . import kinds, links, text
from .models import Frequency, Notification
from .signals import email_stopped

# Tokens signed before notifications had their own app carry this salt: it must not change.
UNSUBSCRIBE_SALT = "keqiao.unsubscribe"
EMAIL_TEMPLATE = "notifications/email/notification"


# --- unsubscribe ----------------------------------------------------------------------------------


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])


def unsubscribe_footer(user: User) -> str:
    """The line closing every e-mail (see keqiao.common.emails.register_footer)."""
    return gettext("Stop all e-mail from Keqiao with one click: %(url)s") % {"url": unsubscribe_url(user)}


@transaction.atomic
def unsubscribe_all(token: str) -> User:
    """One click from any e-mail: stop every e-mail to this user (in-app notifications go on)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=datetime.timedelta(days=365))
    except signing.BadSignature as exc:
        raise DomainError(_("This unsubscribe link is not valid.")) from exc
    user = User.objects.get(pk=data["u"])
    User.objects.filter(pk=user.pk).update(email_opt_out=True)
    # what was waiting for a digest stays in the platform only
    Notification.objects.filter(user=user, emailed_at__isnull=True).update(frequency=Frequency.NEVER)
    email_stopped.send(sender=Notification, user=user)
    return user


def email_resume(*, user: User) -> None:
    """Undo the unsubscribe link (the user's subscriptions keep their in-platform-only frequency)."""
    User.objects.filter(pk=user.pk).update(email_opt_out=False)


# --- notifications --------------------------------------------------------------------------------


def _stored(value) -> str:
    """The text kept in the plain field: in the site's language, whoever triggered the notification."""
    if isinstance(value, text.Text):
        with translation.override(settings.LANGUAGE_CODE):
            return text.render(value.as_data(), str(value))
    return str(value)


def notify(
    user_ids_reasons: dict[int, tuple[str, str | None]], *, verb: str, title: str, url: str, key: str
) -> list[Notification]:
    """Notify each user once per event `key`: {user_id: (reason, e-mail frequency)}, a frequency of
    None meaning at once. Instant ones are e-mailed after commit, the others by the digests.

    `verb` must be a kind registered in keqiao.notifications.kinds. A title or reason made with
    keqiao.notifications.text (a Text) is shown in each reader's language; plain text as given."""
    if not kinds.is_registered(verb):
        raise kinds.UnknownKind(f"No app registered the notification verb {verb!r}")
    verb = str(verb)
    created = []
    stored_title, title_data = _stored(title), text.data_of(title)
    for user_id, (reason, frequency) in user_ids_reasons.items():
        texts = {"title": title_data, "reason": text.data_of(reason)}
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user_id=user_id,
                        verb=verb,
                        title=stored_title[:300],
                        texts={k: v for k, v in texts.items() if v},
                        url=url,
                        reason=_stored(reason)[:300],
                        frequency=frequency or Frequency.INSTANT,
                        key=key[:120],
                    )
                )
        except IntegrityError:
            continue  # already notified of this very event
    instant = [n for n in created if n.frequency == Frequency.INSTANT]
    if instant:
        ids = [n.pk for n in instant]
        transaction.on_commit(lambda: send_instant(ids))
    return created


def _email_context(notifications: list[Notification]) -> dict:
    return {"notifications": notifications, "preferences_url": links.preferences_url()}


def send_instant(notification_ids: list[int]) -> int:
    """E-mail notifications now (claimed with a conditional update so nothing is sent twice)."""
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "user"
    ):
        if not Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        sent += send_to_users([n.user], EMAIL_TEMPLATE, _email_context([n]))
    return sent


def send_digests(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """Send one e-mail per user with their notifications of this `frequency` not yet e-mailed."""
    now = now or timezone.now()
    pending = Notification.objects.filter(emailed_at__isnull=True, frequency=frequency)
    sent = 0
    for user_id in set(pending.values_list("user_id", flat=True)):
        with transaction.atomic():
            ids = list(pending.filter(user_id=user_id).values_list("pk", flat=True))
            claimed = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
            if not claimed:
                continue
            user = User.objects.get(pk=user_id)
            notifications = list(Notification.objects.filter(pk__in=ids).order_by("-created_at"))
            sent += send_to_users([user], EMAIL_TEMPLATE, _email_context(notifications))
    return sent


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notifications_prune(*, before: datetime.datetime) -> int:
    """Delete the notifications created before ``before``, except those still waiting for their digest
    (daily or weekly, not e-mailed yet). Returns how many were deleted."""
    waiting = Q(frequency__in=[Frequency.DAILY, Frequency.WEEKLY], emailed_at__isnull=True)
    deleted, _per_model = Notification.objects.filter(created_at__lt=before).exclude(waiting).delete()
    return deleted
