"""Choices of deals (意向 → 洽谈 → 合同) and technology contracts (技术合同认定登记)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DealStatus(models.TextChoices):
    INTEREST = "interest", _("Interest expressed")
    ACCEPTED = "accepted", _("Interest accepted")
    NEGOTIATING = "negotiating", _("Negotiating")
    AGREED = "agreed", _("Agreed")
    REGISTERED = "registered", _("Contract registered")
    PERFORMING = "performing", _("Performing")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")


# from-state -> {action: to-state}; every deal service checks this table before it writes.
DEAL_TRANSITIONS: dict[str, dict[str, str]] = {
    DealStatus.INTEREST: {
        "accept": DealStatus.ACCEPTED,
        "decline": DealStatus.DECLINED,
        "withdraw": DealStatus.WITHDRAWN,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.ACCEPTED: {
        "negotiate": DealStatus.NEGOTIATING,
        "agree": DealStatus.AGREED,
        "terminate": DealStatus.TERMINATED,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.NEGOTIATING: {
        "agree": DealStatus.AGREED,
        "terminate": DealStatus.TERMINATED,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.AGREED: {"register": DealStatus.REGISTERED, "terminate": DealStatus.TERMINATED},
    # Once the contract is registered, the deal ends as completed; a rescinded contract is corrected by the
    # registration office, not terminated here.
    DealStatus.REGISTERED: {"perform": DealStatus.PERFORMING},
    DealStatus.PERFORMING: {"complete": DealStatus.COMPLETED},
}
# An open deal blocks a second expression of interest in the same listing by the same organisation.
OPEN_STATUSES = (DealStatus.INTEREST, DealStatus.ACCEPTED, DealStatus.NEGOTIATING, DealStatus.AGREED)
# States in which the room takes messages, meetings and offers.
ROOM_STATUSES = (DealStatus.ACCEPTED, DealStatus.NEGOTIATING)
# States in which the room can be read (contacts disclosed).
DISCLOSED_STATUSES = (
    DealStatus.ACCEPTED,
    DealStatus.NEGOTIATING,
    DealStatus.AGREED,
    DealStatus.REGISTERED,
    DealStatus.PERFORMING,
    DealStatus.COMPLETED,
    DealStatus.TERMINATED,
    DealStatus.EXPIRED,
)

DEAL_EVENT_LABELS = {
    "interest": _("Interest expressed"),
    "accept": _("Interest accepted"),
    "decline": _("Interest declined"),
    "withdraw": _("Interest withdrawn"),
    "negotiate": _("Negotiation started"),
    "agree": _("Agreed"),
    "register": _("Contract registered"),
    "perform": _("Performance started"),
    "complete": _("Completed"),
    "terminate": _("Terminated"),
    "expire": _("Expired"),
    "stall_reminder": _("Reminder: no activity"),
    "offer": _("Offer made"),
    "offer_accept": _("Offer accepted"),
    "offer_reject": _("Offer rejected"),
    "meeting": _("Meeting proposed"),
    "meeting_confirm": _("Meeting confirmed"),
    "meeting_decline": _("Meeting declined"),
    "invite": _("Broker invited"),
    "viewed_by_bureau": _("Viewed by the S&T bureau"),
}


class DealMode(models.TextChoices):
    """The mode of cooperation an offer proposes."""

    TRANSFER = "transfer", _("Transfer")
    LICENCE_EXCLUSIVE = "licence_exclusive", _("Exclusive licence")
    LICENCE_SOLE = "licence_sole", _("Sole (non-exclusive) licence")
    LICENCE_ORDINARY = "licence_ordinary", _("Ordinary licence")
    EQUITY = "equity", _("Equity investment")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    COMMISSIONED_DEVELOPMENT = "commissioned_development", _("Commissioned development")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")


class PaymentMethod(models.TextChoices):
    """支付方式 of the national registration system."""

    LUMP_SUM = "lump_sum", _("Lump sum")
    INSTALMENTS = "instalments", _("Instalments")
    ROYALTY = "royalty", _("Royalty (percentage of sales or profit)")
    LUMP_SUM_AND_ROYALTY = "lump_sum_royalty", _("Down payment plus royalty")
    EQUITY = "equity", _("Equity")
    OTHER = "other", _("Other")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected by the other side")
    SUPERSEDED = "superseded", _("Superseded by a counter-offer")


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


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
    EXCLUSIVE = "exclusive", _("Exclusive (独占)")
    SOLE = "sole", _("Sole (排他)")
    ORDINARY = "ordinary", _("Ordinary (普通)")


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
