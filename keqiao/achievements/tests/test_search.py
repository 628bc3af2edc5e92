"""The public showcase search: short Chinese queries, the holder's weight, the organisation filter and
the hints for a query that finds nothing (page and API)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqiao.accounts.models import Membership, Organization
from keqiao.achievements import services
from keqiao.achievements.search import achievement_document
from keqiao.search.index import search_achievements
from keqiao.testing.factories import OrganizationFactory, achievement_data, member

pytestmark = pytest.mark.django_db

BAMBOO_INSTITUTE = "青神竹产业与生态技术研究院"


@pytest.fixture
def publish_for(bureau):
    """Publish an achievement of another organisation (through the services, like make_achievement)."""

    def publish(org, **overrides):
        existing = Membership.objects.filter(organization=org, role=Membership.Role.ADMIN).first()
        user = existing.user if existing else member(org, Membership.Role.ADMIN)
        a = services.achievement_create(by=user, organization=org, data=achievement_data(**overrides))
        a = services.achievement_submit(achievement=a, by=user)
        a = services.achievement_approve(achievement=a, by=bureau)
        return services.achievement_publish(achievement=a, by=user)

    return publish


@pytest.fixture
def bamboo_org(db):
    return OrganizationFactory(name=BAMBOO_INSTITUTE, kind=Organization.Kind.INSTITUTE)


def ids(query="", **kwargs):
    return search_achievements(query, **kwargs).ids


def test_short_queries_find_compound_words(make_achievement):
    charcoal = make_achievement(
        "published",
        title="竹炭对甲基橙溶液吸附行为的研究",
        summary="研究了竹炭对甲基橙的吸附。",
        keywords=["吸附"],
    )
    floor = make_achievement("published", title="国内外竹地板性能测试方法标准比较", keywords=["标准"])
    tea = make_achievement("published", title="富锌富硒有机茶园的管理", keywords=["施肥"])
    battery = make_achievement("published", title="锂电池正极材料的合成及电化学性能", keywords=["正极"])
    assert set(ids("竹")) == {charcoal.pk, floor.pk}
    assert ids("茶") == [tea.pk]
    assert ids("锂电") == [battery.pk]
    assert "竹" in search_achievements("竹").terms  # highlighted inside 竹炭


def test_the_holder_name_is_its_own_field(make_achievement):
    a = make_achievement("published")
    doc = achievement_document(a)
    assert a.organization.name not in doc.fields["body"]
    assert doc.fields["holder"] == a.organization.name
    assert doc.facets["org"] == (str(a.organization_id),)


def test_a_match_by_the_holder_only_ranks_below_every_content_match(
    make_achievement, publish_for, bamboo_org
):
    by_holder = [
        publish_for(
            bamboo_org, title=f"黄姜皂素的清洁生产工艺{i}", summary="废水处理与资源化。", keywords=["皂素"]
        )
        for i in range(3)
    ]
    # a content match as weak as it gets: 竹 once, in the body of a long summary
    weak = make_achievement(
        "published",
        title="林下种植模式调查",
        summary="调查了林下种植模式。" * 30 + "兼有竹林。",
        keywords=["林下"],
    )
    strong = make_achievement("published", title="竹材防霉处理技术", keywords=["竹材", "防霉"])
    both = publish_for(bamboo_org, title="竹基复合材料生产线", keywords=["竹基复合材料"])
    page = search_achievements("竹")
    assert page.total == 6
    content = page.ids[:3]
    assert set(content) == {weak.pk, strong.pk, both.pk}
    assert set(page.ids[3:]) == {a.pk for a in by_holder}
    # the holder's name still finds its records (after the records matching its words by content),
    # and only them through the organisation filter
    assert {a.pk for a in [*by_holder, both]} <= set(ids(BAMBOO_INSTITUTE))
    assert set(ids("", filters={"org": [str(bamboo_org.pk)]})) == {a.pk for a in [*by_holder, both]}


def test_no_result_hints(make_achievement):
    make_achievement("published", title="竹炭对甲基橙溶液吸附行为的研究", keywords=["竹炭", "吸附"])
    latin = search_achievements("bamboo")
    assert (
        latin.total == 0 and [h.kind for h in latin.hints] == ["search_in_chinese"] and not latin.suggestions
    )
    make_achievement("published", title="PCR检测方法", keywords=["PCR"], tech_field="agriculture")
    latin = search_achievements("pcr", filters={"field": ["new_materials"]})  # a latin word of the index
    assert latin.total == 0 and [(h.kind, h.total) for h in latin.hints] == [("clear_filters", 1)]
    typo = search_achievements("竹碳")
    assert typo.total == 0 and [(s.query, s.total) for s in typo.suggestions] == [("竹炭", 1)]
    filtered = search_achievements("竹炭", filters={"field": ["new_materials"]})
    assert filtered.total == 0
    assert [(h.kind, h.total) for h in filtered.hints] == [("clear_filters", 1)]
    assert search_achievements("竹炭").hints == [] and search_achievements("竹炭").suggestions == []
    # suggestions are checked under the filters
    material = make_achievement(
        "published", title="竹材防霉处理", keywords=["竹材"], tech_field="new_materials"
    )
    assert {s.query for s in search_achievements("竹碳").suggestions} == {"竹炭", "竹材"}
    page = search_achievements("竹碳", filters={"field": ["new_materials"]})
    assert [(s.query, s.total) for s in page.suggestions] == [("竹材", 1)] and material.pk not in page.ids


# --- the organisation filter on the page and in the API ----------------------------------------------


def test_detail_page_links_to_all_achievements_of_the_holder(
    client, make_achievement, publish_for, other_org
):
    mine = [make_achievement("published", title=f"微卫星标记成果{i}") for i in range(2)]
    theirs = publish_for(other_org, title="微卫星标记其他成果")
    body = client.get(mine[0].get_absolute_url()).content.decode()
    url = f"{reverse('achievements:list')}?org={mine[0].organization_id}"
    assert f'href="{url}"' in body
    response = client.get(url)
    assert response.status_code == 200
    assert [a.pk for a in response.context["achievements"]] == sorted((a.pk for a in mine), reverse=True)
    assert theirs.title not in response.content.decode()
    assert (
        'id="org-filter"' in response.content.decode()
        and mine[0].organization.name in response.content.decode()
    )
    # the filter combines with a query and is kept by the search box
    response = client.get(reverse("achievements:list"), {"q": "微卫星", "org": other_org.pk})
    assert [a.pk for a in response.context["achievements"]] == [theirs.pk]
    assert f'name="org" value="{other_org.pk}"' in response.content.decode()


def test_detail_page_of_an_unpublished_achievement_has_no_holder_link(client, owner, make_achievement):
    a = make_achievement("draft")
    client.force_login(owner)
    assert 'id="holder-achievements"' not in client.get(a.get_absolute_url()).content.decode()


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5", "１２", "9" * 40])
def test_bad_org_filter_is_ignored_with_a_message_on_the_page(client, make_achievement, value):
    a = make_achievement("published")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("achievements:list"), {"org": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="org-filter-error"' in body and "The organisation filter was ignored." in body
    assert [x.pk for x in response.context["achievements"]] == [a.pk]  # unfiltered


def test_unverified_organisation_is_no_filter(client, make_achievement, holder_org):
    make_achievement("published")
    holder_org.status = Organization.Status.PENDING
    holder_org.save()
    response = client.get("/api/v1/achievements", {"org": holder_org.pk})
    assert response.status_code == 400


def test_api_org_filter(client, make_achievement, publish_for, other_org):
    mine = make_achievement("published", title="微卫星标记成果")
    theirs = publish_for(other_org, title="微卫星标记其他成果")
    data = client.get("/api/v1/achievements", {"org": other_org.pk}).json()
    assert data["total"] == 1 and [r["id"] for r in data["results"]] == [theirs.pk]
    data = client.get(
        "/api/v1/achievements", {"org": [other_org.pk, mine.organization_id], "q": "微卫星"}
    ).json()
    assert {r["id"] for r in data["results"]} == {mine.pk, theirs.pk}
    # the kind facet is still the organisation's kind
    data = client.get("/api/v1/achievements", {"org": other_org.pk, "holder": "university"}).json()
    assert data["total"] == 0


@pytest.mark.parametrize("value", ["abc", "999999", "1;drop", ""])
def test_api_bad_org_filter_is_a_400_with_a_message(client, make_achievement, value):
    make_achievement("published")
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/achievements", {"org": value})
    if value == "":
        assert response.status_code == 200  # an empty value is no filter
        return
    assert response.status_code == 400
    assert "Unknown organisation" in response.json()["detail"]


def test_list_with_org_filter_costs_one_query_more(client, make_achievement):
    a = make_achievement("published", title="成果 微卫星标记技术")
    client.get(reverse("achievements:list"))  # builds the index
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("achievements:list"), {"q": "微卫星", "org": a.organization_id})
    assert response.status_code == 200
    # the organisation, index catch-up, regions for facet labels, the page of achievements
    assert len(ctx.captured_queries) == 4, [q["sql"] for q in ctx.captured_queries]


# --- hints for a query that finds nothing ------------------------------------------------------------


def test_no_result_hints_on_the_page(client, make_achievement):
    make_achievement("published", title="竹炭对甲基橙溶液吸附行为的研究", keywords=["竹炭", "吸附"])
    client.cookies["django_language"] = "en"
    body = client.get(reverse("achievements:list"), {"q": "bamboo"}).content.decode()
    assert 'data-hint="search_in_chinese"' in body and "try your search with Chinese words" in body
    body = client.get(reverse("achievements:list"), {"q": "竹碳"}).content.decode()
    assert "Did you mean:" in body and 'data-suggestion="竹炭"' in body and "?q=%E7%AB%B9%E7%82%AD" in body
    body = client.get(reverse("achievements:list"), {"q": "竹炭", "field": "new_materials"}).content.decode()
    assert 'data-hint="clear_filters"' in body and "Without the filters, 1 listing matches." in body
    # the suggestion keeps the filters
    body = client.get(reverse("achievements:list"), {"q": "竹碳", "field": "agriculture"}).content.decode()
    assert (
        "?q=%E7%AB%B9%E7%82%AD&amp;field=agriculture" in body
        or "field=agriculture&amp;q=%E7%AB%B9%E7%82%AD" in body
    )


def test_no_result_hints_in_the_api(client, make_achievement):
    make_achievement("published", title="竹炭对甲基橙溶液吸附行为的研究", keywords=["竹炭", "吸附"])
    client.cookies["django_language"] = "en"
    data = client.get("/api/v1/achievements", {"q": "bamboo"}).json()
    assert data["total"] == 0 and data["suggestions"] == []
    assert data["hints"] == [
        {
            "kind": "search_in_chinese",
            "message": "Listings are written in Chinese: try your search with Chinese words.",
        }
    ]
    data = client.get("/api/v1/achievements", {"q": "竹碳"}).json()
    assert data["suggestions"] == [{"q": "竹炭", "total": 1}] and data["hints"] == []
    data = client.get("/api/v1/achievements", {"q": "竹炭"}).json()
    assert data["total"] == 1 and data["suggestions"] == [] and data["hints"] == []
