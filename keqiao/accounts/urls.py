from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", security_views.login_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", security_views.security, name="security"),
    path("security/two-factor/", security_views.two_factor_setup, name="two_factor_setup"),
    path("security/two-factor/disable/", security_views.two_factor_disable, name="two_factor_disable"),
    path("security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("register/", views.register, name="register"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("portal:workbench")
        ),
        name="password_change",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("organizations/pending/", views.pending_organizations, name="pending"),
    path("organizations/<int:pk>/members/", views.organization_members, name="members"),
    path("organizations/<int:pk>/<slug:decision>/", views.decide_organization, name="decide"),
]
