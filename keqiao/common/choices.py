"""Fixed national classifications used across apps (lazy, translatable labels)."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class TechField(models.TextChoices):
    """The 11 technology fields (技术领域) of technology-contract registration."""

    ELECTRONIC_INFORMATION = "electronic_information", _("Electronic information")
    AEROSPACE = "aerospace", _("Aerospace")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing")
    BIO_MEDICINE = "bio_medicine", _("Biology, medicine and medical devices")
    NEW_MATERIALS = "new_materials", _("New materials and their application")
    NEW_ENERGY = "new_energy", _("New energy and energy efficiency")
    ENVIRONMENT = "environment", _("Environmental protection and resource use")
    NUCLEAR = "nuclear", _("Nuclear applications")
    AGRICULTURE = "agriculture", _("Agriculture")
    MODERN_TRANSPORT = "modern_transport", _("Modern transport")
    URBAN_SOCIAL = "urban_social", _("Urban construction and social development")


class StrategicIndustry(models.TextChoices):
    """战略性新兴产业分类(2018): the nine strategic emerging industries."""

    NEXT_GEN_IT = "next_gen_it", _("Next-generation information technology")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("High-end equipment manufacturing")
    NEW_MATERIALS = "new_materials", _("New materials")
    BIOTECH = "biotech", _("Biotechnology")
    NEW_ENERGY_VEHICLES = "new_energy_vehicles", _("New energy vehicles")
    NEW_ENERGY = "new_energy", _("New energy")
    ENERGY_SAVING = "energy_saving", _("Energy saving and environmental protection")
    DIGITAL_CREATIVE = "digital_creative", _("Digital creative industries")
    RELATED_SERVICES = "related_services", _("Related services")


# GB/T 22900-2022 technology readiness levels, short labels (see docs/decisions/0003-trl-and-reference-data.md).
TRL_LABELS = {
    1: _("Discovery of a new phenomenon, problem or need"),
    2: _("Technical solution proposed"),
    3: _("Concept model verified by simulation"),
    4: _("Key functions tested in the laboratory"),
    5: _("Small-scale trial prototype"),
    6: _("Pilot-scale prototype"),
    7: _("Engineering prototype"),
    8: _("Small-batch trial production / design finalised"),
    9: _("Large-scale industrialisation"),
}
TRL_CHOICES = [(level, format_lazy("TRL {} · {}", level, label)) for level, label in TRL_LABELS.items()]
