"""E-mail through Django's mail backends, rendered in each recipient's language.

Every e-mail closes with the footers registered by the apps above (the notifications app's one-click
unsubscribe link): this module imports none of them.
"""

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.template import Context, Engine, engines
from django.utils import translation

logger = logging.getLogger(__name__)

# footer(user) -> one line, rendered in the recipient's language
Footer = Callable[[object], str]
_footers: list[Footer] = []


def register_footer(footer: Footer) -> None:
    if footer not in _footers:
        _footers.append(footer)


@functools.cache
def _text_engine() -> Engine:
    """The project's templates without HTML autoescaping: a plain-text e-mail is not HTML, so a title
    with “&” or quotes must arrive as typed, not as “&amp;” or “&quot;”."""
    main = engines["django"].engine
    return Engine(dirs=main.dirs, app_dirs=main.app_dirs, libraries=main.libraries, autoescape=False)


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template (e-mail subject or body) without HTML escaping."""
    return _text_engine().get_template(template_name).render(Context(context, autoescape=False))


def send_to_users(users, template: str, context: dict) -> int:
    """Send `template`_subject.txt / _body.txt to each user with an address; returns the count sent.

    Only the recipients' own data goes into the context, so nothing private leaks across organisations.
    """
    sent = 0
    for user in users:
        if not user.email or getattr(user, "email_opt_out", False):
            continue
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            ctx = {**context, "user": user, "SITE_URL": settings.SITE_URL}
            subject = " ".join(render_text(f"{template}_subject.txt", ctx).split())
            body = render_text(f"{template}_body.txt", ctx)
            footer = "\n".join(str(f(user)) for f in _footers)
            if footer:
                body += "\n--\n" + footer + "\n"
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        sent += 1
    return sent
