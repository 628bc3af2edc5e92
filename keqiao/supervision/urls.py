"""Task supervision (督办): progress reports, consolidation and the bureau's matrix."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("matrix/", views.matrix, name="matrix"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/report/", views.report_edit, name="report_edit"),
    path("tasks/<int:pk>/consolidate/", views.consolidate, name="consolidate"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
