"""Mounted under /matching/ (config/urls.py), where these pages have always been."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
