"""URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from keqiao.api import api

admin.site.site_header = "科桥 Keqiao"
admin.site.site_title = "科桥 Keqiao"

urlpatterns = [
    path("", include("keqiao.portal.urls")),
    path("achievements/", include("keqiao.achievements.urls")),
    path("demands/", include("keqiao.demands.urls")),
    path("matching/", include("keqiao.matching.urls")),
    path("matching/", include("keqiao.notifications.urls")),  # the notification pages' old paths
    path("deals/", include("keqiao.negotiations.urls")),
    path("deals/", include("keqiao.contracts.urls")),
    path("evaluation/", include("keqiao.evaluation.urls")),
    path("reviews/", include("keqiao.reviews.urls")),
    path("trading/", include("keqiao.trading.urls")),
    path("challenges/", include("keqiao.challenges.urls")),
    path("events/", include("keqiao.events.urls")),
    path("registries/", include("keqiao.registries.urls")),
    path("patents/", include("keqiao.patents.urls")),
    path("imports/", include("keqiao.exchange.urls")),
    path("governance/", include("keqiao.governance.urls")),
    path("supervision/", include("keqiao.supervision.urls")),
    path("annual-reports/", include("keqiao.annualreports.urls")),
    path("accounts/", include("keqiao.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path(settings.KEQIAO["ADMIN_PATH"], admin.site.urls),  # KEQIAO_ADMIN_PATH
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
