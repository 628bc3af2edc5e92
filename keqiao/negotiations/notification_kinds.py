"""The kinds of notification negotiations send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

DEAL = kinds.register("deal", _("Negotiation"))
