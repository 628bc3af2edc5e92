"""Deals: interest, negotiation rooms, technology contracts and transaction statistics."""

from django.urls import path

from . import views, views_statistics

app_name = "deals"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("supervision/", views.bureau_list, name="bureau_list"),
    path("interest/<str:kind>/<int:pk>/", views.interest, name="interest"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/correct/", views.contract_correct, name="contract_correct"),
    path("statistics/", views_statistics.statistics, name="statistics"),
    path("statistics/export.xlsx", views_statistics.statistics_export, name="statistics_export"),
]
