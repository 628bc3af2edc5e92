"""Bulk import: a batch (one uploaded file through the wizard), the column mapping remembered per
source, and the provenance of every imported record (which file, row, source and external id)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import choices


class ImportBatch(models.Model):
    """One file taken through upload → mapping → preview → import; the rows are kept as text until the
    import, so that the preview and the import read the same data."""

    Status = choices.BatchStatus

    kind = models.CharField(_("records"), max_length=20, choices=choices.RecordKind.choices)
    source_name = models.CharField(
        _("source"),
        max_length=100,
        help_text=_(
            "Where the file comes from (e.g. 四川科创通 export); the column mapping is remembered per source."
        ),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation whose records these are; empty when the bureau imports for many."),
    )
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("column names"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.BatchStatus.choices, default=choices.BatchStatus.UPLOADED
    )
    failure = models.TextField(_("reason of failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:batch", args=[self.pk])

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors})


class SourceMapping(models.Model):
    """The column mapping a user last confirmed for a source and kind of records (column name → field)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("records"), max_length=20, choices=choices.RecordKind.choices)
    source_name = models.CharField(_("source"), max_length=100)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "source_name"], name="exchange_source_mapping_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} / {self.kind}"


class Provenance(models.Model):
    """Where an imported record came from. One row per record and source: a record merged from two
    sources keeps both. `source_key` names the source within its owner (the organisation, or the bureau),
    so that the same external id from the same source is recognised when it comes again."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provenance",
    )
    source_key = models.CharField(_("source key"), max_length=140)
    source_name = models.CharField(_("source"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    row_number = models.PositiveIntegerField(_("row"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    partner = models.CharField(_("partner"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=choices.Outcome.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenance records")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "content_type", "external_id"],
                condition=~models.Q(external_id=""),
                name="exchange_provenance_external_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} #{self.row_number}"
