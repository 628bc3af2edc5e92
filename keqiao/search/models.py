"""The change log that keeps every search index consistent with the database, and the tables of the
PostgreSQL search backend."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Max
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


class SearchDocument(models.Model):
    """One public listing as the PostgreSQL search backend indexes it (unused by the in-process one).

    Holds only what the index definition makes public: the jieba-segmented text of each weighted field
    (space-joined, in weight classes A-D), the facet and filter values, the sort values, the listing's
    keywords (for the segmentation dictionary) and the weighted ``tsvector`` of the text ('simple'
    configuration). The table exists on every database; its GIN index only on PostgreSQL.
    """

    kind = models.CharField(_("record kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record id"))
    text_a = models.TextField(blank=True, default="")
    text_b = models.TextField(blank=True, default="")
    text_c = models.TextField(blank=True, default="")
    text_d = models.TextField(blank=True, default="")
    facets = models.JSONField(default=dict)
    sorts = models.JSONField(default=dict)
    words = models.JSONField(default=list)
    vector = SearchVectorField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchIndexState(models.Model):
    """How far the PostgreSQL search backend has applied the IndexChange log, per kind of listing."""

    kind = models.CharField(_("record kind"), max_length=20, unique=True)
    last_change_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}@{self.last_change_id}"


def prune_changes(*, before) -> int:
    """Delete change-log rows written before ``before``, always keeping the newest row (snapshots
    compare their position with the log's highest id, which must never go down). Safe once every
    process has read past them: run it after `rebuild_search_index` (keqiao/portal/upkeep.py)."""

    newest = IndexChange.objects.aggregate(m=Max("id"))["m"]
    if newest is None:
        return 0
    deleted, _per_model = IndexChange.objects.filter(created_at__lt=before, id__lt=newest).delete()
    return deleted
