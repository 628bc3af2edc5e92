"""The services' messages are checked in English (the interface language is chosen per request)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
