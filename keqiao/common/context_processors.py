"""Template context shared by every page."""

from django.conf import settings


def platform(request):
    context = {"SITE_URL": settings.SITE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from keqiao.matching.models import Notification

        # Evaluated only if the page shows it (one COUNT query).
        context["unread_notifications"] = lambda: Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count()

        def sees_plans() -> bool:
            from keqiao.contracts.statistics import user_can_view

            return user_can_view(user)

        # Government users (the bureau, county bureaus, departments) see the plan dashboards.
        context["sees_plans"] = sees_plans
    return context
