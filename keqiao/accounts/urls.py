from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("portal:workbench")
        ),
        name="password_change",
    ),
    path("organizations/pending/", views.pending_organizations, name="pending"),
    path("organizations/<int:pk>/members/", views.organization_members, name="members"),
    path("organizations/<int:pk>/<slug:decision>/", views.decide_organization, name="decide"),
]
