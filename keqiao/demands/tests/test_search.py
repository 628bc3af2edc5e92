"""The demand search: short Chinese queries and the hints for a query that finds nothing."""

import pytest
from django.urls import reverse

from keqiao.search.index import search_listings

pytestmark = pytest.mark.django_db


def test_short_queries_find_compound_words(make_demand):
    d = make_demand("published", title="竹炭吸附材料的应用需求", keywords=["竹炭"])
    assert search_listings("demand", "竹").ids == [d.pk]


def test_no_result_hints_on_the_page_and_in_the_api(client, make_demand):
    make_demand("published", title="竹炭吸附材料的应用需求", keywords=["竹炭", "吸附"])
    client.cookies["django_language"] = "en"
    body = client.get(reverse("demands:list"), {"q": "bamboo"}).content.decode()
    assert 'data-hint="search_in_chinese"' in body and "try your search with Chinese words" in body
    body = client.get(reverse("demands:list"), {"q": "竹碳"}).content.decode()
    assert "Did you mean:" in body and 'data-suggestion="竹炭"' in body
    data = client.get("/api/v1/demands", {"q": "bamboo"}).json()
    assert data["total"] == 0 and [h["kind"] for h in data["hints"]] == ["search_in_chinese"]
    assert (
        data["hints"][0]["message"] == "Listings are written in Chinese: try your search with Chinese words."
    )
    data = client.get("/api/v1/demands", {"q": "竹碳"}).json()
    assert data["suggestions"] == [{"q": "竹炭", "total": 1}]
    data = client.get("/api/v1/demands", {"q": "竹炭"}).json()
    assert data["total"] == 1 and data["suggestions"] == [] and data["hints"] == []
