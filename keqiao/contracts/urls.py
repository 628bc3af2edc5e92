"""Technology contract registration and transaction statistics."""

from django.urls import path

from . import draft_views, register_views, views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/drafts/<int:deal_pk>/", draft_views.contract_draft, name="contract_draft"),
    path(
        "contracts/drafts/<int:deal_pk>/draft.<str:fmt>",
        draft_views.contract_draft_file,
        name="contract_draft_file",
    ),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/correct/", views.contract_correct, name="contract_correct"),
    path("contracts/<int:pk>/income/", register_views.contract_income, name="contract_income"),
    path("contracts/<int:pk>/documents/", register_views.contract_documents, name="contract_documents"),
    path(
        "contracts/<int:pk>/documents/<int:document_pk>/",
        register_views.contract_document_file,
        name="contract_document",
    ),
    path("contracts/<int:pk>/terminate/", register_views.contract_terminate, name="contract_terminate"),
    path("contracts/<int:pk>/review/", register_views.contract_review, name="contract_review"),
    path("contracts/certificates/<str:code>.pdf", register_views.certificate_pdf, name="certificate_pdf"),
    path("contracts/verify/", register_views.certificate_lookup, name="certificate_lookup"),
    path("contracts/verify/<str:code>/", register_views.certificate_verify, name="certificate_verify"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
]
