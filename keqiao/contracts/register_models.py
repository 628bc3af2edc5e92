"""The tamper-evident contract register, the registration certificates it backs, and the verified
technology income (技术性收入核定) of registered contracts."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.money import money_field


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete a register entry through the ORM."""


class RegisterEntryQuerySet(models.QuerySet):
    """Entries are appended one by one (`register.register_append`); updates and deletes are refused."""

    def update(self, **kwargs):
        raise AppendOnlyError("Register entries are append-only: an update is refused.")

    def delete(self):
        raise AppendOnlyError("Register entries are append-only: a delete is refused.")

    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Register entries are append-only: an update is refused.")

    def _raw_delete(self, using):
        raise AppendOnlyError("Register entries are append-only: a delete is refused.")


class RegisterEntry(models.Model):
    """One registration, amendment or termination in the contract register (技术合同登记簿).

    Entries form a chain: `row_hash` is the SM3 digest of the entry's canonical form, which includes
    `prev_hash`, the digest of the entry before it; `signature` is the office's SM2 signature of
    `row_hash` under the key named by `key_id`. `manage.py verify_register` recomputes both.
    """

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        AMENDMENT = "amendment", _("Amendment")
        TERMINATION = "termination", _("Termination")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="register_entries",
    )
    registration_number = models.CharField(_("registration number"), max_length=20)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("registered content"), default=dict)
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64)
    row_hash = models.CharField(_("entry hash (SM3)"), max_length=64, unique=True)
    key_id = models.CharField(_("signing key"), max_length=16)
    signature = models.CharField(_("signature (SM2)"), max_length=128)

    objects = RegisterEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["prev_hash"], name="contracts_registerentry_prev_hash_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.registration_number} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError("Register entries are append-only: saving an existing entry is refused.")
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Register entries are append-only: deleting one is refused.")

    delete.alters_data = True


class Certificate(models.Model):
    """A 技术合同登记证明: what it prints (`printed`) is frozen at issue; its status changes when a later
    certificate supersedes it or the contract is terminated. Found publicly by its unguessable `code`."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Superseded by a later certificate")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    entry = models.OneToOneField(
        RegisterEntry, verbose_name=_("register entry"), on_delete=models.PROTECT, related_name="certificate"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    printed = models.JSONField(_("printed content"), default=dict)

    class Meta:
        verbose_name = _("registration certificate")
        verbose_name_plural = _("registration certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.printed.get('registration_number', '')} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("contracts:certificate_verify", args=[self.code])


class IncomeYear(models.Model):
    """技术性收入核定: the part of the contract amount that falls in one year, from which the registration
    office deducts what is not technology income (`IncomeDeduction`); what remains is verified."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="income_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money_field(_("contract amount of the year (yuan)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("technology income of a year")
        verbose_name_plural = _("technology income by year")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="contract_income_year_uniq")]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"

    @property
    def deducted(self) -> Decimal:
        return sum((d.amount for d in self.deductions.all()), Decimal("0"))

    @property
    def verified(self) -> Decimal:
        return self.amount - self.deducted


class IncomeDeduction(models.Model):
    """A part of a year's amount that is not technology income, with the basis the office found for it."""

    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment and instruments")
        MATERIALS = "materials", _("Materials and samples")
        CONSTRUCTION = "construction", _("Construction and installation")
        NON_TECHNICAL = "non_technical", _("Non-technical services")

    income_year = models.ForeignKey(
        IncomeYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="deductions"
    )
    category = models.CharField(_("deduction"), max_length=15, choices=Category.choices)
    amount = money_field(_("amount (yuan)"))
    basis = models.CharField(_("basis"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("income deduction")
        verbose_name_plural = _("income deductions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


def _document_path(instance, filename: str) -> str:
    # an unguessable name; the file is only ever served through the permission-checked view
    return f"contracts/{instance.contract_id}/{uuid.uuid4().hex}.pdf"


class ContractDocument(models.Model):
    """The signed contract or one of its annexes, as one PDF (pictures are assembled into one), kept with
    the SHA-256 of its bytes. Seen by the contract's parties and the registration office only."""

    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed", _("Signed contract")
        PATENT_CERTIFICATE = "patent", _("Patent certificate or application notice")
        LICENCE_RECORD = "licence_record", _("Patent licence record")
        TECHNICAL_SPECIFICATION = "specification", _("Technical specification")
        OTHER = "other", _("Other annex")

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=15, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveIntegerField(_("pictures assembled"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
