"""The kinds of notification deals send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

DEAL = kinds.register("deal", _("Negotiation"))
CONTRACT = kinds.register("contract", _("Technology contract"))
