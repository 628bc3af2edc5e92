"""Facets of the achievement showcase."""

from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.common import facets
from keqiao.common.choices import TRL_LABELS, TechField

from .choices import IPKind, TransferMode


def definitions() -> dict:
    return {
        "field": (_("Technology field"), dict(TechField.choices)),
        "trl": (_("Readiness (TRL)"), {str(k): f"TRL {k}" for k in TRL_LABELS}),
        "ip": (_("IP type"), dict(IPKind.choices)),
        "mode": (_("Transfer mode"), dict(TransferMode.choices)),
        "region": (_("Region"), None),
        "holder": (_("Holder"), dict(Organization.Kind.choices)),
    }


def facet_groups(page) -> list[dict]:
    return facets.facet_groups(page, definitions())
