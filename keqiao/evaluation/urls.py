"""Technology-readiness assessment, valuation and pricing dossiers (评估)."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("achievements/<int:pk>/readiness/", views.achievement_trl, name="achievement_trl"),
    path("readiness/", views.assessment_queue, name="queue"),
    path("readiness/<int:pk>/", views.assessment, name="assessment"),
    path("readiness/<int:pk>/answers/", views.assessment_save, name="assessment_save"),
    path("readiness/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("readiness/<int:pk>/confirm/", views.assessment_confirm, name="assessment_confirm"),
    path("readiness/<int:pk>/return/", views.assessment_return, name="assessment_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("valuations/", views.valuations, name="valuations"),
    path("valuations/new/", views.valuation_new, name="valuation_new"),
    path("valuations/<int:pk>/", views.valuation, name="valuation"),
    path("valuations/<int:pk>/edit/", views.valuation_edit, name="valuation_edit"),
    path("valuations/<int:pk>/copy/", views.valuation_copy, name="valuation_copy"),
    path("valuations/<int:pk>/share/", views.valuation_share, name="valuation_share"),
    path("valuations/<int:pk>/report.pdf", views.valuation_pdf, name="valuation_pdf"),
    path("valuations/<int:pk>/workbook.xlsx", views.valuation_xlsx, name="valuation_xlsx"),
    path("deals/<int:deal_pk>/pricing-dossier.pdf", views.dossier, name="dossier"),
]
