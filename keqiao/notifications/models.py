"""In-app notifications, e-mailed at once or in a daily or weekly digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import kinds, text


class Frequency(models.TextChoices):
    """How often a notification is e-mailed (the sender chooses: a follower's subscription, or at once)."""

    INSTANT = "instant", _("Instantly")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("In the platform only")


class Notification(models.Model):
    """An in-app notification; e-mailed instantly or in a digest according to its frequency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # one of the kinds registered in keqiao.notifications.kinds (no choices: apps add kinds freely)
    verb = models.CharField(_("kind"), max_length=kinds.MAX_LENGTH)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # How the title and reason were made: {"title": {"m": msgid, "p": params}, "reason": …} (see
    # keqiao.notifications.text), to show them in the reader's language. Empty for notifications made
    # before texts were kept: those show `title` and `reason` as stored (in the site's language).
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    frequency = models.CharField(
        _("e-mail frequency"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    # de-duplication: one notification per user and event key (e.g. "match:demand:5:achievement:9")
    key = models.CharField(_("key"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_user_key_uniq")]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["emailed_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the reader's)."""
        return text.render(self.texts.get("title"), self.title)

    @property
    def display_reason(self) -> str:
        return text.render(self.texts.get("reason"), self.reason)

    @property
    def display_title_html(self):
        """The title for a page: in the reader's language, with its user data marked."""
        return text.render_html(self.texts.get("title"), self.title)

    @property
    def display_reason_html(self):
        return text.render_html(self.texts.get("reason"), self.reason)

    def get_verb_display(self):
        """The kind's label, from the registry (the field has no choices)."""
        return kinds.label(self.verb)
