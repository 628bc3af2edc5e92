"""Choices of registered technology contracts (技术合同认定登记)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keqiao.negotiations.choices import DealMode, DealStatus, PaymentMethod  # noqa: F401 (contracts read them)

# --- technology contracts -------------------------------------------------------------------------


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for registration")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Registered")


CONTRACT_TRANSITIONS: dict[str, dict[str, str]] = {
    ContractStatus.DRAFT: {"submit": ContractStatus.SUBMITTED},
    ContractStatus.RETURNED: {"submit": ContractStatus.SUBMITTED},
    ContractStatus.SUBMITTED: {"return": ContractStatus.RETURNED, "approve": ContractStatus.APPROVED},
    ContractStatus.APPROVED: {"correct": ContractStatus.APPROVED},
}
CONTRACT_EDITABLE = (ContractStatus.DRAFT, ContractStatus.RETURNED)

CONTRACT_EVENT_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "submit": _("Submitted for registration"),
    "return": _("Returned for revision"),
    "approve": _("Registered"),
    "correct": _("Corrected"),
    "milestone": _("Milestone recorded"),
    "payment": _("Payment recorded"),
    "document": _("Document uploaded"),
    "terminate": _("Registration terminated"),
}


class ContractType(models.TextChoices):
    """The five contract types (技术开发 split into commissioned and cooperative)."""

    DEVELOPMENT_COMMISSIONED = "dev_commissioned", _("Technology development (commissioned)")
    DEVELOPMENT_COOPERATIVE = "dev_cooperative", _("Technology development (cooperative)")
    TRANSFER = "transfer", _("Technology transfer")
    LICENCE = "licence", _("Technology licence")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")


class TransferObject(models.TextChoices):
    """What a transfer or licence contract conveys."""

    PATENT = "patent", _("Patent right")
    PATENT_APPLICATION = "patent_application", _("Patent application right")
    KNOW_HOW = "know_how", _("Technical secret")
    SOFTWARE = "software", _("Computer software copyright")
    IC_LAYOUT = "ic_layout", _("Integrated circuit layout design")
    VARIETY = "variety", _("New plant variety")
    OTHER = "other", _("Other")


class LicenceKind(models.TextChoices):
    EXCLUSIVE = "exclusive", pgettext_lazy("licence kind", "Exclusive")
    SOLE = "sole", pgettext_lazy("licence kind", "Sole")
    ORDINARY = "ordinary", pgettext_lazy("licence kind", "Ordinary")


class PartyNature(models.TextChoices):
    """Nature codes of buyers and sellers in the national registration system."""

    GOVERNMENT = "010", _("010 Government body")
    INSTITUTE = "021", _("021 Research institute")
    UNIVERSITY = "022", _("022 Higher-education institution")
    MEDICAL = "023", _("023 Medical institution")
    OTHER_PUBLIC = "029", _("029 Other public institution")
    STATE_ENTERPRISE = "110", _("110 State-owned enterprise")
    COLLECTIVE = "120", _("120 Collective enterprise")
    JOINT_STOCK = "130", _("130 Joint-stock / limited company")
    PRIVATE = "140", _("140 Private enterprise")
    FOREIGN = "150", _("150 Foreign-invested enterprise")
    HMT = "160", _("160 Hong Kong, Macao or Taiwan-invested enterprise")
    INDIVIDUAL = "200", _("200 Individual")
    OTHER = "900", _("900 Other")


# Seller kinds used by the statistics: universities, institutes, enterprises, others.
SELLER_KIND = {
    "021": "institute",
    "022": "university",
    "110": "enterprise",
    "120": "enterprise",
    "130": "enterprise",
    "140": "enterprise",
    "150": "enterprise",
    "160": "enterprise",
}
SELLER_KIND_LABELS = {
    "university": _("Universities"),
    "institute": _("Research institutes"),
    "enterprise": _("Enterprises"),
    "other": _("Others"),
}


class IPType(models.TextChoices):
    """知识产权类型."""

    INVENTION_PATENT = "invention_patent", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model patent")
    DESIGN = "design", _("Design patent")
    SOFTWARE = "software", _("Computer software copyright")
    IC_LAYOUT = "ic_layout", _("Integrated circuit layout design")
    VARIETY = "variety", _("New plant variety")
    KNOW_HOW = "know_how", _("Technical secret")
    OTHER = "other", _("Other intellectual property")
    NONE = "none", _("No intellectual property involved")


class PlanSource(models.TextChoices):
    """计划来源."""

    NATIONAL = "national", _("National S&T plan")
    PROVINCIAL = "provincial", _("Provincial S&T plan")
    CITY = "city", _("City S&T plan")
    COUNTY = "county", _("County S&T plan")
    OTHER_PLAN = "other_plan", _("Other plan")
    NONE = "none", _("Outside any plan")


class SocioEconomicObjective(models.TextChoices):
    """社会经济目标 (the national statistics' objectives)."""

    AGRICULTURE = "agriculture", _("Agriculture, forestry, animal husbandry and fishery")
    INDUSTRY = "industry", _("Industrial development")
    ENERGY = "energy", _("Energy production, distribution and rational use")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and urban/rural planning")
    ENVIRONMENT = "environment", _("Environmental protection and pollution control")
    HEALTH = "health", _("Health")
    SOCIAL = "social", _("Social development and services")
    EARTH_SPACE = "earth_space", _("Exploration of the earth and space")
    KNOWLEDGE = "knowledge", _("General advancement of knowledge")
    DEFENCE = "defence", _("Defence")
    OTHER = "other", _("Other")
