"""Pages, exports and API of annual reports: the permission matrix per persona, forms that keep input,
query counts of the bureau's overview, and the exported files."""

import io
import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from keqiao.accounts.models import Membership, Organization
from keqiao.annualreports import services
from keqiao.annualreports.models import AnnualReport
from keqiao.common.pdf import font_file as pdf_font_file
from keqiao.testing import pdf as pdf_reader
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def personas(report_personas, outsider):
    return {**report_personas, "outsider": outsider}


# persona -> status of the report's page, exports and API (a submitted report)
REPORT_MATRIX = {
    "owner": 200,
    "colleague": 200,
    "supervisor": 200,
    "bureau": 200,
    "other_member": 404,
    "other_dept": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona,expected", sorted(REPORT_MATRIX.items()))
def test_report_pages_exports_and_api_per_persona(client, make_report, personas, persona, expected):
    report = make_report("submitted")
    login(client, personas[persona])
    for url in (
        reverse("annualreports:detail", args=[report.pk]),
        reverse("annualreports:export_xlsx", args=[report.pk]),
        reverse("annualreports:export_pdf", args=[report.pk]),
        f"/api/v1/annual-reports/{report.pk}",
    ):
        assert client.get(url).status_code == expected, url
    listed = client.get("/api/v1/annual-reports")
    if persona in ("other_member", "other_dept"):
        assert listed.status_code == 200 and listed.json() == []
    elif persona == "outsider":
        assert listed.status_code == 404
    else:
        assert [r["id"] for r in listed.json()] == [report.pk]


def test_anonymous_is_sent_to_login_and_api_refuses(client, make_report):
    report = make_report("submitted")
    for url in (
        reverse("annualreports:index"),
        reverse("annualreports:detail", args=[report.pk]),
        reverse("annualreports:edit", args=[report.pk]),
        reverse("annualreports:export_pdf", args=[report.pk]),
        reverse("annualreports:projects"),
    ):
        assert client.get(url).status_code == 302, url
    assert client.get(f"/api/v1/annual-reports/{report.pk}").status_code == 401
    assert (
        client.post(
            f"/api/v1/annual-reports/{report.pk}/approve", "{}", content_type="application/json"
        ).status_code
        == 401
    )


INDEX_MATRIX = {
    "owner": 200,
    "supervisor": 200,
    "bureau": 200,
    "other_member": 200,
    "other_dept": 200,
    "outsider": 404,
}


@pytest.mark.parametrize("persona,expected", sorted(INDEX_MATRIX.items()))
def test_index_per_persona(client, make_report, personas, persona, expected):
    report = make_report("submitted")
    response = login(client, personas[persona]).get(reverse("annualreports:index"))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        visible = f'href="/annual-reports/{report.pk}/"' in html
        assert visible == (persona in ("owner", "supervisor", "bureau"))
        assert ('id="bureau-overview"' in html) == (persona == "bureau")


@pytest.mark.parametrize("persona", ["supervisor", "bureau", "other_member", "outsider"])
def test_only_the_institution_edits(client, make_report, personas, persona):
    login(client, personas[persona])
    # A draft is the institution's alone: reviewers do not even see it.
    draft = make_report("draft")
    assert client.get(reverse("annualreports:edit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("annualreports:detail", args=[draft.pk])).status_code == 404
    response = client.put(
        f"/api/v1/annual-reports/{draft.pk}",
        json.dumps({"figures": {"brokers": 1}}),
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "bureau", "other_member", "outsider"])
def test_reviewers_see_a_returned_report_but_cannot_edit_it(client, make_report, personas, persona):
    login(client, personas[persona])
    returned = make_report("returned")
    expected = 403 if persona in ("supervisor", "bureau") else 404
    response = client.put(
        f"/api/v1/annual-reports/{returned.pk}",
        json.dumps({"figures": {"brokers": 1}}),
        content_type="application/json",
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    "action,persona,expected",
    [
        ("approve", "owner", 403),
        ("approve", "bureau", 403),
        ("approve", "other_dept", 404),
        ("approve", "supervisor", 200),
        ("return", "supervisor", 200),
        ("receive", "supervisor", 403),
        ("submit", "supervisor", 403),
        ("submit", "owner", 409),
    ],
)
def test_api_transitions_per_persona(client, make_report, personas, action, persona, expected):
    report = make_report("submitted")
    login(client, personas[persona])
    body = json.dumps({"note": "请补充说明"}) if action != "submit" else None
    response = client.post(
        f"/api/v1/annual-reports/{report.pk}/{action}", body or "{}", content_type="application/json"
    )
    assert response.status_code == expected, response.content


def test_edit_form_refuses_bad_input_and_keeps_it(client, make_report, owner):
    report = make_report("draft")
    login(client, owner)
    url = reverse("annualreports:edit", args=[report.pk])
    assert client.get(url).status_code == 200
    data = {
        f.key: report.figures[f.key]
        for f in __import__("keqiao.annualreports.choices", fromlist=["x"]).FIGURES
    }
    data.update(
        {
            "action": "save",
            "brokers": "-3",
            "income_total": "12.345",
            "fulltime_staff": "两人",
            "transfer_count": "4",
            "policy_text": "已制定成果转化管理办法",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) >= {"brokers", "income_total", "fulltime_staff", "why_transfer_count"}
    assert (
        'value="-3"' in html
        and 'value="12.345"' in html
        and "两人" in html
        and "已制定成果转化管理办法" in html
    )
    report.refresh_from_db()
    assert report.figures["brokers"] == 0 and report.policy_text == ""

    data.update(
        {
            "brokers": "3",
            "income_total": "12.34",
            "fulltime_staff": "2",
            "why_transfer_count": "另有省外登记合同",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.figures["brokers"] == 3 and report.figures["income_total"] == "12.34"
    assert report.explanations == {"transfer_count": "另有省外登记合同"}
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "另有省外登记合同" in detail


def test_english_messages(client, make_report, owner):
    report = make_report("draft")
    login(client, owner)
    client.cookies["django_language"] = "en"
    response = client.put(
        f"/api/v1/annual-reports/{report.pk}",
        json.dumps({"figures": {"brokers": "-1", "income_total": "1.234"}}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"brokers", "income_total"}


def test_start_and_submit_through_pages(client, owner, holder_org, supervisor, reporting_year):
    login(client, owner)
    response = client.post(
        reverse("annualreports:start"), {"organization": holder_org.pk, "year": reporting_year.year}
    )
    report = AnnualReport.objects.get(organization=holder_org)
    assert response.status_code == 302 and response["Location"] == reverse(
        "annualreports:edit", args=[report.pk]
    )
    response = client.post(report.get_absolute_url(), {"action": "submit"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    login(client, supervisor)
    response = client.post(report.get_absolute_url(), {"action": "return", "return-comment": ""})
    assert response.status_code == 400
    response = client.post(
        report.get_absolute_url(), {"action": "return", "return-comment": "请补充项目清单"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"


def test_bureau_index_query_count_is_pinned(
    client, make_report, bureau, reporting_year, django_assert_num_queries
):
    make_report("received")

    def add_institutions(n):
        for i in range(n):
            org = OrganizationFactory(kind=Organization.Kind.INSTITUTE)
            user = member(org, Membership.Role.ADMIN)
            r = services.report_create(by=user, organization=org, year=reporting_year.year)
            if i % 2:
                services.report_submit(report=r, by=user)

    add_institutions(2)
    login(client, bureau)
    url = reverse("annualreports:index") + f"?year={reporting_year.year}"
    client.get(url)  # warm the session
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    add_institutions(5)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.context["overview"]["total"] == 8


def test_exports_are_well_formed(client, make_report, owner, supervisor, bureau, year):
    report = make_report("draft")
    services.report_update(
        report=report,
        by=owner,
        figures={"income_total": "1234567.89", "brokers": 3},
        policy_text='学校制定了《科技成果转化管理办法》，明确收益分配比例；=HYPERLINK("x")',
    )
    services.report_project_add(
        report=report,
        by=owner,
        data={
            "name": "竹纤维脱胶技术转让",
            "project_type": "transfer",
            "counterpart": "眉山竹业",
            "amount": "350000",
            "date": f"{year}-06-30",
        },
    )
    report = services.report_submit(report=report, by=owner)
    login(client, bureau)
    xlsx = client.get(reverse("annualreports:export_xlsx", args=[report.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["年度报告", "项目清单", "办理记录"]
    values = [row for row in wb["年度报告"].iter_rows(values_only=True)]
    # the figures sheet: the values as numbers (amounts with 2 decimals), the policy text as text
    assert any(row[2] == 3 for row in values if len(row) > 2)
    assert any(row[2] == 1234567.89 for row in values if len(row) > 2)
    assert wb["项目清单"]["A2"].value == "竹纤维脱胶技术转让" and wb["项目清单"]["D2"].value == 350000
    policy = next(row for row in values if row[1] and str(row[1]).startswith("学校"))
    assert "《科技成果转化管理办法》" in policy[1]
    pdf = client.get(reverse("annualreports:export_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = pdf_reader.text(pdf.content)
    assert (
        "第 1 页 / 共" in text and report.organization.name in text
    )  # numbered, in the national form's language
    if pdf_font_file() is not None:  # a TrueType CJK font is installed (always in CI): it is embedded
        fonts = pdf_reader.fonts(pdf.content)
        assert all(fonts[name]["embedded"] for name in pdf_reader.used_fonts(pdf.content))
    ascii_name = f"annual-report-{report.year}-{report.organization_id}"
    for response, ext in ((xlsx, "xlsx"), (pdf, "pdf")):
        disposition = response["Content-Disposition"]
        assert f'filename="{ascii_name}.{ext}"' in disposition
        assert (
            "filename*=UTF-8''" + quote(f"年度技术转移报告-{report.year}-{report.organization.name}.{ext}")
            in disposition
        )


def test_aggregate_export_is_for_the_bureau_only(client, make_report, supervisor, bureau, reporting_year):
    make_report("approved")
    url = reverse("annualreports:aggregate_xlsx") + f"?year={reporting_year.year}"
    assert login(client, supervisor).get(url).status_code == 404
    response = login(client, bureau).get(url)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["报送情况", "汇总"]
    assert f'filename="annual-reports-{reporting_year.year}.xlsx"' in response["Content-Disposition"]


def test_overview_api(client, make_report, bureau, supervisor, reporting_year):
    report = make_report("approved")
    services.report_receive(report=report, by=bureau)
    url = f"/api/v1/annual-reports/overview?year={reporting_year.year}"
    assert login(client, supervisor).get(url).status_code == 404
    data = login(client, bureau).get(url).json()
    assert data["counted"] == 1 and data["filed"] == 1
    assert {r["report_id"] for r in data["rows"]} == {report.pk}


# --- funded projects --------------------------------------------------------------------------------


@pytest.fixture
def plan_project(holder_org, bureau):
    import datetime

    return services.plan_project_create(
        by=bureau,
        data={
            "organization": holder_org,
            "number": "MSKJ-2024-01",
            "title": "竹纤维高值化利用关键技术",
            "funding": "500000",
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2025, 6, 30),
            "report_due_on": datetime.date(2025, 9, 30),
        },
    )


PROJECT_MATRIX = {
    "owner": 200,
    "colleague": 200,
    "bureau": 200,
    "supervisor": 404,
    "other_member": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona,expected", sorted(PROJECT_MATRIX.items()))
def test_plan_project_pages_per_persona(client, plan_project, personas, persona, expected):
    login(client, personas[persona])
    assert client.get(plan_project.get_absolute_url()).status_code == expected
    assert client.get(f"/api/v1/plan-projects/{plan_project.pk}").status_code == expected
    listing = client.get(reverse("annualreports:projects") + "?overdue=1")
    assert listing.status_code == 200
    assert (plan_project.number in listing.content.decode()) == (expected == 200)


def test_institution_marks_report_and_links_through_the_page(
    client, plan_project, owner, bureau, make_achievement
):
    achievement = make_achievement("published")
    login(client, bureau)
    assert (
        client.post(
            plan_project.get_absolute_url(), {"action": "mark", "submitted_on": "2025-09-01"}
        ).status_code
        == 404
    )
    login(client, owner)
    response = client.post(plan_project.get_absolute_url(), {"action": "mark", "submitted_on": "2999-01-01"})
    assert response.status_code == 400 and "2999-01-01" in response.content.decode()
    assert (
        client.post(
            plan_project.get_absolute_url(), {"action": "mark", "submitted_on": "2025-09-01"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            plan_project.get_absolute_url(), {"action": "link", "achievements": [achievement.pk]}
        ).status_code
        == 302
    )
    data = login(client, bureau).get("/api/v1/plan-projects?overdue=true").json()
    assert data == []
    data = client.get(f"/api/v1/plan-projects/{plan_project.pk}").json()
    assert data["report_submitted_on"] == "2025-09-01" and data["achievement_ids"] == [achievement.pk]
