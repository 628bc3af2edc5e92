"""URLs of the load benchmark only (config.settings.bench): the platform's URLs plus a hello-world view,
which the benchmark measures beside the real pages on the same server. Not part of the production URLs."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    """The smallest Django view: every middleware still runs, no database, no template."""
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("", include("config.urls")),
]
