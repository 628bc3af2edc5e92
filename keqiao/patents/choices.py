"""Choices of patent records: the kind (from the application number's type digit) and the legal status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model patent")
    DESIGN = "design", _("Design patent")


# The fifth digit of a 12-digit application number (since 2003): 1/8 invention (8: PCT national
# phase), 2/9 utility model, 3 design.
KIND_OF_TYPE_DIGIT = {
    "1": Kind.INVENTION,
    "8": Kind.INVENTION,
    "2": Kind.UTILITY_MODEL,
    "9": Kind.UTILITY_MODEL,
    "3": Kind.DESIGN,
}


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Pending (published, under examination)")
    GRANTED = "granted", _("Granted, in force")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed (fees not paid)")
    EXPIRED = "expired", _("Expired (term ended)")
    INVALIDATED = "invalidated", _("Invalidated")


# Words of patent-search exports (CNIPA, incoPat, SooPAT, Himmpat…) for each legal status.
STATUS_WORDS = {
    LegalStatus.PENDING: ("审中", "实质审查", "公开", "实审", "pending", "under examination", "published"),
    LegalStatus.GRANTED: ("授权", "有效", "专利权维持", "granted", "in force", "active"),
    LegalStatus.REJECTED: ("驳回", "rejected"),
    LegalStatus.WITHDRAWN: ("撤回", "视为撤回", "放弃", "withdrawn", "abandoned"),
    LegalStatus.LAPSED: ("未缴年费", "终止", "失效", "lapsed", "ceased"),
    LegalStatus.EXPIRED: ("期限届满", "届满", "expired"),
    LegalStatus.INVALIDATED: ("无效", "全部无效", "invalidated", "revoked"),
}
