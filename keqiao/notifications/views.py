"""The notification page and the one-click unsubscribe page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from keqiao.common.errors import DomainError
from keqiao.common.pagination import paginate

from . import links, selectors, services


def unsubscribe(request, token: str):
    """One click from an e-mail: stops every e-mail to the user (the link is signed, no login needed)."""
    if request.method == "POST" or request.GET.get("confirm") == "1":
        try:
            services.unsubscribe_all(token)
        except DomainError as exc:
            return render(request, "notifications/unsubscribed.html", {"error": exc.message}, status=400)
        return render(request, "notifications/unsubscribed.html", {"done": True})
    return render(request, "notifications/unsubscribed.html", {"token": token})


@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("notifications:list")
    qs = selectors.notifications_of(request.user)
    return render(
        request,
        "notifications/notifications.html",
        {"page_obj": paginate(request, qs, 30), "preferences_url": links.preferences_url()},
    )
