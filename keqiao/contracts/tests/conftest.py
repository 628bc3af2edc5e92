"""Fixtures shared with the negotiation tests (a contract usually starts from a deal)."""

from keqiao.negotiations.tests.conftest import *  # noqa: F403
