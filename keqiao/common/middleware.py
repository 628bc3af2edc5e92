"""Chinese first: the interface language is Simplified Chinese unless the user chose another.

Django's LocaleMiddleware follows the browser's Accept-Language header; on this platform the
default must be Chinese whatever the browser says, and English only when chosen in the header
(the language cookie set by the set_language view).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
