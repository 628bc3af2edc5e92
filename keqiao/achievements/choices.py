"""Choices of the national achievement registration form (科技成果登记表) and the review workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# The allowed transitions: from-state -> {action: to-state}. Services refuse anything else.
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.DRAFT: {"submit": Status.SUBMITTED},
    Status.RETURNED: {"submit": Status.SUBMITTED},
    Status.SUBMITTED: {"return": Status.RETURNED, "approve": Status.APPROVED},
    Status.APPROVED: {"publish": Status.PUBLISHED},
    Status.PUBLISHED: {"withdraw": Status.WITHDRAWN, "expire": Status.EXPIRED, "renew": Status.PUBLISHED},
    Status.WITHDRAWN: {"publish": Status.PUBLISHED, "revise": Status.DRAFT},
    Status.EXPIRED: {"renew": Status.PUBLISHED, "revise": Status.DRAFT},
}
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class Kind(models.TextChoices):
    """成果类型; the value is the kind digit of the registration number."""

    APPLIED = "1", _("Applied technology")
    BASIC = "2", _("Basic theory")
    SOFT = "3", _("Soft science")


class Attribute(models.TextChoices):
    ORIGINAL = "original", _("Original innovation")
    IMPORTED = "imported", _("Innovation by absorbing imported technology")
    SECONDARY = "secondary", _("Secondary development of domestic technology")


class Form(models.TextChoices):
    """成果体现形式."""

    NEW_TECHNOLOGY = "technology", _("New technology")
    NEW_PROCESS = "process", _("New process")
    NEW_PRODUCT = "product", _("New product")
    NEW_MATERIAL = "material", _("New material")
    NEW_EQUIPMENT = "equipment", _("New equipment")
    NEW_DRUG = "drug", _("New biomedical product")
    NEW_VARIETY = "variety", _("New plant or animal variety")
    NEW_MINERAL = "mineral", _("New mineral variety")
    STANDARD = "standard", _("Standard")
    SOFTWARE = "software", _("Software")
    OTHER = "other", _("Other")


class Secrecy(models.TextChoices):
    NON_SECRET = "non_secret", _("Non-secret")
    SECRET = "secret", _("Secret")
    CONFIDENTIAL = "confidential", _("Confidential")


class Source(models.TextChoices):
    NATIONAL = "national", _("National S&T plan")
    PROVINCIAL = "provincial", _("Provincial S&T plan")
    CITY = "city", _("City S&T plan")
    SELF_FUNDED = "self_funded", _("Self-funded")
    COMMISSIONED = "commissioned", _("Commissioned by another party")
    COOPERATION = "cooperation", _("Cooperation project")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    INTERNATIONAL_LEADING = "intl_leading", _("Internationally leading")
    INTERNATIONAL_ADVANCED = "intl_advanced", _("Internationally advanced")
    DOMESTIC_LEADING = "dom_leading", _("Domestically leading")
    DOMESTIC_ADVANCED = "dom_advanced", _("Domestically advanced")
    NOT_EVALUATED = "not_evaluated", _("Not evaluated")


class Stage(models.TextChoices):
    LAB = "lab", _("Laboratory / small-scale test")
    PILOT = "pilot", _("Pilot test completed")
    SMALL_PRODUCTION = "small_production", _("Small-scale production")
    SMALL_APPLICATION = "small_application", _("Limited application")
    LARGE_APPLICATION = "large_application", _("Large-scale application")


class Evaluation(models.TextChoices):
    APPRAISAL = "appraisal", _("Appraisal")
    ACCEPTANCE = "acceptance", _("Acceptance")
    CONCLUSION = "conclusion", _("Project conclusion")
    REVIEW = "review", _("Expert review")
    ASSESSMENT = "assessment", _("Assessment")
    INDUSTRY_ACCESS = "industry_access", _("Industry access approval")
    TESTING = "testing", _("Testing")
    NONE = "none", _("Not evaluated")


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENSE = "license", _("Licence")
    EQUITY = "equity", _("Equity investment")
    COOPERATION = "cooperation", _("Joint implementation")
    SERVICE = "service", _("Technical service")
    OTHER = "other", _("Other")


class IPKind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model patent")
    DESIGN = "design", _("Design patent")
    SOFTWARE = "software", _("Software copyright")
    IC_LAYOUT = "ic_layout", _("Integrated circuit layout design")
    PLANT_VARIETY = "plant_variety", _("Plant variety right")
    TRADE_SECRET = "trade_secret", _("Technical secret")


PATENT_KINDS = (IPKind.INVENTION, IPKind.UTILITY_MODEL, IPKind.DESIGN)


class IPStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted")


class AttachmentKind(models.TextChoices):
    ABSTRACT = "abstract", _("Abstract")
    EVALUATION = "evaluation", _("Evaluation or acceptance certificate")
    IP_CERTIFICATE = "ip_certificate", _("IP certificate")
    TECHNICAL_REPORT = "technical_report", _("Technical report")
    NOVELTY_SEARCH = "novelty_search", _("Novelty-search report")
    TEST_REPORT = "test_report", _("Test report")
    USER_LETTER = "user_letter", _("Application letter from a user")
    IMAGE = "image", _("Picture")
    OTHER = "other", _("Other")


EVENT_LABELS = {
    "created": _("Created"),
    "imported": _("Imported"),
    "edited": _("Edited"),
    "submitted": _("Submitted for review"),
    "returned": _("Returned for revision"),
    "approved": _("Approved"),
    "published": _("Published"),
    "withdrawn": _("Withdrawn"),
    "expired": _("Expired"),
    "renewed": _("Renewed"),
    "revised": _("Reopened for revision"),
    "reminder_sent": _("Expiry reminder sent"),
    "featured": _("Featured"),
    "unfeatured": _("No longer featured"),
    "attachment_added": _("Attachment added"),
    "attachment_removed": _("Attachment removed"),
    "evaluation_set": _("Level and evaluation form set from an expert review"),
    "trl_confirmed": _("Readiness level confirmed"),
}
