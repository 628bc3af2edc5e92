"""The expert registry and blind expert review panels."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.reviews, name="reviews"),
    path("new/", views.review_new, name="review_new"),
    path("mine/", views.my_reviews, name="my_reviews"),
    path("profile/", views.expert_edit, name="my_profile"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/opinion.pdf", views.review_pdf, name="review_pdf"),
    path("experts/", views.experts, name="experts"),
    path("experts/invite/", views.expert_invite, name="expert_invite"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
]
