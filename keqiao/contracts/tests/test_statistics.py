"""Technology-contract transaction statistics: every figure against hand-computed sums, the xlsx
export, the page and API per persona, and a query count that does not grow with the contracts."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import polib
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation

from keqiao.accounts.models import Membership, Organization
from keqiao.common.choices import TechField
from keqiao.contracts import choices as contract_choices
from keqiao.contracts import statistics as stats
from keqiao.contracts.exports import HEADERS, contracts_xlsx
from keqiao.contracts.models import Contract
from keqiao.negotiations import choices
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db

YEAR = 2025
D = Decimal
ZERO = D("0.00")


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory):
    """The committed zh_Hans catalogue compiled into a temporary directory (the .mo is not in git)."""
    out = tmp_path_factory.mktemp("locale")
    for locale_dir in django_settings.LOCALE_PATHS:
        for po in locale_dir.glob("*/LC_MESSAGES/*.po"):
            target = out / po.relative_to(locale_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            polib.pofile(str(po)).save_as_mofile(str(target.with_suffix(".mo")))
    return out


@pytest.fixture(autouse=True)
def _chinese_catalogue(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]
    settings.KEQIAO = {**settings.KEQIAO, "CONTRACT_REGION_CODE": "511400"}


_serial = iter(range(1, 100000))


def make_contract(org, user, *, registered_on, status="approved", **overrides) -> Contract:
    n = next(_serial)
    data = {
        "organization": org,
        "created_by": user,
        "status": status,
        "registration_number": f"{registered_on.year if registered_on else 'X'}-T{n:05d}"
        if status == "approved"
        else None,
        "project_name": f"测试合同{n}",
        "contract_type": contract_choices.ContractType.TRANSFER,
        "seller_name": f"卖方{n}",
        "seller_nature": "022",
        "seller_region_code": "511402",
        "buyer_name": f"买方{n}",
        "buyer_nature": "140",
        "buyer_region_code": "510100",
        "contract_amount": D("100000.00"),
        "technology_amount": D("100000.00"),
        "payment_method": choices.PaymentMethod.LUMP_SUM,
        "signed_on": datetime.date(YEAR, 1, 1),
        "starts_on": datetime.date(YEAR, 1, 1),
        "ends_on": datetime.date(YEAR + 1, 12, 31),
        "ip_type": contract_choices.IPType.INVENTION_PATENT,
        "tech_field": TechField.AGRICULTURE,
        "socio_economic_objective": contract_choices.SocioEconomicObjective.AGRICULTURE,
        "plan_source": contract_choices.PlanSource.NONE,
        "registered_on": registered_on,
    }
    data.update(overrides)
    return Contract.objects.create(**data)


@pytest.fixture
def contracts(holder_org, owner):
    """Five contracts registered in 2025, one on each side of the year, one not registered.

    A  1 Jan 2025  university of 东坡区 → Chengdu enterprise        output only
    B 20 May 2025  enterprise of 仁寿县 → state enterprise of 彭山区 both directions
    C 31 Dec 2025  Beijing institute → enterprise of 青神县          absorption only
    D 15 Aug 2025  individual of Shenzhen → Shanghai                 neither direction
    E 10 Mar 2025  government of the city (511400) → 511499          both, "Meishan city (other)"
    """
    d = datetime.date
    return {
        "A": make_contract(
            holder_org,
            owner,
            registered_on=d(2025, 1, 1),
            contract_type=contract_choices.ContractType.DEVELOPMENT_COMMISSIONED,
            seller_nature="022",
            seller_region_code="511402",
            buyer_nature="140",
            buyer_region_code="510100",
            contract_amount=D("1000000.00"),
            technology_amount=D("800000.00"),
            tech_field=TechField.AGRICULTURE,
        ),
        "B": make_contract(
            holder_org,
            owner,
            registered_on=d(2025, 5, 20),
            contract_type=contract_choices.ContractType.TRANSFER,
            seller_nature="130",
            seller_region_code="511421",
            buyer_nature="110",
            buyer_region_code="511403",
            contract_amount=D("500000.50"),
            technology_amount=D("500000.50"),
            tech_field=TechField.NEW_MATERIALS,
            signed_on=d(2025, 5, 1),
        ),
        "C": make_contract(
            holder_org,
            owner,
            registered_on=d(2025, 12, 31),
            contract_type=contract_choices.ContractType.SERVICE,
            seller_nature="021",
            seller_region_code="110108",
            buyer_nature="140",
            buyer_region_code="511425",
            contract_amount=D("200000.00"),
            technology_amount=D("150000.25"),
            tech_field=TechField.AGRICULTURE,
        ),
        "D": make_contract(
            holder_org,
            owner,
            registered_on=d(2025, 8, 15),
            contract_type=contract_choices.ContractType.CONSULTING,
            seller_nature="200",
            seller_region_code="440300",
            buyer_nature="900",
            buyer_region_code="310000",
            contract_amount=D("88888.88"),
            technology_amount=D("88888.88"),
            tech_field=TechField.ELECTRONIC_INFORMATION,
        ),
        "E": make_contract(
            holder_org,
            owner,
            registered_on=d(2025, 3, 10),
            contract_type=contract_choices.ContractType.LICENCE,
            seller_nature="010",
            seller_region_code="511400",
            buyer_nature="140",
            buyer_region_code="511499",
            contract_amount=D("300000.00"),
            technology_amount=D("250000.00"),
            tech_field=TechField.NEW_ENERGY,
        ),
        # the next and the previous year
        "F": make_contract(
            holder_org,
            owner,
            registered_on=d(2026, 1, 1),
            contract_amount=D("1234567.89"),
            technology_amount=D("1000000.00"),
        ),
        "G": make_contract(
            holder_org,
            owner,
            registered_on=d(2024, 12, 31),
            contract_amount=D("400000.00"),
            technology_amount=D("400000.00"),
        ),
        # submitted with a date (as after a data repair): never counts
        "H": make_contract(
            holder_org,
            owner,
            status="submitted",
            registered_on=d(2025, 6, 1),
            contract_amount=D("9999999.00"),
            technology_amount=D("9999999.00"),
        ),
    }


def figures(rows) -> dict:
    return {r.key: (r.count, r.contract_amount, r.technology_amount) for r in rows}


NONE = (0, ZERO, ZERO)
TOTAL = (5, D("2088889.38"), D("1788889.63"))


# --- the figures -------------------------------------------------------------------------------------


def test_summary_and_target_progress(contracts, settings):
    settings.KEQIAO = {**settings.KEQIAO, "ANNUAL_TRANSACTION_TARGET": 3_000_000}
    s = stats.transaction_summary(YEAR, today=datetime.date(2026, 11, 27))
    assert (s["count"], s["contract_amount"], s["technology_amount"]) == TOTAL
    assert s["target"] == D("3000000.00")
    # 1,788,889.63 / 3,000,000 = 59.629654…%
    assert s["progress_percent"] == D("59.63")
    assert s["remaining"] == D("1211110.37")
    assert s["year_elapsed_percent"] == D("100.0")
    assert all(isinstance(s[k], Decimal) for k in ("contract_amount", "technology_amount", "remaining"))


def test_progress_against_the_configured_target(contracts):
    # 100 million yuan: 1,788,889.63 is 1.79 %
    s = stats.transaction_summary(YEAR)
    assert s["target"] == D("100000000.00") and s["progress_percent"] == D("1.79")


def test_next_year_counts_the_first_of_january_only(contracts):
    s = stats.transaction_summary(2026, today=datetime.date(2026, 7, 2))
    assert (s["count"], s["contract_amount"], s["technology_amount"]) == (
        1,
        D("1234567.89"),
        D("1000000.00"),
    )
    # 2 July is day 183 of 365
    assert s["year_elapsed_percent"] == D("50.1")
    assert stats.year_elapsed_percent(2027, datetime.date(2026, 7, 2)) == D("0.0")


def test_empty_year():
    s = stats.transaction_summary(2020)
    assert (s["count"], s["contract_amount"], s["technology_amount"]) == (0, ZERO, ZERO)
    assert s["progress_percent"] == D("0.00")


def test_by_year(contracts):
    assert figures(stats.by_year(YEAR)) == {
        "2021": NONE,
        "2022": NONE,
        "2023": NONE,
        "2024": (1, D("400000.00"), D("400000.00")),
        "2025": TOTAL,
    }
    assert figures(stats.by_year(2026, span=2))["2026"] == (1, D("1234567.89"), D("1000000.00"))


def test_by_month_and_quarter(contracts):
    months = figures(stats.by_month(YEAR))
    assert len(months) == 12
    assert months == {
        "2025-01": (1, D("1000000.00"), D("800000.00")),
        "2025-02": NONE,
        "2025-03": (1, D("300000.00"), D("250000.00")),
        "2025-04": NONE,
        "2025-05": (1, D("500000.50"), D("500000.50")),
        "2025-06": NONE,
        "2025-07": NONE,
        "2025-08": (1, D("88888.88"), D("88888.88")),
        "2025-09": NONE,
        "2025-10": NONE,
        "2025-11": NONE,
        "2025-12": (1, D("200000.00"), D("150000.25")),
    }
    assert figures(stats.by_quarter(YEAR)) == {
        "2025-Q1": (2, D("1300000.00"), D("1050000.00")),
        "2025-Q2": (1, D("500000.50"), D("500000.50")),
        "2025-Q3": (1, D("88888.88"), D("88888.88")),
        "2025-Q4": (1, D("200000.00"), D("150000.25")),
    }


def test_by_direction_counts_a_contract_inside_the_city_twice(contracts):
    assert figures(stats.by_direction(YEAR)) == {
        # A, B, E
        "output": (3, D("1800000.50"), D("1550000.50")),
        # B, C, E
        "absorption": (3, D("1000000.50"), D("900000.75")),
    }


def test_by_county(contracts):
    output = stats.by_county(YEAR, stats.OUTPUT)
    assert [r.key for r in output] == ["511402", "511403", "511421", "511423", "511424", "511425", "other"]
    with translation.override("zh-hans"):
        assert [str(r.label) for r in stats.by_county(YEAR, stats.OUTPUT)][:2] == ["东坡区", "彭山区"]
    assert figures(output) == {
        "511402": (1, D("1000000.00"), D("800000.00")),
        "511403": NONE,
        "511421": (1, D("500000.50"), D("500000.50")),
        "511423": NONE,
        "511424": NONE,
        "511425": NONE,
        "other": (1, D("300000.00"), D("250000.00")),
    }
    assert figures(stats.by_county(YEAR, stats.ABSORPTION)) == {
        "511402": NONE,
        "511403": (1, D("500000.50"), D("500000.50")),
        "511421": NONE,
        "511423": NONE,
        "511424": NONE,
        "511425": (1, D("200000.00"), D("150000.25")),
        "other": (1, D("300000.00"), D("250000.00")),
    }


def test_by_contract_type(contracts):
    assert figures(stats.by_contract_type(YEAR)) == {
        "dev_commissioned": (1, D("1000000.00"), D("800000.00")),
        "dev_cooperative": NONE,
        "transfer": (1, D("500000.50"), D("500000.50")),
        "licence": (1, D("300000.00"), D("250000.00")),
        "consulting": (1, D("88888.88"), D("88888.88")),
        "service": (1, D("200000.00"), D("150000.25")),
    }


def test_by_tech_field(contracts):
    rows = figures(stats.by_tech_field(YEAR))
    assert list(rows) == list(TechField.values)
    assert {k: v for k, v in rows.items() if v != NONE} == {
        "agriculture": (2, D("1200000.00"), D("950000.25")),
        "new_materials": (1, D("500000.50"), D("500000.50")),
        "electronic_information": (1, D("88888.88"), D("88888.88")),
        "new_energy": (1, D("300000.00"), D("250000.00")),
    }


def test_by_seller_kind(contracts):
    assert figures(stats.by_seller_kind(YEAR)) == {
        "university": (1, D("1000000.00"), D("800000.00")),
        "institute": (1, D("200000.00"), D("150000.25")),
        "enterprise": (1, D("500000.50"), D("500000.50")),
        # an individual (200) and a government body (010)
        "other": (2, D("388888.88"), D("338888.88")),
    }


def test_partitions_add_up_to_the_total(contracts):
    report = stats.transaction_report(YEAR)
    for key in ("by_quarter", "by_month", "by_contract_type", "by_tech_field", "by_seller_kind"):
        rows = report[key]
        assert (
            sum(r.count for r in rows),
            sum(r.contract_amount for r in rows),
            sum(r.technology_amount for r in rows),
        ) == TOTAL, key


# --- the spreadsheet ---------------------------------------------------------------------------------


def test_xlsx_content(contracts):
    c = contracts["B"]
    c.project_name = '=HYPERLINK("http://evil.example","点击")'
    c.seller_name = "+cmd|' /C calc'!A0"
    c.buyer_name = "@SUM(1+1)"
    c.seller_region_code = "-51142"
    c.save()
    with translation.override("en"):  # the sheet is Chinese whatever the user's language
        body = contracts_xlsx(stats.contracts_of_year(YEAR))
    wb = openpyxl.load_workbook(io.BytesIO(body))
    ws = wb.active
    assert ws.title == "技术合同登记"
    assert ws.freeze_panes == "A2"
    assert HEADERS == [
        "登记编号",
        "项目名称",
        "合同类型",
        "技术转让/许可标的",
        "许可方式",
        "卖方名称",
        "卖方性质",
        "卖方所在地区代码",
        "买方名称",
        "买方性质",
        "买方所在地区代码",
        "合同成交额（元）",
        "技术交易额（元）",
        "签订日期",
        "起始日期",
        "终止日期",
        "支付方式",
        "关联交易",
        "知识产权类型",
        "技术领域",
        "社会经济目标",
        "计划来源",
        "登记日期",
    ]
    assert [cell.value for cell in ws[1]] == HEADERS
    rows = [dict(zip(HEADERS, (cell for cell in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    # only the five approved contracts of 2025, by registration date
    assert [r["登记编号"].value for r in rows] == [
        contracts[k].registration_number for k in ("A", "E", "B", "D", "C")
    ]
    b = rows[2]
    assert b["项目名称"].value == '=HYPERLINK("http://evil.example","点击")'
    assert b["项目名称"].data_type == "s" and b["项目名称"].quotePrefix
    for header, text in (
        ("卖方名称", "+cmd|' /C calc'!A0"),
        ("买方名称", "@SUM(1+1)"),
        ("卖方所在地区代码", "-51142"),
    ):
        assert b[header].value == text and b[header].data_type == "s" and b[header].quotePrefix, header
    assert b["买方所在地区代码"].value == "511403"
    # amounts: numbers with two decimals, exact
    assert b["合同成交额（元）"].data_type == "n"
    assert D(str(b["合同成交额（元）"].value)) == D("500000.50")
    assert b["合同成交额（元）"].number_format == "#,##0.00"
    assert D(str(rows[4]["技术交易额（元）"].value)) == D("150000.25")
    assert D(str(rows[3]["合同成交额（元）"].value)) == D("88888.88")
    # dates
    assert b["签订日期"].is_date and b["签订日期"].value.date() == datetime.date(2025, 5, 1)
    assert rows[4]["登记日期"].value.date() == datetime.date(2025, 12, 31)
    # choices as their Chinese labels
    assert b["合同类型"].value == "技术转让"
    assert b["技术领域"].value == "新材料及其应用" or b["技术领域"].value == _zh(
        TechField.NEW_MATERIALS.label
    )
    assert rows[0]["技术领域"].value == "农业"
    assert b["知识产权类型"].value == "发明专利"
    assert b["关联交易"].value == "否"
    assert b["卖方性质"].value == _zh(contract_choices.PartyNature.JOINT_STOCK.label)
    assert b["支付方式"].value == _zh(choices.PaymentMethod.LUMP_SUM.label)
    assert b["计划来源"].value == _zh(contract_choices.PlanSource.NONE.label)
    assert b["许可方式"].value in ("", None)
    # sensible widths
    assert ws.column_dimensions["B"].width >= 30 and ws.column_dimensions["L"].width >= 16


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_xlsx_of_no_contracts_has_the_header_only():
    ws = openpyxl.load_workbook(io.BytesIO(contracts_xlsx(Contract.objects.none()))).active
    assert ws.max_row == 1 and [c.value for c in ws[1]] == HEADERS


# --- who sees what -----------------------------------------------------------------------------------


@pytest.fixture
def county_officer(db):
    org = OrganizationFactory(name="东坡区科技局（测试）", kind=Organization.Kind.COUNTY_BUREAU)
    return member(org, Membership.Role.STAFF, username="county")


@pytest.fixture
def pending_county_officer(db):
    org = OrganizationFactory(
        name="丹棱县科技局（待审）", kind=Organization.Kind.COUNTY_BUREAU, status=Organization.Status.PENDING
    )
    return member(org, Membership.Role.STAFF, username="county_pending")


@pytest.fixture
def agency_officer(db):
    org = OrganizationFactory(
        name="眉山技术市场服务中心（测试）", kind=Organization.Kind.AGENCY, is_contract_office=True
    )
    return member(org, Membership.Role.STAFF, username="agency")


PERSONAS = {
    # persona: (page, export, api)
    "anonymous": (302, 302, 401),
    "outsider": (404, 404, 404),
    "owner": (404, 404, 404),
    "pending_county_officer": (404, 404, 404),
    "county_officer": (200, 404, 200),
    "agency_officer": (200, 200, 200),
    "bureau": (200, 200, 200),
}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_permission_matrix(client, request, settings, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    page, export, api = PERSONAS[persona]
    response = client.get(reverse("contracts:statistics"), {"year": YEAR})
    assert response.status_code == page
    if page == 302:
        assert response.url.startswith(reverse("accounts:login"))
    response = client.get(reverse("contracts:statistics_export"), {"year": YEAR})
    assert response.status_code == export
    if export == 302:
        assert response.url.startswith(reverse("accounts:login"))
    settings.ROOT_URLCONF = "keqiao.contracts.tests.urls_statistics"
    assert client.get("/test-api/deals/statistics", {"year": YEAR}).status_code == api


def test_api_figures(client, bureau, contracts, settings):
    settings.ROOT_URLCONF = "keqiao.contracts.tests.urls_statistics"
    client.force_login(bureau)
    data = client.get("/test-api/deals/statistics", {"year": YEAR}).json()
    s = data["summary"]
    assert (s["year"], s["count"], s["contract_amount"], s["technology_amount"]) == (
        YEAR,
        5,
        "2088889.38",
        "1788889.63",
    )
    assert s["target"] == "100000000.00" and s["progress_percent"] == "1.79"
    assert s["year_elapsed_percent"] == "100.0"
    assert data["by_direction"] == [
        {
            "key": "output",
            "label": _zh(stats.DIRECTION_LABELS["output"]),
            "count": 3,
            "contract_amount": "1800000.50",
            "technology_amount": "1550000.50",
        },
        {
            "key": "absorption",
            "label": _zh(stats.DIRECTION_LABELS["absorption"]),
            "count": 3,
            "contract_amount": "1000000.50",
            "technology_amount": "900000.75",
        },
    ]
    months = {r["key"]: r for r in data["by_month"]}
    assert months["2025-02"]["contract_amount"] == "0.00"
    assert months["2025-12"]["technology_amount"] == "150000.25"
    assert [r["key"] for r in data["by_county_absorption"]][-1] == "other"
    assert data["by_county_absorption"][-1]["count"] == 1
    # a year out of range falls back to the current one
    fallback = client.get("/test-api/deals/statistics", {"year": 1800}).json()
    assert fallback["summary"]["year"] == timezone.localdate().year


# --- the page ----------------------------------------------------------------------------------------


def test_page_shows_the_figures(client, bureau, contracts):
    client.force_login(bureau)
    response = client.get(reverse("contracts:statistics"), {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "178.89 万元" in body  # the headline: 技术交易额 1,788,889.63 yuan
    assert "208.89 万元" in body  # 合同成交额
    assert 'value="1.79"' in body  # the progress bar
    assert 'value="100.0"' in body  # the share of the year elapsed
    # the tables, in ten-thousand yuan with two decimals
    assert "155.00" in body and "90.00" in body  # output and absorption technology amounts
    assert "东坡区" in body and "青神县" in body
    assert 'id="stats-data"' in body and 'id="stats-labels"' in body
    assert "/static/vendor/chartjs/chart.umd.min.js" in body and "/static/js/statistics.js" in body
    assert "cdn" not in body.lower()
    assert reverse("contracts:statistics_export") + f"?year={YEAR}" in body
    chart = response.context["chart_data"]
    assert chart["months"]["technology_amount"][0] == D("80.00") and len(chart["months"]["labels"]) == 12


def test_county_officer_sees_no_export_link(client, county_officer, contracts):
    client.force_login(county_officer)
    body = client.get(reverse("contracts:statistics"), {"year": YEAR}).content.decode()
    assert "178.89 万元" in body
    assert reverse("contracts:statistics_export") not in body


@pytest.mark.parametrize("year", ["abc", "1800", "99999", "", "2025.5", "-1"])
def test_invalid_year_shows_the_current_year(client, bureau, year):
    client.force_login(bureau)
    response = client.get(reverse("contracts:statistics"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_export_download(client, bureau, contracts):
    client.force_login(bureau)
    response = client.get(reverse("contracts:statistics_export"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("技术合同登记-2025.xlsx") in disposition
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 6  # header and the five contracts of 2025


def test_page_query_count_does_not_grow_with_contracts(
    client, bureau, holder_org, owner, django_assert_max_num_queries
):
    client.force_login(bureau)
    url = reverse("contracts:statistics")

    def make(n):
        for i in range(n):
            make_contract(
                holder_org,
                owner,
                registered_on=datetime.date(YEAR, 1 + i % 12, 1 + i % 28),
                seller_region_code=["511402", "511403", "511421", "511400", "110000"][i % 5],
                buyer_region_code=["511425", "510100", "511423"][i % 3],
                tech_field=TechField.values[i % len(TechField.values)],
                seller_nature=["022", "021", "140", "200"][i % 4],
            )

    from django.core.cache import cache

    make(3)
    client.get(url, {"year": YEAR})
    cache.clear()  # measure the computation, not the cached report
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"year": YEAR}).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"year": YEAR}).status_code == 200
    # served from the cache until the next contract change
    with django_assert_max_num_queries(len(few.captured_queries) - 8):
        assert client.get(url, {"year": YEAR}).status_code == 200
    # 16 for the report, 1 for the verified technology income beside it, 18 for the outcome of each trading
    # mode (auctions, listings, notices and negotiations: 13; challenge tenders: 5), none per contract
    assert len(few.captured_queries) <= 35, [q["sql"] for q in few.captured_queries]


def test_mounted_api(client, bureau, contracts):
    """The router is mounted at /api/v1/deals/ ahead of /deals/{deal_id}."""
    assert "deal_id" not in resolve("/api/v1/deals/statistics").kwargs
    assert client.get("/api/v1/deals/statistics").status_code == 401
    client.force_login(bureau)
    data = client.get("/api/v1/deals/statistics", {"year": YEAR}).json()
    assert data["summary"]["technology_amount"] == "1788889.63"
