"""Bulk import of achievements and patents (数据导入)."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.home, name="home"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/report.xlsx", views.report, name="report"),
]
