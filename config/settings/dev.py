"""Local development and `make demo`: debug on, a fixed non-secret key."""

from .base import *

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY") or "demo-only-insecure-key-do-not-use-in-production"  # noqa: S105
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
