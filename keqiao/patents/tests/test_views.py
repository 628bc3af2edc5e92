"""Patent pages and API: public once published, an unpublished application only to its holder and the
bureau (404 to others); the holder's page lists its patents; an achievement's IP section links them."""

import pytest

from keqiao.achievements.models import IPItem
from keqiao.patents import services


@pytest.fixture
def published(owner, holder_org):
    data = {
        "application_number": "202310123456.6",
        "publication_number": "CN116212345A",
        "title": "高镍三元正极材料低成本连续化制备方法",
        "applicants": ["眉山测试大学"],
        "legal_status": "实质审查",
    }
    return services.patent_save(by=owner, data=data, holder=holder_org)[0]


@pytest.fixture
def unpublished(owner, holder_org):
    data = {"application_number": "202210456701.0", "title": "未公开的泡菜菌剂申请"}
    return services.patent_save(by=owner, data=data, holder=holder_org)[0]


def test_list_and_detail_are_public_for_published_patents(
    client, published, unpublished, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        r = client.get("/patents/")
    assert r.status_code == 200
    assert published.title in r.text and unpublished.title not in r.text
    assert client.get(f"/patents/{published.pk}/").status_code == 200
    assert client.get(f"/patents/{unpublished.pk}/").status_code == 404
    assert client.get("/patents/?q=ZL2023").status_code == 200
    assert client.get("/patents/?kind=design&status=granted&holder=abc").status_code == 200


def test_holder_and_bureau_see_the_unpublished_application(client, owner, bureau, outsider, unpublished):
    for user, status in ((owner, 200), (bureau, 200), (outsider, 404)):
        client.force_login(user)
        assert client.get(f"/patents/{unpublished.pk}/").status_code == status
        assert (unpublished.title in client.get("/patents/").text) is (status == 200)


def test_holder_page_lists_patents_and_achievement_links_them(
    client, holder_org, published, make_achievement
):
    a = make_achievement("published")
    IPItem.objects.create(
        achievement=a,
        kind="invention",
        number=published.application_number,
        title=published.title,
        status="applied",
    )
    r = client.get(f"/holders/{holder_org.pk}/")
    assert r.status_code == 200 and published.application_number in r.text and 'id="holder-patents"' in r.text
    r = client.get(a.get_absolute_url())
    assert f'href="/patents/{published.pk}/"' in r.text
    services.patent_link_achievements(patent=published, achievement_ids=[a.pk])
    r = client.get(f"/patents/{published.pk}/")
    assert a.title in r.text


def test_api(client, owner, published, unpublished):
    r = client.get("/api/v1/patents?legal_status=pending")
    assert r.status_code == 200 and [p["application_number"] for p in r.json()] == ["ZL202310123456.6"]
    assert client.get(f"/api/v1/patents/{unpublished.pk}").status_code == 404
    client.force_login(owner)
    assert len(client.get("/api/v1/patents").json()) == 2
    assert client.get(f"/api/v1/patents/{unpublished.pk}").json()["title"] == unpublished.title
