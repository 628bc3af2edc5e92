"""Dashboard figures against hand-computed values: edge dates, no data yet, reported values, access."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from keqiao.accounts.models import Organization
from keqiao.contracts.models import Contract
from keqiao.governance import indicators, services
from keqiao.governance.models import ActionPlan, Department, Indicator
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db
_SERIAL = itertools.count(1)


def _contract(
    owner,
    org,
    *,
    registered_on,
    amount,
    ctype="transfer",
    seller_region="511402",
    buyer_region="510104",
):
    n = [next(_SERIAL)]
    return Contract.objects.create(
        organization=org,
        created_by=owner,
        status="approved",
        registration_number=f"R{n[0]:06d}",
        project_name=f"项目{n[0]}",
        contract_type=ctype,
        transfer_object="patent" if ctype in ("transfer", "licence") else "",
        licence_kind="ordinary" if ctype == "licence" else "",
        seller_name="卖方",
        seller_nature="022",
        seller_region_code=seller_region,
        buyer_name="买方",
        buyer_nature="140",
        buyer_region_code=buyer_region,
        contract_amount=Decimal(amount),
        technology_amount=Decimal(amount),
        payment_method="lump_sum",
        signed_on=registered_on,
        starts_on=registered_on,
        ends_on=registered_on + datetime.timedelta(days=30),
        ip_type="none",
        tech_field="agriculture",
        socio_economic_objective="agriculture",
        plan_source="none",
        registered_on=registered_on,
    )


@pytest.fixture
def plan(bureau):
    return services.plan_create(
        by=bureau,
        data={
            "title": "测试行动方案（2024—2026年）",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "年技术交易额",
                    "target": "100",
                    "unit": "万元",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "transaction_amount",
                    "cumulative": False,
                },
                {
                    "number": 2,
                    "name": "转化项目",
                    "target": "4",
                    "unit": "项",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "transformation_projects",
                    "cumulative": True,
                },
                {
                    "number": 3,
                    "name": "服务机构",
                    "target": "2",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "service_agencies",
                    "cumulative": True,
                },
                {
                    "number": 4,
                    "name": "高新技术企业",
                    "target": "90",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "reported",
                    "department": "市科技局",
                    "cumulative": True,
                },
            ],
            "tasks": [
                {
                    "number": 1,
                    "work_area": "一、平台",
                    "title": "建设平台",
                    "content": "建设平台。",
                    "departments": "市科技局、市财政局",
                    "schedule": "持续推进",
                }
            ],
        },
    )


def test_transaction_amount_counts_by_registration_year_including_31_december(plan, owner, holder_org):
    ind = plan.indicators.get(number=1)
    _contract(owner, holder_org, registered_on=datetime.date(2025, 12, 31), amount="300000")
    _contract(owner, holder_org, registered_on=datetime.date(2026, 1, 1), amount="125000.50")
    _contract(owner, holder_org, registered_on=datetime.date(2026, 6, 1), amount="24999.50")
    assert indicators.value_for_year(ind, 2025) == Decimal("30.00")
    assert indicators.value_for_year(ind, 2026) == Decimal("15.00")
    assert indicators.value_for_year(ind, 2024) == Decimal("0.00")
    rows = {r["region"].code if r["region"] else None: r["value"] for r in indicators.breakdown(ind, 2026)}
    assert rows["511402"] == Decimal("15.00") and rows["511403"] == Decimal("0.00")


def test_cumulative_projects_count_only_transformation_types_since_the_start(plan, owner, holder_org):
    ind = plan.indicators.get(number=2)
    _contract(owner, holder_org, registered_on=datetime.date(2023, 12, 31), amount="1")  # before the plan
    _contract(owner, holder_org, registered_on=datetime.date(2024, 3, 1), amount="1", ctype="licence")
    _contract(owner, holder_org, registered_on=datetime.date(2025, 3, 1), amount="1", ctype="service")
    _contract(
        owner, holder_org, registered_on=datetime.date(2025, 12, 31), amount="1", ctype="dev_cooperative"
    )
    assert indicators.value_for_year(ind, 2024) == 1
    assert indicators.value_for_year(ind, 2025) == 2
    p = indicators.progress(ind, today=datetime.date(2025, 7, 2))
    assert p.actual == 2 and p.reached == Decimal("50.0")
    assert p.elapsed == Decimal("50.0") and p.status == "on_track"
    behind = indicators.progress(ind, today=datetime.date(2026, 6, 30))
    assert behind.status == "behind"
    assert indicators.progress(ind, today=datetime.date(2027, 1, 1)).status == "missed"


def test_indicator_with_no_data_yet_and_reported_values(plan, bureau):
    ind = plan.indicators.get(number=4)
    p = indicators.progress(ind, today=datetime.date(2025, 6, 1))
    assert p.actual is None and p.status == "no_data" and p.reached is None
    from keqiao.common.models import Region

    services.indicator_report(indicator=ind, by=bureau, year=2024, value="70", evidence="2024年高企认定名单")
    services.indicator_report(indicator=ind, by=bureau, year=2024, value="72", evidence="更正：补充认定2家")
    assert indicators.value_for_year(ind, 2024) == Decimal("72.00")
    assert indicators.value_for_year(ind, 2025) == Decimal("72.00")  # carries over
    dongpo = Region.objects.get(code="511402")
    services.indicator_report(
        indicator=ind, by=bureau, year=2025, value="50", evidence="东坡区名单", region=dongpo
    )
    assert indicators.value_for_year(ind, 2025) == Decimal("50.00")


def test_agencies_counted_when_verified_by_the_year_end(plan):
    ind = plan.indicators.get(number=3)
    a = OrganizationFactory(kind=Organization.Kind.AGENCY)
    a.verified_at = datetime.datetime(2025, 12, 31, 23, 0, tzinfo=timezone.get_current_timezone())
    a.save()
    b = OrganizationFactory(kind=Organization.Kind.AGENCY)
    b.verified_at = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    b.save()
    assert indicators.value_for_year(ind, 2025) == 1
    assert indicators.value_for_year(ind, 2026) == 2


def test_plan_import_is_all_or_nothing_with_row_messages(bureau):
    before = ActionPlan.objects.count()
    with pytest.raises(services.RowErrors) as info:
        services.plan_create(
            by=bureau,
            data={
                "title": "坏方案",
                "issuing_body": "某单位",
                "starts_on": "2021-01-01",
                "ends_on": "2025-12-31",
                "indicators": [
                    {
                        "number": 1,
                        "name": "甲",
                        "target": "abc",
                        "unit": "项",
                        "deadline": "2025-12-31",
                        "source": "query",
                        "query": "transaction_amount",
                    },
                    {
                        "number": 2,
                        "name": "乙",
                        "target": "5",
                        "unit": "项",
                        "deadline": "2025-12-31",
                        "source": "reported",
                        "department": "市外星局",
                    },
                    {
                        "number": 3,
                        "name": "丙",
                        "target": "5",
                        "unit": "",
                        "deadline": "2025-12-31",
                        "source": "query",
                        "query": "transaction_amount",
                    },
                ],
                "tasks": [{"number": 1, "content": "内容", "departments": "市科技局、不存在的部门"}],
            },
        )
    messages = [m for _s, _r, m in info.value.rows]
    assert len(info.value.rows) == 4
    assert any("abc" in m for m in messages) and any("市外星局" in m for m in messages)
    assert any("不存在的部门" in m for m in messages)
    assert ActionPlan.objects.count() == before


def test_only_the_bureau_creates_plans(owner):
    from keqiao.common.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.plan_create(by=owner, data={})


def test_only_the_reporting_department_reports(plan, owner, bureau):
    from keqiao.common.errors import DomainError, NotPermitted

    ind = plan.indicators.get(number=4)
    with pytest.raises(NotPermitted):
        services.indicator_report(indicator=ind, by=owner, year=2025, value="1", evidence="名单文件")
    dept_org = OrganizationFactory(kind=Organization.Kind.DEPARTMENT)
    Department.objects.filter(name="市科技局").update(organization=dept_org)
    officer = member(dept_org)
    with pytest.raises(DomainError):
        services.indicator_report(indicator=ind, by=officer, year=2025, value="-1", evidence="名单文件")
    with pytest.raises(DomainError):
        services.indicator_report(
            indicator=plan.indicators.get(number=1), by=officer, year=2025, value="1", evidence="x"
        )
    assert services.indicator_report(indicator=ind, by=officer, year=2025, value="88", evidence="高企名单").pk


DASHBOARD_MATRIX = {"bureau": 200, "owner": 404, "outsider": 404}


@pytest.mark.parametrize("persona,expected", sorted(DASHBOARD_MATRIX.items()))
def test_dashboard_pages_per_persona(client, plan, personas, persona, expected):
    client.force_login(personas[persona])
    ind = plan.indicators.first()
    for url in (
        reverse("governance:plan", args=[plan.pk]),
        reverse("governance:indicator", args=[ind.pk]),
        reverse("governance:plan_xlsx", args=[plan.pk]),
        reverse("governance:plan_pdf", args=[plan.pk]),
    ):
        assert client.get(url).status_code == expected, url


def test_dashboard_query_count_does_not_grow_with_contracts(
    client, plan, bureau, owner, holder_org, django_assert_max_num_queries
):
    client.force_login(bureau)
    url = reverse("governance:plan", args=[plan.pk])
    for i in range(3):
        _contract(owner, holder_org, registered_on=datetime.date(2025, 1, 1 + i), amount="1000")
    with django_assert_max_num_queries(40):
        client.get(url)
    for i in range(20):
        _contract(owner, holder_org, registered_on=datetime.date(2025, 2, 1 + i), amount="1000")
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_pdf_and_xlsx_exports_round_trip(client, plan, bureau):
    import io

    from keqiao.governance import exports

    client.force_login(bureau)
    pdf = client.get(reverse("governance:plan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("governance:plan_xlsx", args=[plan.pk])).content
    data = exports.read_plan_xlsx(io.BytesIO(xlsx))
    data["title"] = "导回的方案"
    copy = services.plan_create(data=data, by=bureau)
    assert copy.indicators.count() == 4 and copy.tasks.get().lead.name == "市科技局"


def test_import_page_lists_bad_rows_and_imports_nothing(client, plan, bureau):
    import io

    from openpyxl import load_workbook

    from keqiao.governance import exports

    client.force_login(bureau)
    wb = load_workbook(io.BytesIO(exports.plan_xlsx(plan, None)))
    wb["指标"]["C2"] = "一百"
    wb["任务"]["E2"] = "市科技局、火星局"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    before = ActionPlan.objects.count()
    response = client.post(reverse("governance:plan_import"), {"file": buffer})
    assert response.status_code == 400
    page = response.content.decode()
    assert "一百" in page and "火星局" in page
    assert (
        "<td>指标</td><td>2</td>" in page and "<td>任务</td><td>2</td>" in page
    )  # sheet and spreadsheet row
    assert ActionPlan.objects.count() == before


def test_shipped_plan_dashboard_renders(client, bureau):
    client.force_login(bureau)
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    page = client.get(reverse("governance:plan", args=[plan.pk])).content.decode()
    assert page.count('class="indicator') == 10
    assert Indicator.objects.filter(plan=plan, source="reported").count() == 6


@pytest.mark.parametrize("persona,expected", sorted(DASHBOARD_MATRIX.items()))
def test_api_per_persona(client, plan, personas, persona, expected):
    client.force_login(personas[persona])
    ind = plan.indicators.first()
    for url in (f"/api/v1/plans/{plan.pk}", f"/api/v1/indicators/{ind.pk}", "/api/v1/plans"):
        assert client.get(url).status_code == expected, url


def test_api_progress_report_and_create(client, plan, bureau, owner, holder_org):
    import json

    _contract(owner, holder_org, registered_on=datetime.date(2025, 5, 1), amount="500000")
    client.force_login(bureau)
    detail = client.get(f"/api/v1/plans/{plan.pk}").json()
    amount = next(i for i in detail["indicators"] if i["number"] == 1)
    assert amount["trend"][1] == {"year": 2025, "value": "50.00"}
    assert detail["tasks"][0]["departments"] == ["市科技局", "市财政局"]
    reported = plan.indicators.get(number=4)
    ok = client.post(
        f"/api/v1/indicators/{reported.pk}/reports",
        json.dumps({"year": 2025, "value": "95", "evidence": "高企名单（2025）", "region": "511403"}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert client.get(f"/api/v1/indicators/{reported.pk}?year=2025").json()["value_in_year"] == "95.00"
    bad = client.post(
        "/api/v1/plans",
        json.dumps(
            {
                "title": "坏",
                "issuing_body": "某",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
                "indicators": [
                    {
                        "name": "甲",
                        "target": "x",
                        "unit": "项",
                        "deadline": "2027-12-31",
                        "source": "query",
                        "query": "transaction_amount",
                    }
                ],
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "x" in json.dumps(bad.json(), ensure_ascii=False)
    assert client.get("/api/v1/plans").json()[0]["title"]


def test_yearly_values_equal_value_for_year(plan, owner, holder_org):
    for registered, amount, ctype in (
        (datetime.date(2023, 12, 31), "1000", "transfer"),
        (datetime.date(2024, 1, 1), "25000", "licence"),
        (datetime.date(2025, 6, 30), "5000.50", "service"),
        (datetime.date(2026, 12, 31), "70000", "dev_cooperative"),
    ):
        _contract(owner, holder_org, registered_on=registered, amount=amount, ctype=ctype)
    agency = OrganizationFactory(kind=Organization.Kind.AGENCY)
    agency.verified_at = datetime.datetime(2023, 5, 1, tzinfo=timezone.get_current_timezone())
    agency.save()
    years = [2024, 2025, 2026]
    for ind in plan.indicators.filter(source="query"):
        assert indicators.yearly_values(ind, years) == [
            (y, indicators.value_for_year(ind, y)) for y in years
        ], ind.query


def test_county_viewers_see_aggregates_but_not_the_contracts(client, plan, owner, holder_org, bureau):
    _contract(owner, holder_org, registered_on=datetime.date(2025, 3, 1), amount="1000")
    Contract.objects.update(project_name="机密项目XYZ")
    county = OrganizationFactory(kind=Organization.Kind.COUNTY_BUREAU)
    viewer = member(county)
    ind = plan.indicators.get(number=1)
    client.force_login(viewer)
    page = client.get(reverse("governance:indicator", args=[ind.pk]) + "?year=2025").content.decode()
    assert "机密项目XYZ" not in page and "0.10" in page
    client.force_login(bureau)
    assert (
        "机密项目XYZ"
        in client.get(reverse("governance:indicator", args=[ind.pk]) + "?year=2025").content.decode()
    )


def test_long_task_content_still_makes_a_pdf_and_odd_years_are_clamped(client, bureau):
    plan = services.plan_create(
        by=bureau,
        data={
            "title": "长文本方案",
            "issuing_body": "某单位",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "甲",
                    "target": "1",
                    "unit": "项",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "carriers",
                }
            ],
            "tasks": [
                {
                    "number": 1,
                    "work_area": "一、",
                    "title": "任务",
                    "content": "很长的内容。" * 650,
                    "departments": "市科技局",
                    "schedule": "=1+1",
                }
            ],
        },
    )
    client.force_login(bureau)
    pdf = client.get(reverse("governance:plan_pdf", args=[plan.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ind = plan.indicators.get()
    for year in (10000, -5, 1999):
        assert client.get(f"/api/v1/indicators/{ind.pk}?year={year}").status_code == 200


def test_supervision_of_a_plan_not_started_yet_is_404_not_500(client, bureau):
    future = services.plan_create(
        by=bureau,
        data={
            "title": "未来方案",
            "issuing_body": "某单位",
            "starts_on": "2099-01-01",
            "ends_on": "2100-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "甲",
                    "target": "1",
                    "unit": "项",
                    "deadline": "2100-12-31",
                    "source": "query",
                    "query": "carriers",
                }
            ],
            "tasks": [
                {
                    "number": 1,
                    "work_area": "一、",
                    "title": "任务",
                    "content": "内容",
                    "departments": "市科技局",
                }
            ],
        },
    )
    client.force_login(bureau)
    assert client.get(f"/api/v1/supervision/matrix?plan={future.pk}").status_code == 404
    assert client.get(f"/api/v1/supervision/tasks/{future.tasks.get().pk}").status_code == 404
    # without a plan asked for, the matrix opens on a plan that has started, never on the future one
    assert client.get("/api/v1/supervision/matrix").json()["plan_id"] != future.pk
