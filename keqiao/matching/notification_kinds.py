"""The kinds of notification matching sends (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

NEW_MATCH = kinds.register("new_match", _("New match"))
RECOMMENDATION = kinds.register("recommendation", _("Recommendation from a broker"))
RECOMMENDATION_OUTCOME = kinds.register("recommendation_outcome", _("Outcome of your recommendation"))
