"""What every search backend must do, run against each one: ranking, facets, filters, pagination,
freshness after changes, and privacy. On SQLite only the in-process backend runs; on PostgreSQL both."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from keqiao.achievements import services
from keqiao.demands import services as demand_services
from keqiao.search.backends import SearchBackend, get_backend

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["memory", "postgres"])
def backend_name(request, settings):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip(f"the postgres search backend needs PostgreSQL (this run uses {connection.vendor})")
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_BACKEND": request.param}
    for kind in ("achievement", "demand"):
        get_backend(kind, request.param).reset()
    return request.param


@pytest.fixture
def backend(backend_name) -> SearchBackend:
    return get_backend("achievement")


def ids(backend, query="", **kwargs):
    return backend.search(query, **kwargs).ids


def test_the_setting_chooses_the_backend(backend, backend_name):
    assert backend.name == backend_name
    assert isinstance(backend, SearchBackend)


def test_title_match_ranks_above_body_match(backend, make_achievement):
    body = make_achievement(
        "published",
        title="一种可降解包装薄膜的制备方法",
        summary="以聚乳酸为基体，加入纳米纤维素。",
        keywords=["包装"],
    )
    title = make_achievement(
        "published", title="聚乳酸改性技术", summary="提高韧性与耐热性，用于一次性餐具。", keywords=["改性"]
    )
    make_achievement("published", title="茶叶加工新工艺", summary="绿茶杀青与揉捻。", keywords=["茶叶"])
    page = backend.search("聚乳酸")
    assert page.ids == [title.pk, body.pk]
    assert page.total == 2
    assert page.scores[title.pk] > page.scores[body.pk]
    assert "聚乳酸" in page.terms


def test_any_word_of_the_query_matches(backend, make_achievement):
    a = make_achievement("published", title="竹纤维增强复合材料", summary="竹纤维。", keywords=["竹纤维"])
    b = make_achievement("published", title="茶叶加工新工艺", summary="绿茶。", keywords=["茶叶"])
    assert set(ids(backend, "竹纤维 茶叶")) == {a.pk, b.pk}
    # words, not substrings: "路路" is inside "铁路路基" but is no word of it
    make_achievement("published", title="高速铁路路基沉降监测", summary="监测路基沉降。", keywords=["路基"])
    assert ids(backend, "路路") == []


def test_facet_counts_are_disjunctive(backend, make_achievement):
    make_achievement("published", title="新材料甲", tech_field="new_materials", trl=8)
    make_achievement("published", title="新材料乙", tech_field="new_materials", trl=3)
    make_achievement("published", title="农业丙", tech_field="agriculture", trl=5)
    page = backend.search("", filters={"field": ["new_materials"]})
    assert page.total == 2
    assert page.facets["field"] == {"new_materials": 2, "agriculture": 1}  # its own filter does not narrow it
    assert page.facets["trl"] == {"8": 1, "3": 1}
    assert page.facets["mode"] == {"license": 2, "transfer": 2}
    assert page.facets["holder"] == {"university": 2}
    assert set(page.facets) == {"field", "trl", "ip", "mode", "region", "holder"}
    assert page.filters == {"field": ["new_materials"]}


def test_filters(backend, make_achievement, holder_org):
    a = make_achievement("published", title="新材料甲", tech_field="new_materials", trl=8)
    b = make_achievement("published", title="新材料乙", tech_field="new_materials", trl=3)
    c = make_achievement("published", title="农业丙", tech_field="agriculture", trl=5)
    assert set(ids(backend, "", filters={"field": ["new_materials", "agriculture"]})) == {a.pk, b.pk, c.pk}
    assert ids(backend, "", filters={"field": ["new_materials"], "trl": ["3", "5"]}) == [b.pk]
    assert backend.search("", filters={"region": ["511402"]}).total == 3
    assert backend.search("", filters={"holder": ["enterprise"]}).total == 0
    assert backend.search("", filters={"org": [str(holder_org.pk)]}).total == 3
    assert backend.search("", filters={"org": ["0"]}).total == 0
    # unknown filters and empty values are ignored
    assert backend.search("", filters={"nonsense": ["x"], "trl": [""]}).total == 3
    assert ids(backend, "新材料", filters={"trl": ["8"]}) == [a.pk]


def test_sort_and_pagination(backend, make_achievement):
    a = make_achievement("published", title="新材料甲", trl=8, price="300000.00")
    b = make_achievement("published", title="新材料乙", trl=3, price="100000.00")
    c = make_achievement("published", title="农业丙", trl=5, price=None, price_negotiable=True)
    assert ids(backend, "", sort="-trl") == [a.pk, c.pk, b.pk]
    assert ids(backend, "", sort="trl") == [b.pk, c.pk, a.pk]
    assert ids(backend, "", sort="price") == [b.pk, a.pk, c.pk]  # no price: last either way
    assert ids(backend, "", sort="-price") == [a.pk, b.pk, c.pk]
    assert ids(backend, "") == [c.pk, b.pk, a.pk]  # browsing: newest first
    page = backend.search("", sort="trl", per_page=2, page=2)
    assert page.ids == [a.pk] and page.total == 3 and page.num_pages == 2 and page.page == 2
    assert backend.search("", per_page=2, page=9).ids == []
    assert backend.search("", sort="bogus").sort == "relevance"


def test_changes_and_withdrawal_are_reflected(backend, make_achievement, owner):
    assert ids(backend, "预锂化") == []
    a = make_achievement("published", title="锂离子电池预锂化技术")
    assert ids(backend, "预锂化") == [a.pk]
    b = make_achievement("published", title="预锂化负极材料")
    assert set(ids(backend, "预锂化")) == {a.pk, b.pk}
    services.achievement_withdraw(achievement=a, by=owner)
    assert ids(backend, "预锂化") == [b.pk]
    services.achievements_expire(now=timezone.now() + datetime.timedelta(days=366))
    assert ids(backend, "预锂化") == []
    assert backend.count() == 0


def test_a_rebuild_agrees_with_the_database(backend, make_achievement, owner):
    a = make_achievement("published", title="锂离子电池预锂化技术")
    make_achievement("approved", title="预锂化未发布")
    assert backend.rebuild() == 1
    assert ids(backend, "预锂化") == [a.pk]


def test_unpublished_rows_and_private_fields_are_not_findable(backend, make_achievement):
    for state in ("draft", "submitted", "returned", "approved"):
        make_achievement(state, title=f"未公开成果{state}草稿", keywords=["保密关键词"])
    published = make_achievement("published", title="公开成果")
    assert ids(backend, "保密关键词") == []
    assert ids(backend, "草稿") == []
    # confidential details and contacts of a published achievement are not indexed
    for private in ("ACGT-SECRET-0001", "引物序列", "张联系人", "028-38888888", "secret-contact@example.com"):
        assert ids(backend, private) == [], private
    assert ids(backend, "公开成果") == [published.pk]
    if backend.name == "postgres":
        from keqiao.search.models import SearchDocument

        rows = list(SearchDocument.objects.values_list("object_id", "text_a", "text_b", "text_c", "text_d"))
        assert [r[0] for r in rows] == [published.pk]
        stored = " ".join(" ".join(r[1:]) for r in rows)
        assert "secret" not in stored and "引物" not in stored and "张联系人" not in stored


def test_no_results_hints(backend, make_achievement):
    make_achievement("published", title="新材料甲", tech_field="new_materials")
    page = backend.search("新材料", filters={"field": ["agriculture"]})
    assert page.total == 0 and [h.kind for h in page.hints] == ["clear_filters"]
    assert page.hints[0].total == 1
    page = backend.search("graphene")
    assert page.total == 0 and [h.kind for h in page.hints] == ["search_in_chinese"]


def test_demands_have_their_own_index(backend_name, make_demand, outsider):
    demands = get_backend("demand")
    assert demands.name == backend_name
    d = make_demand("published", title="茶叶深加工技术需求")
    make_demand("draft", title="茶叶保鲜草稿需求")
    page = demands.search("茶叶")
    assert page.ids == [d.pk]
    assert page.facets["field"] == {"agriculture": 1}
    # a private budget is no sort value: the demand sorts last, as one without a budget
    assert demands.search("", sort="-budget").ids == [d.pk]
    demand_services.demand_close(demand=d, by=outsider)
    assert demands.search("茶叶").ids == []
