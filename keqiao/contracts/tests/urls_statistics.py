"""The project's URLs plus the statistics API router on a test-only API, for tests that must not
depend on where keqiao/api.py mounts it."""

from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as project_urlpatterns
from keqiao.contracts.api import statistics_router as router

test_api = NinjaAPI(urls_namespace="statistics-test-api", docs_url=None)
test_api.add_router("/deals/", router)

urlpatterns = [*project_urlpatterns, path("test-api/", test_api.urls)]
