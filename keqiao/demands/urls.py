from django.urls import path

from . import views

app_name = "demands"
urlpatterns = [
    path("", views.demand_list, name="list"),
    path("mine/", views.my_demands, name="mine"),
    path("new/", views.demand_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/edit/", views.demand_edit, name="edit"),
    path("<int:pk>/<slug:action>/", views.demand_action, name="action"),
]
