# SQL is assembled from table names of the models and fixed fragments only; every value is a parameter.
# ruff: noqa: S608
"""The PostgreSQL full-text backend: one table of public documents with a weighted tsvector.

Text is segmented by the same jieba tokenizer as the in-process engine (:mod:`keqiao.common.text`),
joined with spaces and indexed with the 'simple' configuration, each field in a weight class (A-D, by
descending field weight). A query is segmented the same way; its words are OR-ed (a one- or two-character
Chinese word of a short query also matches the words starting with it), matches are ranked with
``ts_rank_cd`` and the field weights, and filters, disjunctive facet counts (GROUP BY over the matching
set), sorting and pagination are done in SQL. Only the definition's public rows and public fields are
ever written to the table.

Consistency: like the in-process index, the table follows the IndexChange log. Before a search, one
query reads the log rows after the position recorded in ``SearchIndexState``; the first process to see
them re-reads those listings under a transaction-level advisory lock and moves the position on, so the
work is done once for all processes and every search sees the committed state.
"""

import json
import logging
import math
import time
import zlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max

from keqiao.common import text

from ..engine import CJK
from ..models import IndexChange, SearchDocument, SearchIndexState
from ..registry import IndexDefinition
from ..results import Hint, SearchPage, clean_request, latin_only

logger = logging.getLogger(__name__)

CLASSES = "abcd"  # weight classes, strongest first ('A' .. 'D' in PostgreSQL)
# ts_rank_cd normalisation: 1 divides the rank by 1 + log(document length), so long bodies do not
# outrank short, precise listings just by repeating words; 32 maps it into [0, 1) (rank / (rank + 1)),
# so a content match (+1) always ranks above a match in the secondary fields alone.
RANK_NORMALIZATION = 1 | 32
# Like the in-process Expansion: a Chinese query of at most 2 characters (a run between other words),
# in a query of at most 4 words, also matches the indexed words starting with it (竹 -> 竹炭).
PREFIX_MAX_CHARS = 2
PREFIX_MAX_QUERY_WORDS = 4
BATCH = 1000

DOC = SearchDocument._meta.db_table
STATE = SearchIndexState._meta.db_table
CHANGES = IndexChange._meta.db_table


def field_classes(definition: IndexDefinition) -> dict[str, str]:
    """Field -> weight class, by descending weight; fields beyond the fourth share class D."""
    ordered = sorted(definition.field_weights, key=lambda f: -definition.field_weights[f])
    return {f: CLASSES[min(i, len(CLASSES) - 1)] for i, f in enumerate(ordered)}


def rank_weights(definition: IndexDefinition) -> list[float]:
    """The ts_rank_cd weights {D, C, B, A}: each class's field weight relative to the strongest."""
    classes = field_classes(definition)
    top = max(definition.field_weights.values())
    by_class = {c: 0.0 for c in CLASSES}
    for f, c in classes.items():
        by_class[c] = max(by_class[c], definition.field_weights[f] / top)
    return [by_class[c] for c in reversed(CLASSES)]


def _tsquery(query: str, tokens: list[str]) -> tuple[str, list[str]]:
    """The OR of the query words as a tsquery expression and its parameters.

    A Chinese run of the query of at most PREFIX_MAX_CHARS characters (the whole run, as the user typed
    it) also matches the indexed words starting with it, in queries of at most PREFIX_MAX_QUERY_WORDS words.
    """
    parts, params = [], []
    for tok in tokens:
        parts.append("plainto_tsquery('simple', %s)")
        params.append(tok)
    if len(tokens) <= PREFIX_MAX_QUERY_WORDS:
        for run in dict.fromkeys(CJK.findall(text.normalize(query))):
            if len(run) <= PREFIX_MAX_CHARS:
                parts.append("to_tsquery('simple', %s)")
                params.append(f"{run}:*")  # Chinese characters only: nothing to escape
    return "(" + " || ".join(parts) + ")", params


