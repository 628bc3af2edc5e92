"""Pages of action plans (filled in below)."""

from django.http import Http404


def plans(request):
    raise Http404


def plan(request, pk: int):
    raise Http404
