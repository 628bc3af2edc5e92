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


class PrivateDownloadsMiddleware:
    """Files and exports the platform hands out (attachments, contract lists, reports) are private to
    the person who asked: no shared cache or browser back-forward cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "attachment" in response.get("Content-Disposition", "") or getattr(response, "streaming", False):
            if not request.path.startswith(settings.STATIC_URL):
                response["Cache-Control"] = "private, no-store"
        return response


class PermissionsPolicyMiddleware:
    """Browser features the platform never uses are switched off for its pages (a fixed header:
    written here rather than pulling in a library for one line)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response
