"""Challenge tenders (难题招标 / 揭榜挂帅)."""

from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("new/", views.challenge_new, name="new"),
    path("statistics/", views.challenge_statistics, name="statistics"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    path("<int:pk>/propose/", views.proposal_new, name="propose"),
    path("<int:pk>/proposals/<int:proposal_pk>/", views.proposal_detail, name="proposal"),
    path(
        "<int:pk>/proposals/<int:proposal_pk>/files/<int:attachment_pk>/",
        views.proposal_attachment,
        name="attachment",
    ),
]
