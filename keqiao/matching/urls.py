from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("follow/", views.follow, name="follow"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("push/", views.push, name="push"),
    path("broker/", views.broker, name="broker"),
    path("suggest/", views.suggest, name="suggest"),
]
