"""Negotiations: interest and negotiation rooms."""

from django.urls import path

from . import views

app_name = "negotiations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("supervision/", views.bureau_list, name="bureau_list"),
    path("interest/<str:kind>/<int:pk>/", views.interest, name="interest"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
