"""The innovation registries (创新生态登记): enterprise qualifications and R&D platforms."""

from django.urls import path

from . import views

app_name = "registries"

urlpatterns = [
    path("qualifications/", views.qualifications, name="qualifications"),
    path("qualifications/new/", views.qualification_new, name="qualification_new"),
    path("qualifications/<int:pk>/", views.qualification, name="qualification"),
    path("qualifications/<int:pk>/decide/", views.qualification_decide, name="qualification_decide"),
    path("qualifications/<int:pk>/evidence/", views.qualification_evidence, name="qualification_evidence"),
    path("platforms/", views.platforms, name="platforms"),
    path("platforms/new/", views.platform_new, name="platform_new"),
    path("platforms/<int:pk>/", views.platform, name="platform"),
    path("platforms/<int:pk>/decide/", views.platform_decide, name="platform_decide"),
    path("platforms/<int:pk>/evidence/", views.platform_evidence, name="platform_evidence"),
]
