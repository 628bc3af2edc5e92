"""Template context shared by every page."""

from django.conf import settings

from keqiao.accounts.selectors import user_sees_statistics


def platform(request):
    context = {"SITE_URL": settings.SITE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Government users (the bureau, county bureaus, departments) see the plan dashboards; evaluated
        # only when a template asks.
        context["sees_plans"] = lambda: user_sees_statistics(user)
    return context
