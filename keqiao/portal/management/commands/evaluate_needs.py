"""Measure matching the way its users judge it: plain-language needs against the bundled records.

FILE holds judged needs (keqiao/matching/data/needs.jsonl; its README says how it was made): a short
problem in everyday words, the record it was written for (``target``, or null when the corpus has no
answer), graded judgments 0–2 of the pooled candidates, and a half ("a"/"b"). The bundled records are
imported into a scratch database as published achievements and every need is posed as a demand through
the real path (demand → matcher item with its suggested discipline → ``matches_for``), twice — as the short
need (title and problem) and as the full posting of the same need — beside stock BM25 (bm25s over
jieba.lcut of title, keywords and abstract) in the same run. Reported per system: MRR@10 of
the intended record (all needs, and needs of at most 20 characters), nDCG@10 against the judgments, the
share of shown results judged irrelevant (and the share never judged), the share of no-answer needs
answered "no good match", the share of needs with an answer that still show something, and ms per match.

``--fit`` fits the relevance model (keqiao/matching/engine/relevance.py) on the other half than
``--half`` and prints it, then reports on ``--half`` with it: calibrate on one half, report on the other.
Last line: one JSON object.
"""

import json
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases

from keqiao.common.corpus import read_records
from keqiao.demands.models import Demand
from keqiao.matching import index as platform
from keqiao.matching.engine import relevance
from keqiao.matching.engine.evaluate import jieba_tokens, stock_bm25
from keqiao.portal.evaluation import import_records, scratch_organization

K = 10
POSTING = ("title", "problem", "indicators")


