"""Patent records (专利)."""

from django.urls import path

from . import views

app_name = "patents"

urlpatterns = [
    path("", views.patent_list, name="list"),
    path("<int:pk>/", views.patent_detail, name="detail"),
]
