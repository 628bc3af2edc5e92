"""Facets of the demand showcase."""

from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.common import facets
from keqiao.common.choices import TRL_LABELS, TechField

from .choices import CooperationMode


def definitions() -> dict:
    return {
        "field": (_("Technology field"), dict(TechField.choices)),
        "mode": (_("Cooperation mode"), dict(CooperationMode.choices)),
        "trl": (_("Readiness needed (TRL)"), {str(k): f"TRL ≥ {k}" for k in TRL_LABELS}),
        "region": (_("Region"), None),
        "holder": (_("Published by"), dict(Organization.Kind.choices)),
    }


def facet_groups(page) -> list[dict]:
    return facets.facet_groups(page, definitions())
