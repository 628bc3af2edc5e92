"""evaluate_needs: the judged-needs measure through the real matcher, beside BM25, and its refusals."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from keqiao.common.corpus import read_records
from keqiao.portal.management.commands import evaluate_needs

pytestmark = pytest.mark.django_db


def _needs(tmp_path, rows):
    path = tmp_path / "needs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return str(path)


def test_reports_both_systems_on_a_small_corpus(tmp_path):
    records = read_records(limit=40)
    target = records[3]
    rows = [
        {
            "id": "T1",
            "text": target["title"],
            "target": target["id"],
            "half": "a",
            "judgments": {str(target["id"]): 2, str(records[5]["id"]): 0},
        },
        {"id": "T2", "text": "外墙瓷砖空鼓掉砖怎么修", "target": None, "half": "a", "judgments": {}},
    ]
    # The command runs _run in a scratch database of its own; here the test database is the scratch one.
    command = evaluate_needs.Command(stdout=io.StringIO(), stderr=io.StringIO())
    result = command._run(evaluate_needs.load_needs(_needs(tmp_path, rows)), records, "all", False)
    assert result["needs"] == 2 and result["with_answer"] == 1
    for system in ("matcher", "bm25"):
        assert set(result[system]) >= {"mrr10", "ndcg10", "irrelevant_share", "no_answer_says_none"}
    assert result["matcher"]["mrr10"] == 1.0  # its own title finds the record first


def test_refuses_bad_files(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("evaluate_needs", str(tmp_path / "missing.jsonl"))
    with pytest.raises(CommandError, match="lacks"):
        call_command("evaluate_needs", _needs(tmp_path, [{"id": "x", "text": "t"}]))
    with pytest.raises(CommandError, match="--fit needs --half"):
        call_command("evaluate_needs", _needs(tmp_path, []), "--fit")
    bad_target = [{"id": "x", "text": "t", "target": -5, "judgments": {}}]
    with pytest.raises(CommandError, match="not a bundled record"):
        call_command("evaluate_needs", _needs(tmp_path, bad_target), "--limit", "10", stderr=io.StringIO())
