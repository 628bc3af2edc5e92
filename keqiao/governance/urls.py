"""Action plans: the live progress dashboard, indicator drill-down and reporting, creation and import."""

from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("import/", views.plan_import, name="plan_import"),
    path("import/template.xlsx", views.plan_template, name="plan_template"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/report.xlsx", views.plan_export_xlsx, name="plan_xlsx"),
    path("plans/<int:pk>/report.pdf", views.plan_export_pdf, name="plan_pdf"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
]