def load_needs(path: str) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            needs = [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    for n in needs:
        if not {"id", "text", "target", "judgments"} <= set(n):
            raise CommandError(f"{path}: need {n.get('id')!r} lacks id, text, target or judgments")
    return needs


def metrics(runs: list[tuple[dict, list[int], float]]) -> dict:
    """runs: (need, ranked record ids shown, seconds)."""
    rr, rr_short, ndcg, shown, irrelevant, unjudged, no_answer, answered, seconds = ([] for _ in range(9))
    for need, ranked, elapsed in runs:
        judged = {int(r): int(g) for r, g in need["judgments"].items()}
        seconds.append(elapsed)
        top = ranked[:K]
        if need["target"] is None:
            no_answer.append(not top)
        else:
            answered.append(bool(top))
            r = next((1 / (i + 1) for i, rid in enumerate(top) if rid == need["target"]), 0.0)
            rr.append(r)
            if len(need["text"]) <= 20:
                rr_short.append(r)
        gains = np.array([judged.get(rid, 0) for rid in top], np.float64)
        ideal = np.sort(np.array(list(judged.values()), np.float64))[::-1][:K]
        idcg = ((2**ideal - 1) / np.log2(np.arange(2, len(ideal) + 2))).sum()
        if idcg > 0:
            ndcg.append(float(((2**gains - 1) / np.log2(np.arange(2, len(gains) + 2))).sum() / idcg))
        for rid in top:
            shown.append(rid)
            irrelevant.append(judged.get(rid) == 0)
            unjudged.append(rid not in judged)

    def mean(v):
        return round(float(np.mean(v)), 4) if v else None

    return {
        "mrr10": mean(rr),
        "mrr10_short": mean(rr_short),
        "ndcg10": mean(ndcg),
        "irrelevant_share": mean(irrelevant),
        "unjudged_share": mean(unjudged),
        "results_shown": len(shown),
        "no_answer_says_none": mean(no_answer),
        "answerable_answered": mean(answered),
        "ms_per_match": round(1000 * float(np.mean(seconds)), 2) if seconds else None,
        "p95_ms": round(1000 * float(np.percentile(seconds, 95)), 2) if seconds else None,
    }


class Command(BaseCommand):
    help = "Evaluate matching on judged plain-language needs (MRR@10, nDCG@10, irrelevant share, no-answer)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--half", choices=["a", "b", "all"], default="all")
        parser.add_argument(
            "--fit",
            action="store_true",
            help="fit the relevance model on the other half first (needs --half)",
        )
        parser.add_argument("--limit", type=int, default=None, help="only the first N bundled records")
        parser.add_argument(
            "--answered",
            type=float,
            default=0.95,
            help="with --fit: the share of needs with an answer the gate must still answer (default 0.95)",
        )
        parser.add_argument(
            "--relative",
            type=float,
            default=0.5,
            help="with --fit: keep only candidates at least this share of the best one's relevance (default 0.5)",
        )

    def handle(self, *args, file, half="all", fit=False, limit=None, answered=0.95, relative=0.5, **options):
        needs = load_needs(file)
        if fit and half == "all":
            raise CommandError("--fit needs --half a or --half b: the model is fitted on the other half.")
        records = read_records(limit=limit)
        known = {r["id"] for r in records}
        for n in needs:
            if n["target"] is not None and n["target"] not in known:
                raise CommandError(f"need {n['id']}: target {n['target']} is not a bundled record")
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                result = self._run(needs, records, half, fit, answered, relative)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _run(self, needs, records, half, fit, answered=0.95, relative=0.5) -> dict:
        ids = import_records(records, stderr=self.stderr)
        pk_of = {r["id"]: pk for r, pk in zip(records, ids, strict=True)}
        record_of = {pk: rid for rid, pk in pk_of.items()}
        enterprise = scratch_organization("评测企业", kind="enterprise")

        def demand(n, form: str) -> Demand:
            if form == "posting":  # the full posting the same person would publish
                post = n["posting"]
                title, problem, indicators = post["title"], post["problem"], post.get("indicators", "")
            else:  # what an enterprise types in a hurry: the need as the title and as the problem
                title, problem, indicators = n["text"], n["text"], ""
            return Demand(
                organization=enterprise,
                region=enterprise.region,
                title=title,
                problem=problem,
                indicators=indicators,
                keywords=[],
            )

        forms = ["short"] + (["posting"] if all("posting" in n for n in needs) else [])
        index = platform.get_match_index()
        model = None
        if fit:
            train = [n for n in needs if n.get("half") != half]
            groups = []
            for n in train:
                judged = {pk_of[int(r)]: int(g) for r, g in n["judgments"].items()}
                for form in forms:
                    item = platform.demand_item(demand(n, form))
                    cand, x = index.matcher.relevance_features(item, "achievement")
                    grades = np.array([judged.get(int(c), 0) for c in cand])
                    groups.append((x, grades, n["target"] is not None))
            model = relevance.fit(groups, answered=answered, relative=relative)
            index.matcher.relevance_model = model
            self.stderr.write(
                f"fitted on {len(train)} needs ({'+'.join(forms)}): {json.dumps(model.as_dict())}"
            )
        chosen = [n for n in needs if half == "all" or n.get("half") == half]
        result = {
            "needs": len(chosen),
            "half": half,
            "with_answer": sum(n["target"] is not None for n in chosen),
            "short": sum(n["target"] is not None and len(n["text"]) <= 20 for n in chosen),
        }
        reference = stock_bm25(records)  # indexed once, queried for every form
        for form in forms:
            ours = []
            for n in chosen:
                d = demand(n, form)
                t0 = time.perf_counter()
                rows = platform.matches_for("demand", d, k=K)
                ours.append((n, [record_of[r.record.pk] for r in rows], time.perf_counter() - t0))
            queries = [
                n["text"] if form == "short" else " ".join(n["posting"].get(k, "") for k in POSTING)
                for n in chosen
            ]
            section = {
                "matcher": metrics(ours),
                "bm25": metrics(self._bm25(reference, records, chosen, queries)),
            }
            mine, ref = section["matcher"], section["bm25"]
            if mine["mrr10"] is not None and ref["mrr10"]:
                section["mrr_vs_bm25"] = round(mine["mrr10"] / ref["mrr10"], 3)
            if form == "short":
                result.update(section)
            else:
                result[form] = section
        if model is not None:
            result["fitted_model"] = model.as_dict()
        return result

    @staticmethod
    def _bm25(model, records, needs, queries) -> list[tuple[dict, list[int], float]]:
        out = []
        for n, query in zip(needs, queries, strict=True):
            t0 = time.perf_counter()
            res, scores = model.retrieve([jieba_tokens(query)], k=K, show_progress=False, n_threads=1)
            ranked = [records[j]["id"] for j, s in zip(res[0], scores[0], strict=True) if s > 0]
            out.append((n, ranked, time.perf_counter() - t0))
        return out
