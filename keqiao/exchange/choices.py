from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    ACHIEVEMENTS = "achievements", _("Achievements")
    PATENTS = "patents", _("Patents")


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: map the columns")
    CHECKED = "checked", _("Checked: see the preview")
    QUEUED = "queued", _("Importing in the background")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was imported")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    SKIPPED = "skipped", _("Skipped as a duplicate")
