"""Action plans, the progress dashboard and reported indicator values."""

from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
]
