"""The kind of notification annual reports send (see keqiao.notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from keqiao.notifications import kinds

ANNUAL_REPORT = kinds.register("annual_report", _("Annual report"))
