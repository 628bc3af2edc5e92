"""Template context shared by every page."""

from django.conf import settings


def platform(request):
    context = {"SITE_URL": settings.SITE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:

        def sees_plans() -> bool:
            from keqiao.contracts.statistics import user_can_view

            return user_can_view(user)

        # Government users (the bureau, county bureaus, departments) see the plan dashboards.
        context["sees_plans"] = sees_plans
    return context
