"""The kinds of notification challenge tenders send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

CHALLENGE = kinds.register("challenge", _("Challenge tender"))
