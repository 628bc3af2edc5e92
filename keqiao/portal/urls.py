from django.urls import path

from . import health, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # For load balancers and monitoring: no login, no session, no locale (docs/operator-guide.md).
    path("healthz", health.healthz, name="healthz"),
    path("holders/<int:pk>/", views.holder_detail, name="holder"),
    # Under /accounts/ where it has always been; the page gathers every app, so the portal serves it.
    path("accounts/dashboard/", views.workbench, name="workbench"),
]
