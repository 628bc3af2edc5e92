"""The kind of notification task supervision sends (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

SUPERVISION = kinds.register("supervision", _("Task supervision"))