class PostgresBackend:
    name = "postgres"

    def __init__(self, definition: IndexDefinition) -> None:
        self.definition = definition
        self.classes = field_classes(definition)
        self.weights = rank_weights(definition)
        content = sorted({c for f, c in self.classes.items() if f not in definition.secondary_fields})
        self.content_classes = content if definition.secondary_fields else None
        self._words_loaded = False

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: str = "",
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchPage:
        self.refresh()
        d = self.definition
        req = clean_request(d, query, filters, sort, page, per_page)
        tokens = list(dict.fromkeys(text.tokenize_query(query))) if query.strip() else []
        if query.strip() and not tokens:  # only punctuation or stopwords: nothing can match
            total, facets, hits = 0, {f: {} for f in d.facets}, []
        else:
            total, facets = self._counts(query, tokens, req.filters)
            hits = self._page(query, tokens, req.filters, req.order, req.offset, per_page) if total else []
        hints = []
        if not total and query.strip():
            unfiltered = self._counts(query, tokens, {})[0] if req.filters and tokens else 0
            if unfiltered:
                hints.append(Hint("clear_filters", unfiltered))
            elif latin_only(query):
                hints.append(Hint("search_in_chinese"))
        return SearchPage(
            query=query,
            total=total,
            ids=[i for i, _s in hits],
            scores=dict(hits),
            facets=facets,
            terms=tokens,
            filters=req.filters,
            sort=req.sort,
            page=req.page,
            per_page=per_page,
            suggestions=[],
            hints=hints,
        )

    def _match(self, query: str, tokens: list[str], *, rank: bool) -> tuple[str, str, list]:
        """FROM/WHERE of the matching set, and the rank expression (0 when browsing)."""
        if not tokens:
            return f"FROM {DOC} d WHERE d.kind = %s", "0::float4", [self.definition.kind]
        tsq, params = _tsquery(query, tokens)
        select = "0::float4"
        if rank:
            select = f"ts_rank_cd(%s::float4[], d.vector, q.q, {RANK_NORMALIZATION})"
            if self.content_classes:
                # A match in the secondary fields alone (the holder's name) ranks below every content match.
                select = f'(CASE WHEN ts_filter(d.vector, %s::"char"[]) @@ q.q THEN 1 ELSE 0 END + {select})'
        sql = f"FROM {DOC} d, (SELECT {tsq} AS q) q WHERE d.kind = %s AND d.vector @@ q.q"
        return sql, select, [*params, self.definition.kind]

    def _rank_params(self) -> list:
        params = [self.weights]
        if self.content_classes:
            params = ["{" + ",".join(self.content_classes) + "}", *params]
        return params

    @staticmethod
    def _flag(facet: str, values: list[str]) -> tuple[str, list]:
        return "(d.facets -> %s) ?| %s::text[]", [facet, list(values)]

    def _counts(self, query: str, tokens: list[str], filters: dict[str, list[str]]) -> tuple[int, dict]:
        """Total after every filter, and each facet's counts under every filter but its own."""
        d = self.definition
        from_where, _rank, match_params = self._match(query, tokens, rank=False)
        flags = {f: self._flag(f, vs) for f, vs in filters.items()}
        cols = ", ".join(f"{sql} AS f{i}" for i, (sql, _p) in enumerate(flags.values()))
        col_params = [p for _sql, ps in flags.values() for p in ps]
        names = {f: f"f{i}" for i, f in enumerate(flags)}
        sql = [
            f"WITH m AS MATERIALIZED (SELECT d.facets{', ' + cols if cols else ''} {from_where})",
            "SELECT NULL::text, NULL::text, count(*) FROM m WHERE " + " AND ".join(["TRUE", *names.values()]),  # nosec B608  # identifiers are module constants; every value is bound
        ]
        params = [*col_params, *match_params]
        for f in d.facets:
            others = [n for g, n in names.items() if g != f]
            sql.append(
                "UNION ALL SELECT %s, v, count(*) FROM m CROSS JOIN LATERAL "  # nosec B608  # identifiers are module constants; every value is bound
                "jsonb_array_elements_text(COALESCE(m.facets -> %s, '[]'::jsonb)) v "
                "WHERE " + " AND ".join(["TRUE", *others]) + " GROUP BY v"
            )
            params += [f, f]
        with connection.cursor() as cur:
            cur.execute("\n".join(sql), params)
            rows = cur.fetchall()
        total = 0
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in d.facets}
        for facet, value, n in rows:
            if facet is None:
                total = int(n)
            else:
                counts[facet].append((value, int(n)))
        facets = {f: dict(sorted(pairs, key=lambda p: (-p[1], p[0]))) for f, pairs in counts.items()}
        return total, facets

    def _page(
        self,
        query: str,
        tokens: list[str],
        filters: dict[str, list[str]],
        order: str,
        offset: int,
        limit: int,
    ) -> list[tuple[int, float]]:
        from_where, rank, params = self._match(query, tokens, rank=True)
        if tokens:
            params = [*self._rank_params(), *params]
        for f, vs in filters.items():
            sql, p = self._flag(f, vs)
            from_where += f" AND {sql}"
            params += p
        if order == "relevance":
            order_by = "rank DESC, d.object_id"
        else:
            desc = order.startswith("-")
            key = order.lstrip("-")
            if key not in self.definition.sorts:
                raise ValueError(f"unknown sort {order!r}")
            order_by = (
                f"(d.sorts ->> %s)::float8 {'DESC' if desc else 'ASC'} NULLS LAST, rank DESC, d.object_id"
            )
            params.append(key)
        sql = f"SELECT d.object_id, {rank} AS rank {from_where} ORDER BY {order_by} LIMIT %s OFFSET %s"
        with connection.cursor() as cur:
            cur.execute(sql, [*params, limit, offset])
            return [(int(i), float(r)) for i, r in cur.fetchall()]

    # ------------------------------------------------------------------ indexing
    def _lock(self, cur) -> None:
        """Serialise writers of this kind until the end of the transaction."""
        cur.execute(
            "SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"keqiao.search.{self.definition.kind}".encode())]
        )

    def _load_words(self) -> None:
        """Add the indexed listings' keywords to this process's segmentation dictionary (once), so
        queries are segmented like the documents were."""
        if self._words_loaded:
            return
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT DISTINCT w FROM {DOC} d, jsonb_array_elements_text(d.words) w WHERE d.kind = %s",  # nosec B608  # identifiers are module constants; every value is bound
                [self.definition.kind],
            )
            text.add_words(w for (w,) in cur.fetchall())
        self._words_loaded = True

    def refresh(self) -> None:
        kind = self.definition.kind
        with connection.cursor() as cur:
            # One query: the position, and whether the log has rows after it.
            cur.execute(
                f"SELECT s.last_change_id, EXISTS (SELECT 1 FROM {CHANGES} c "  # nosec B608  # identifiers are module constants; every value is bound
                f"WHERE c.kind = k.kind AND c.id > s.last_change_id) "
                f"FROM (SELECT %s::varchar AS kind) k LEFT JOIN {STATE} s ON s.kind = k.kind",
                [kind],
            )
            position, behind = cur.fetchone()
        if position is None:  # never built
            started = time.perf_counter()
            n = self.rebuild(only_if_missing=True)
            logger.info("%s search table built: %d records in %.2fs", kind, n, time.perf_counter() - started)
        elif behind:
            self._catch_up()
        self._load_words()

    def _catch_up(self) -> None:
        kind = self.definition.kind
        with transaction.atomic(), connection.cursor() as cur:
            self._lock(cur)
            cur.execute(f"SELECT last_change_id FROM {STATE} WHERE kind = %s", [kind])  # nosec B608  # identifiers are module constants; every value is bound
            (last,) = cur.fetchone()
            cur.execute(f"SELECT id, object_id FROM {CHANGES} WHERE kind = %s AND id > %s", [kind, last])  # nosec B608  # identifiers are module constants; every value is bound
            changes = cur.fetchall()
            if not changes:
                return  # another process applied them meanwhile
            self._update({object_id for _id, object_id in changes})
            cur.execute(
                f"UPDATE {STATE} SET last_change_id = %s WHERE kind = %s",  # nosec B608  # constant table name
                [max(i for i, _o in changes), kind],
            )

    def update(self, object_ids: Iterable[int]) -> None:
        with transaction.atomic(), connection.cursor() as cur:
            self._lock(cur)
            self._update(set(object_ids))

    def _update(self, ids: set[int]) -> None:
        d = self.definition
        fresh = list(d.queryset().filter(pk__in=ids)) if ids else []
        for r in fresh:
            text.add_words(d.keywords(r))
        self._write(fresh)
        gone = ids - {r.pk for r in fresh}
        if gone:
            SearchDocument.objects.filter(kind=d.kind, object_id__in=gone).delete()

    def remove(self, object_ids: Iterable[int]) -> None:
        SearchDocument.objects.filter(kind=self.definition.kind, object_id__in=list(object_ids)).delete()

    def rebuild(self, *, save: bool | None = None, only_if_missing: bool = False) -> int:
        """Replace this kind's documents with every public listing (one transaction: searches keep
        seeing the previous documents until it commits)."""
        d = self.definition
        with transaction.atomic(), connection.cursor() as cur:
            self._lock(cur)
            if only_if_missing and SearchIndexState.objects.filter(kind=d.kind).exists():
                return self.count()
            # Read the log position first: changes committed while we load are applied afterwards.
            last = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
            records = list(d.queryset().iterator(chunk_size=2000))
            text.add_words(sorted({kw for r in records for kw in d.keywords(r)}))
            SearchDocument.objects.filter(kind=d.kind).delete()
            for start in range(0, len(records), BATCH):
                self._write(records[start : start + BATCH])
            SearchIndexState.objects.update_or_create(kind=d.kind, defaults={"last_change_id": last})
            # Fresh statistics, or the planner keeps estimating the old table and skips the GIN index.
            cur.execute(f"ANALYZE {DOC}")
        self._words_loaded = True
        return len(records)

    def _write(self, records: list) -> None:
        """Insert or replace the documents of ``records`` (public rows of this kind)."""
        if not records:
            return
        d = self.definition
        keep = set(d.facets) | set(d.filters)
        cols: list[list] = [[] for _ in range(8)]
        for r in records:
            doc = d.document(r)
            texts = {c: [] for c in CLASSES}
            for f, value in doc.fields.items():
                if f in self.classes and value:
                    texts[self.classes[f]].append(" ".join(text.tokenize(value)))
            facets = {f: list(vs) for f, vs in doc.facets.items() if f in keep}
            sorts = {k: (None if math.isnan(v) else v) for k, v in doc.sort_values.items()}
            row = [doc.id, *(" ".join(texts[c]) for c in CLASSES)]
            row += [
                json.dumps(facets, ensure_ascii=False),
                json.dumps(sorts),
                json.dumps(list(d.keywords(r))),
            ]
            for col, v in zip(cols, row, strict=True):
                col.append(v)
        vector = " || ".join(f"setweight(to_tsvector('simple', t.{c}), '{c.upper()}')" for c in CLASSES)
        sql = (
            f"INSERT INTO {DOC} (kind, object_id, text_a, text_b, text_c, text_d, facets, sorts, words, vector) "  # nosec B608  # identifiers are module constants; every value is bound
            f"SELECT %s, t.id, t.a, t.b, t.c, t.d, t.facets::jsonb, t.sorts::jsonb, t.words::jsonb, {vector} "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::text[]) AS t(id, a, b, c, d, facets, sorts, words) "
            "ON CONFLICT (kind, object_id) DO UPDATE SET text_a = EXCLUDED.text_a, text_b = EXCLUDED.text_b, "
            "text_c = EXCLUDED.text_c, text_d = EXCLUDED.text_d, facets = EXCLUDED.facets, "
            "sorts = EXCLUDED.sorts, words = EXCLUDED.words, vector = EXCLUDED.vector"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [d.kind, *cols])

    def count(self) -> int:
        return SearchDocument.objects.filter(kind=self.definition.kind).count()

    def warm_up(self) -> bool:
        self._load_words()
        return True

    def reset(self) -> None:
        self._words_loaded = False
