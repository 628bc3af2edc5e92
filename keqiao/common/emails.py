"""E-mail through Django's mail backends, rendered in each recipient's language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def send_to_users(users, template: str, context: dict) -> int:
    """Send `template`_subject.txt / _body.txt to each user with an address; returns the count sent.

    Only the recipients' own data goes into the context, so nothing private leaks across organisations.
    """
    from keqiao.matching.services import unsubscribe_url

    sent = 0
    for user in users:
        if not user.email or getattr(user, "email_opt_out", False):
            continue
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            ctx = {**context, "user": user, "SITE_URL": settings.SITE_URL}
            subject = render_to_string(f"{template}_subject.txt", ctx).strip()
            body = render_to_string(f"{template}_body.txt", ctx)
            body += (
                "\n--\n"
                + str(
                    _("Stop all e-mail from Keqiao with one click: %(url)s") % {"url": unsubscribe_url(user)}
                )
                + "\n"
            )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        sent += 1
    return sent
