from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("holders/<int:pk>/", views.holder_detail, name="holder"),
    # Under /accounts/ where it has always been; the page gathers every app, so the portal serves it.
    path("accounts/dashboard/", views.workbench, name="workbench"),
]
