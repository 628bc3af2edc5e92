"""The kinds of notification events send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

EVENT = kinds.register("event", _("Event"))
