"""The kinds of notification contract registration sends (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

CONTRACT = kinds.register("contract", _("Technology contract"))
