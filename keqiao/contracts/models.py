"""Registered technology contracts (技术合同认定登记) and their performance."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TechField
from keqiao.common.models import ListingEvent
from keqiao.common.money import money_field
from keqiao.negotiations.models import Deal

from . import choices


class RegistrationCounter(models.Model):
    """The last contract registration serial issued per year (locked row: numbers stay gap-free)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("contract registration counter")
        verbose_name_plural = _("contract registration counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


class ContractQuerySet(models.QuerySet):
    def registered(self):
        """Registered contracts: approved by the registration office, with their registration date.
        The one definition every count of the platform uses (statistics, indicators, annual reports)."""
        return self.filter(status=choices.ContractStatus.APPROVED, registered_on__isnull=False)


class Contract(models.Model):
    """A technology contract filed for recognition and registration (技术合同认定登记)."""

    Status = choices.ContractStatus

    deal = models.OneToOneField(
        Deal, verbose_name=_("deal"), null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("filing organisation"),
        on_delete=models.PROTECT,
        related_name="contracts_filed",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.ContractStatus.choices,
        default=choices.ContractStatus.DRAFT,
    )
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, null=True, blank=True
    )
    project_name = models.CharField(_("project name"), max_length=200)
    contract_type = models.CharField(_("contract type"), max_length=20, choices=choices.ContractType.choices)
    transfer_object = models.CharField(
        _("object transferred or licensed"), max_length=30, choices=choices.TransferObject.choices, blank=True
    )
    licence_kind = models.CharField(
        _("licence kind"), max_length=10, choices=choices.LicenceKind.choices, blank=True
    )
    # 卖方 and 买方
    seller_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("seller on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_sold",
    )
    seller_name = models.CharField(_("seller"), max_length=100)
    seller_nature = models.CharField(_("seller nature"), max_length=3, choices=choices.PartyNature.choices)
    seller_region_code = models.CharField(_("seller region code"), max_length=6)
    seller_legal_representative = models.CharField(
        _("seller legal representative"), max_length=60, blank=True
    )
    seller_contact = models.CharField(_("seller contact"), max_length=100, blank=True)
    buyer_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("buyer on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_bought",
    )
    buyer_name = models.CharField(_("buyer"), max_length=100)
    buyer_nature = models.CharField(_("buyer nature"), max_length=3, choices=choices.PartyNature.choices)
    buyer_region_code = models.CharField(_("buyer region code"), max_length=6)
    buyer_legal_representative = models.CharField(_("buyer legal representative"), max_length=60, blank=True)
    buyer_contact = models.CharField(_("buyer contact"), max_length=100, blank=True)
    # money
    contract_amount = money_field(_("contract amount (yuan)"))
    technology_amount = money_field(_("technology transaction amount (yuan)"))
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=choices.PaymentMethod.choices
    )
    # dates
    signed_on = models.DateField(_("signing date"))
    starts_on = models.DateField(_("term from"))
    ends_on = models.DateField(_("term to"))
    related_party = models.BooleanField(_("related-party transaction"), default=False)
    ip_type = models.CharField(_("intellectual property type"), max_length=20, choices=choices.IPType.choices)
    tech_field = models.CharField(_("technology field"), max_length=30, choices=TechField.choices)
    socio_economic_objective = models.CharField(
        _("socio-economic objective"), max_length=20, choices=choices.SocioEconomicObjective.choices
    )
    plan_source = models.CharField(_("plan source"), max_length=12, choices=choices.PlanSource.choices)
    expected_new_investment = money_field(_("expected new investment (yuan)"), null=True, blank=True)
    expected_new_output = money_field(_("expected new output value (yuan)"), null=True, blank=True)
    # review
    review_comment = models.TextField(_("registration office comments"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    # The registration date in the city's time zone: the statistics count by it.
    registered_on = models.DateField(_("registration date"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(technology_amount__lte=models.F("contract_amount")),
                name="contract_technology_amount_lte_amount",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_order"
            ),
        ]
        indexes = [
            # Covering index of the transaction statistics: every breakdown of registered contracts is
            # read from the index alone, without visiting the table.
            models.Index(
                fields=[
                    "status",
                    "registered_on",
                    "technology_amount",
                    "contract_amount",
                    "contract_type",
                    "tech_field",
                    "seller_nature",
                    "seller_region_code",
                    "buyer_region_code",
                ],
                name="contract_statistics_idx",
            ),
            # The change marker of the cached statistics (MAX(updated_at)).
            models.Index(fields=["updated_at"], name="contract_updated_idx"),
            # The registration office's list: newest submissions first.
            models.Index(fields=["status", "-submitted_at", "-id"], name="contract_office_list_idx"),
        ]

    def __str__(self) -> str:
        return self.project_name

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in choices.CONTRACT_EDITABLE

    @property
    def seller_kind(self) -> str:
        return choices.SELLER_KIND.get(self.seller_nature, "other")


class ContractEvent(ListingEvent):
    SUBJECT = "contract"
    EVENT_LABELS = choices.CONTRACT_EVENT_LABELS

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")


class Milestone(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


# The register, certificates and verified income live in their own module; Django finds them here.
from .register_models import (  # noqa: E402
    Certificate,
    ContractDocument,
    IncomeDeduction,
    IncomeYear,
    RegisterEntry,
)

__all__ = [
    "Certificate",
    "Contract",
    "ContractDocument",
    "ContractEvent",
    "IncomeDeduction",
    "IncomeYear",
    "Milestone",
    "Payment",
    "RegisterEntry",
    "RegistrationCounter",
]
