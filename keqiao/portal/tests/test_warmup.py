"""Start-up warm-up: loads what it can, reports what it could not, never stops the server."""

import io

import pytest

from keqiao.portal import warmup

pytestmark = pytest.mark.django_db


def test_without_snapshots_it_reports_and_builds_nothing(settings):
    from keqiao.matching.index import get_match_index

    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": ""}
    index = get_match_index()
    index.reset()
    out = io.StringIO()
    result = warmup.warm_up(out=out)
    assert result["matcher"] == "not loaded" and index.matcher is None  # no build at start-up
    assert result["Chinese dictionary"] == "ready"
    assert "rebuild_search_index" in out.getvalue() and "ready in" in out.getvalue()


def test_a_failing_piece_does_not_skip_the_others(monkeypatch):
    from keqiao.matching import suggest

    def broken():
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(suggest, "get_classifier", broken)
    out = io.StringIO()
    result = warmup.warm_up(out=out)
    assert result["suggestion model"] == "failed"
    assert result["Chinese dictionary"] == "ready"
    assert "failed to load" in out.getvalue()
