"""A government body without listings has no holder page with an empty list: the page says what it is."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_bureau_without_listings_is_described_not_listed(client, bureau_org):
    body = client.get(reverse("portal:holder", args=[bureau_org.pk])).content.decode()
    assert 'id="government-note"' in body and bureau_org.name in body
    assert "项成果" not in body and "published achievement" not in body and "follow" not in body.lower()


def test_a_holder_keeps_its_page(client, holder_org):
    body = client.get(reverse("portal:holder", args=[holder_org.pk])).content.decode()
    assert 'id="government-note"' not in body


def test_a_county_bureau_that_seeks_technology_shows_its_demands_not_an_empty_list(
    client, bureau_org, make_demand, django_assert_max_num_queries
):
    demand = make_demand("published")
    org = demand.organization
    org.kind = "county_bureau"
    org.save(update_fields=["kind"])
    with django_assert_max_num_queries(12):
        body = client.get(reverse("portal:holder", args=[org.pk])).content.decode()
    assert 'id="holder-demands"' in body and demand.title in body
    assert 'id="government-note"' not in body
    assert "暂无已发布的成果" not in body and "no published achievements" not in body
