from django.urls import path

from . import views

app_name = "achievements"
urlpatterns = [
    path("", views.achievement_list, name="list"),
    path("mine/", views.my_achievements, name="mine"),
    path("new/", views.achievement_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.achievement_detail, name="detail"),
    path("<int:pk>/edit/", views.achievement_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/<slug:action>/", views.achievement_action, name="action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
