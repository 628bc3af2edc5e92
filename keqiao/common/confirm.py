"""A confirmation step before an irreversible action. The action's form carries ``data-confirm`` (the
question) and ``data-confirm-detail`` (what will happen): static/js/forms.js asks in a <dialog> and posts
with ``confirmed=1``. Without script, or when a client posts directly, the view answers with a page that
asks the same question and posts the same fields again with ``confirmed=1``."""

from django.http import HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmation_page(request, *, question, consequence, button, cancel_url: str) -> HttpResponse | None:
    """None when the POST was confirmed; otherwise the page that asks for the confirmation."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    return render(
        request,
        "confirm.html",
        {
            "question": question,
            "consequence": consequence,
            "button": button,
            "cancel_url": cancel_url,
            "fields": fields,
            "action_url": request.get_full_path(),
        },
    )
