"""The change log that keeps every process's in-memory index consistent with the database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexChange(models.Model):
    """A record whose searchable content or visibility changed.

    Written in the same transaction as the change itself, so an index that has applied every row up to
    some id has seen exactly the committed state. Each process applies the rows it has not seen before
    answering a search (one indexed query), which keeps several app servers and workers consistent
    without a message bus.
    """

    kind = models.CharField(_("record kind"), max_length=20, default="achievement")
    object_id = models.PositiveBigIntegerField(_("record id"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


def mark_changed(object_id: int, kind: str = "achievement") -> None:
    IndexChange.objects.create(kind=kind, object_id=object_id)
