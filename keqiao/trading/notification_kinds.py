"""The kinds of notification listed trading sends (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

AUCTION = kinds.register("auction", _("Auction"))
LISTING = kinds.register("listing", _("Fixed-price listing"))
