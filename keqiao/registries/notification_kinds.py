"""The kinds of notification the innovation registries send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

REGISTRY = kinds.register("registry", _("Qualifications and platforms"))
