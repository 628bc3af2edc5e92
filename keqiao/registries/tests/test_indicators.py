"""Plan indicators bound to registry queries: the value, its trend, breakdown and drill-down come from the
registries; a qualification that expires stops counting on its expiry date (frozen clock); the plan
import accepts the registry queries; the dashboard marks what is computed and what is reported."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from keqiao.common.errors import DomainError
from keqiao.governance import indicators, services
from keqiao.governance.models import Indicator
from keqiao.registries import services as registry_services

from .conftest import pdf, qualification_data

pytestmark = pytest.mark.django_db


def _plan(bureau, query="high_tech_enterprises", year=2024):
    return services.plan_create(
        by=bureau,
        data={
            "title": "眉山市科技成果转化三年行动计划（测试）",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year + 2}-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "全市高新技术企业",
                    "target": "150",
                    "unit": "家",
                    "deadline": f"{year + 2}-12-31",
                    "source": "query",
                    "query": query,
                },
                {
                    "number": 2,
                    "name": "培养技术经纪人",
                    "target": "100",
                    "unit": "人",
                    "deadline": f"{year + 2}-12-31",
                    "source": "reported",
                    "department": "市科技局",
                },
            ],
        },
    )


@time_machine.travel(datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_expiry_moves_the_dashboard_on_its_date(bureau, ent, ent_org, county, client):
    plan = _plan(bureau)
    ind = plan.indicators.get(number=1)
    q = registry_services.qualification_propose(
        by=ent,
        organization=ent_org,
        data=qualification_data(valid_from=datetime.date(2023, 6, 10), valid_until=datetime.date(2026, 6, 9)),
        evidence=pdf(),
    )
    registry_services.qualification_decide(qualification=q, by=county, action="confirm")
    assert indicators.value_for_year(ind, 2026) == 1
    assert indicators.yearly_values(ind, [2024, 2025, 2026]) == [(2024, 1), (2025, 1), (2026, 1)]
    assert [
        r["value"] for r in indicators.breakdown(ind, 2026) if r["region"] and r["region"].code == "511402"
    ] == [1]
    client.force_login(bureau)
    page = client.get(f"/governance/indicators/{ind.pk}/").content.decode()
    assert "GR202451000123" in page and f"/registries/qualifications/{q.pk}/evidence/" in page
    with time_machine.travel(datetime.datetime(2026, 6, 10, 2, 0, tzinfo=datetime.UTC), tick=False):
        assert timezone.localdate() == datetime.date(2026, 6, 10)
        assert indicators.value_for_year(ind, 2026) == 0  # before the daily job ran
        assert indicators.value_for_year(ind, 2025) == 1  # last year's figure stays
        assert indicators.progress(ind).actual == 0
        assert registry_services.qualifications_expire() == 1
        assert indicators.value_for_year(ind, 2026) == 0
        page = client.get(f"/governance/indicators/{ind.pk}/").content.decode()
        assert "GR202451000123" not in page


def test_the_dashboard_says_what_is_computed_and_what_is_reported(bureau, client):
    plan = _plan(bureau)
    client.force_login(bureau)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "平台统计" in page and "已报送" in page
    detail = client.get(f"/governance/indicators/{plan.indicators.get(number=1).pk}/").content.decode()
    assert "持有经确认且在有效期内证书的国家高新技术企业" in detail
    assert 'id="report"' not in detail  # a computed figure cannot be reported


def test_reporting_a_computed_indicator_is_refused(bureau):
    ind = _plan(bureau).indicators.get(number=1)
    with pytest.raises(DomainError):
        services.indicator_report(indicator=ind, by=bureau, year=2024, value="3", evidence="名单")


@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ("high_tech_enterprises", True),
        ("qualification:specialised", True),
        ("platform:key_lab:provincial", True),
        ("platform:any", True),
        ("platform:key_lab:cosmic", False),
        ("qualification:unknown", False),
    ],
)
def test_the_plan_import_binds_registry_queries(bureau, query, ok):
    if ok:
        plan = _plan(bureau, query=query)
        ind = plan.indicators.get(number=1)
        assert ind.source == Indicator.Source.QUERY and ind.query == query
        assert indicators.value_for_year(ind, 2024) == 0
        assert indicators.query_label(ind)
    else:
        with pytest.raises(services.RowErrors) as exc:
            _plan(bureau, query=query)
        assert "high_tech_enterprises" in str(exc.value)


def test_platform_indicator_counts_by_level(bureau, propose_platform, county):
    plan = _plan(bureau, query="platform:engineering_centre:provincial")
    ind = plan.indicators.get(number=1)
    city = registry_services.platform_decide(platform=propose_platform(), by=county, action="confirm")
    provincial = registry_services.platform_decide(
        platform=propose_platform(name="四川省泡菜发酵工程技术研究中心", level="provincial"),
        by=county,
        action="confirm",
    )
    year = timezone.localdate().year
    assert indicators.value_for_year(ind, year) == 1
    assert list(indicators.records(ind, year)) == [provincial]
    assert city.status == "active"
