"""The kind of notification expert reviews send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

REVIEW = kinds.register("review", _("Expert review"))
