from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "keqiao.accounts"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in  # app registry is ready only here

        # imports the models: only once apps are loaded
        from .middleware import mark_signed_in, two_factor_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_in.connect(two_factor_signed_in, dispatch_uid="accounts.two_factor_signed_in")
