"""Reference data shared by every app: regions and national classifications; the base of audit rows."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import audit


class Region(models.Model):
    """An administrative area or park of the city (GB/T 2260 code for areas, a local code for parks)."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("District or county")
        PARK = "park", _("Park")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def county_code(self) -> str:
        """The GB/T 2260 code of the area: a park counts in the district or county it lies in
        (select the parent with the region, or this reads it from the database)."""
        return self.parent.code if self.kind == self.Kind.PARK and self.parent_id else self.code

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Classification(models.Model):
    """A node of a hierarchical national classification (GB/T 4754 industries, GB/T 13745 disciplines)."""

    class Scheme(models.TextChoices):
        INDUSTRY = "gbt4754", _("GB/T 4754-2017 industry")
        DISCIPLINE = "gbt13745", _("GB/T 13745-2009 discipline")

    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=10)
    level = models.CharField(_("level"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    parent_code = models.CharField(_("parent code"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="classification_scheme_code_uniq")
        ]
        indexes = [models.Index(fields=["scheme", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AuditRow(models.Model):
    """Base of every audit table: a row is appended, never changed or deleted, and is chained to the row
    before it by hash (`keqiao.common.audit`, checked by `manage.py verify_audit`).

    A subclass's foreign keys use `on_delete=PROTECT`: what an audit row points to is never deleted. A
    field added to an audit table later must be nullable, so that the rows before it keep their hashes.
    """

    prev_hash = models.CharField(_("hash of the previous row"), max_length=64, editable=False)
    row_hash = models.CharField(_("row hash"), max_length=64, editable=False)

    objects = audit.AuditManager()

    class Meta:
        abstract = True
        constraints = [
            # One successor per row and one first row: the chain cannot fork, even past the lock.
            models.UniqueConstraint(fields=["prev_hash"], name="%(app_label)s_%(class)s_prev_hash_uniq"),
            models.UniqueConstraint(fields=["row_hash"], name="%(app_label)s_%(class)s_row_hash_uniq"),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise audit.AppendOnlyError("Audit rows are append-only: saving an existing row is refused.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            audit.seal(self, audit.head_for_append(type(self), using))
            super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise audit.AppendOnlyError("Audit rows are append-only: deleting one is refused.")

    delete.alters_data = True


class ListingEvent(AuditRow):
    """Base of the audit rows of every kind of listing: who changed what, when, from which state to which.

    Subclasses add the foreign key to their listing, name it in `SUBJECT`, and give `EVENT_LABELS` for the
    translated action names.
    """

    EVENT_LABELS: dict = {}
    SUBJECT = ""  # the name of the foreign key to the record the event is about

    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # someone who acted is deactivated, not deleted
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=audit.recorded_now, editable=False)

    class Meta(AuditRow.Meta):
        abstract = True
        ordering = ["created_at", "id"]

    @property
    def action_label(self) -> str:
        return str(self.EVENT_LABELS.get(self.action, self.action))

    # Labels of keys in `changes` that are not fields of the subject's model.
    CHANGE_LABELS: dict = {}

    def change_label(self, name: str) -> str:
        """The verbose name of a changed field of the subject (its raw name if the field is gone)."""
        if name in self.CHANGE_LABELS:
            return str(self.CHANGE_LABELS[name])
        model = self._meta.get_field(self.SUBJECT).related_model
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field renamed or removed since the event was written
            return name
        if getattr(field, "verbose_name", None):
            return str(field.verbose_name)
        return str(field.related_model._meta.verbose_name_plural)  # a reverse relation (e.g. IP items)

    def change_value(self, name: str, value) -> str:
        """A changed value as the history shows it (subclasses format amounts)."""
        if value in (None, ""):
            return ""
        if isinstance(value, list | tuple):
            return "; ".join(
                " ".join(str(part) for part in v) if isinstance(v, list | tuple) else str(v) for v in value
            )
        return str(value)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field's verbose name, before, after) of each change, for the history."""
        changes = self.changes or {}
        if isinstance(changes, list):
            changes = dict.fromkeys(changes, "")
        rows = []
        for name, pair in changes.items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                before, after = pair
            else:
                before, after = "", pair
            rows.append(
                (self.change_label(name), self.change_value(name, before), self.change_value(name, after))
            )
        return rows

    @property
    def change_labels(self) -> list[str]:
        return [label for label, _before, _after in self.change_rows]

    @classmethod
    def record(
        cls,
        subject,
        *,
        by,
        action: str,
        from_status: str = "",
        note: str = "",
        changes=None,
        to_status=None,
        **fields,
    ):
        """Write one audit row about `subject`; the to-state is its current status unless given."""
        return cls.objects.create(
            **{cls.SUBJECT: subject},
            actor=by if getattr(by, "pk", None) else None,
            action=action,
            from_status=from_status,
            to_status=subject.status if to_status is None else to_status,
            note=note,
            changes=changes or {},
            **fields,
        )
