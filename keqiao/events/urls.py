"""Events: the public calendar and event pages, participants' agendas, the organiser's desk."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("new/", views.event_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/calendar.ics", views.ics, name="ics"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/manage/", views.manage, name="manage"),
]
