"""django.contrib.admin with the platform's admin site (keqiao/accounts/admin_site.py: its sign-in and
two-factor rules). A module of its own: INSTALLED_APPS loads it before any model exists."""

from django.contrib.admin.apps import AdminConfig


class KeqiaoAdminConfig(AdminConfig):
    default_site = "keqiao.accounts.admin_site.KeqiaoAdminSite"
