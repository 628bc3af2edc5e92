"""Pages and API of supervision: the permission matrix per persona, forms that keep input, the matrix's
cells and its query count."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqiao.supervision import services
from keqiao.supervision.models import Consolidation, ProgressReport

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def filed(sv):
    co_report = services.report_save(
        task=sv.task,
        by=sv.co,
        period=sv.overdue_period,
        text="经信委：推动科技型企业申请知识产权质押贷款。",
        status="at_risk",
        figures=[("质押贷款", "830", "万元")],
        files=[SimpleUploadedFile("台账.pdf", PDF)],
    )
    lead_report = services.report_save(
        task=sv.task,
        by=sv.lead,
        period=sv.overdue_period,
        text="财政局：已拨付专项补助资金。",
        status="on_track",
    )
    return co_report, lead_report


# persona -> status for: task page, co report (+ attachment), lead report, report form
MATRIX = {
    "lead": {"task": 200, "co_report": 200, "lead_report": 200, "form": 200},
    "co": {"task": 200, "co_report": 200, "lead_report": 404, "form": 200},
    "other": {"task": 404, "co_report": 404, "lead_report": 404, "form": 404},
    "bureau": {"task": 200, "co_report": 200, "lead_report": 200, "form": 404},
    "enterprise": {"task": 404, "co_report": 404, "lead_report": 404, "form": 404},
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_pages_and_api_per_persona(client, sv, sv_personas, filed, persona):
    co_report, lead_report = filed
    att = co_report.attachments.get()
    expected = MATRIX[persona]
    login(client, sv_personas[persona])
    period = sv.overdue_period
    checks = {
        "task": [reverse("supervision:task", args=[sv.task.pk]), f"/api/v1/supervision/tasks/{sv.task.pk}"],
        "co_report": [
            reverse("supervision:report", args=[co_report.pk]),
            reverse("supervision:attachment", args=[co_report.pk, att.pk]),
            f"/api/v1/supervision/reports/{co_report.pk}",
            f"/api/v1/supervision/reports/{co_report.pk}/attachments/{att.pk}",
        ],
        "lead_report": [
            reverse("supervision:report", args=[lead_report.pk]),
            f"/api/v1/supervision/reports/{lead_report.pk}",
        ],
        "form": [f"{reverse('supervision:report_edit', args=[sv.task.pk])}?period={period}"],
    }
    for key, urls in checks.items():
        for url in urls:
            assert client.get(url).status_code == expected[key], (key, url)
    matrix_status = 200 if persona == "bureau" else 404
    assert client.get(reverse("supervision:matrix")).status_code == matrix_status
    assert client.get("/api/v1/supervision/matrix").status_code == matrix_status
    home = client.get(reverse("supervision:home"))
    assert home.status_code == {"bureau": 302, "enterprise": 404}.get(persona, 200)
    assert client.get("/api/v1/supervision/tasks").status_code == (404 if persona == "enterprise" else 200)


def test_anonymous_is_sent_to_login_and_api_refuses(client, sv, filed):
    co_report, _lead = filed
    for name, args in [
        ("supervision:home", []),
        ("supervision:matrix", []),
        ("supervision:task", [sv.task.pk]),
        ("supervision:report", [co_report.pk]),
        ("supervision:report_edit", [sv.task.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in [
        "/api/v1/supervision/tasks",
        f"/api/v1/supervision/tasks/{sv.task.pk}",
        f"/api/v1/supervision/reports/{co_report.pk}",
        "/api/v1/supervision/matrix",
    ]:
        assert client.get(url).status_code == 401


def test_co_department_sees_only_its_own_report_the_lead_sees_all(client, sv, filed):
    url = f"{reverse('supervision:task', args=[sv.task.pk])}?period={sv.overdue_period}"
    page = login(client, sv.co).get(url).content.decode()
    assert "知识产权质押贷款" in page and "专项补助资金" not in page
    api = client.get(f"/api/v1/supervision/tasks/{sv.task.pk}?period={sv.overdue_period}").json()
    assert [r["department"]["name"] for r in api["reports"]] == ["市经济和信息化委"]
    assert [s["department"]["name"] for s in api["states"]] == ["市经济和信息化委"]
    client.logout()
    page = login(client, sv.lead).get(url).content.decode()
    assert "知识产权质押贷款" in page and "专项补助资金" in page and 'id="consolidation-form"' in page
    api = client.get(f"/api/v1/supervision/tasks/{sv.task.pk}?period={sv.overdue_period}").json()
    assert {r["department"]["name"] for r in api["reports"]} == {"市经济和信息化委", "市财政局"}
    assert api["is_lead"] is True


def test_filing_a_report_through_the_form_and_refusals_keep_input(client, sv):
    login(client, sv.co)
    url = f"{reverse('supervision:report_edit', args=[sv.task.pk])}?period={sv.overdue_period}"
    data = {
        "period": sv.overdue_period,
        "text": "组织银企对接会两场。",
        "status": "on_track",
        "figure_name_0": "对接会",
        "figure_value_0": "2.555",
        "figure_unit_0": "场",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "组织银企对接会两场。" in page and "对接会" in page
    assert not ProgressReport.objects.exists()
    data["figure_value_0"] = "2"
    data["files"] = SimpleUploadedFile("会议纪要.pdf", PDF)
    response = client.post(url, data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.figures.get().name == "对接会" and report.attachments.count() == 1
    # editing shows the saved figures
    page = client.get(url).content.decode()
    assert 'value="对接会"' in page


def test_the_form_refuses_after_consolidation(client, sv, filed):
    services.consolidate(
        task=sv.task,
        by=sv.lead,
        period=sv.overdue_period,
        summary="汇总",
        status="on_track",
        mark_missing=True,
    )
    login(client, sv.co)
    url = f"{reverse('supervision:report_edit', args=[sv.task.pk])}?period={sv.overdue_period}"
    response = client.post(url, {"period": sv.overdue_period, "text": "补充", "status": "behind"})
    assert response.status_code == 400
    assert ProgressReport.objects.get(department=sv.co_dept).status == "at_risk"


@pytest.mark.parametrize("persona", ["co", "other", "bureau", "enterprise"])
def test_only_the_lead_consolidates_through_page_and_api(client, sv, sv_personas, filed, persona):
    login(client, sv_personas[persona])
    data = {"period": sv.overdue_period, "summary": "汇总", "status": "on_track", "mark_missing": "on"}
    response = client.post(reverse("supervision:consolidate", args=[sv.task.pk]), data)
    assert response.status_code == 404
    api = client.post(
        f"/api/v1/supervision/tasks/{sv.task.pk}/consolidation",
        json.dumps({**data, "mark_missing": True}),
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    assert not Consolidation.objects.exists()


def test_the_lead_consolidates_through_the_page(client, sv, filed):
    login(client, sv.lead)
    url = reverse("supervision:consolidate", args=[sv.task.pk])
    data = {
        "period": sv.overdue_period,
        "summary": "本期金融服务体系建设总体按计划推进。",
        "status": "on_track",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "市金融办" in response.content.decode()
    response = client.post(url, {**data, "mark_missing": "on"})
    assert response.status_code == 302
    c = Consolidation.objects.get()
    assert c.consolidated_by == sv.lead and c.missing_departments.count() == 4


def test_api_report_put_and_refusals(client, sv):
    body = {
        "period": sv.overdue_period,
        "text": "API 报送：完成一家企业股改辅导。",
        "status": "completed",
        "figures": [{"name": "股改辅导", "value": "1", "unit": "家"}],
    }
    url = f"/api/v1/supervision/tasks/{sv.task.pk}/reports"
    login(client, sv.co)
    response = client.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["figures"] == [{"name": "股改辅导", "value": "1.00", "unit": "家"}]
    bad = client.put(
        url,
        json.dumps({**body, "figures": [{"name": "a", "value": "1.001"}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "figures.0.value"
    attach = client.post(
        f"/api/v1/supervision/reports/{response.json()['id']}/attachments",
        {"files": [SimpleUploadedFile("说明.pdf", PDF)]},
    )
    assert attach.status_code == 201 and attach.json()["attachments"][0]["name"] == "说明.pdf"
    client.logout()
    login(client, sv.other)
    assert client.put(url, json.dumps(body), content_type="application/json").status_code == 404
    client.logout()
    login(client, sv.bureau)
    assert client.put(url, json.dumps(body), content_type="application/json").status_code == 403


def test_matrix_cells(client, sv, filed):
    login(client, sv.bureau)
    response = client.get(f"{reverse('supervision:matrix')}?plan={sv.plan.pk}&period={sv.overdue_period}")
    page = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 14
    row = next(r for r in rows if r.task.pk == sv.task.pk)
    cells = {c.department_id: c for c in row.cells}
    assert (cells[sv.co_dept.pk].state, cells[sv.co_dept.pk].status) == ("reported", "at_risk")
    assert cells[sv.lead_dept.pk].state == "reported" and cells[sv.lead_dept.pk].is_lead
    assert cells[sv.other_dept.pk].state == "none"
    assert sum(c.state == "overdue" for c in row.cells) == 4
    assert f'id="cell-{sv.task.pk}-{sv.co_dept.pk}"' in page
    api = client.get(f"/api/v1/supervision/matrix?plan={sv.plan.pk}&period={sv.overdue_period}").json()
    api_row = next(r for r in api["rows"] if r["task_id"] == sv.task.pk)
    assert {c["state"] for c in api_row["cells"]} == {"reported", "overdue", "none"}
    # after consolidation the lead cell is consolidated and the missing ones recorded
    services.consolidate(
        task=sv.task, by=sv.lead, period=sv.overdue_period, summary="汇总", status="behind", mark_missing=True
    )
    response = client.get(f"{reverse('supervision:matrix')}?plan={sv.plan.pk}&period={sv.overdue_period}")
    row = next(r for r in response.context["rows"] if r.task.pk == sv.task.pk)
    cells = {c.department_id: c for c in row.cells}
    assert (cells[sv.lead_dept.pk].state, cells[sv.lead_dept.pk].status) == ("consolidated", "behind")
    assert sum(c.state == "marked_missing" for c in row.cells) == 4
    # a bad period falls back to the default
    assert client.get(f"{reverse('supervision:matrix')}?period=2099-Q1").status_code == 200


def _matrix_queries(client, sv, plan=None) -> int:
    plan = plan or sv.plan
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{reverse('supervision:matrix')}?plan={plan.pk}&period={sv.overdue_period}")
    assert response.status_code == 200 and len(response.context["rows"]) == plan.tasks.count()
    return len(ctx.captured_queries)


def test_matrix_query_count_does_not_grow_with_tasks_and_reports(client, sv):
    from keqiao.governance.services import plan_create
    from keqiao.testing.factories import OrganizationFactory, member

    login(client, sv.bureau)
    empty = _matrix_queries(client, sv)
    # reports by every department on every task, and consolidations
    users = {}
    for task in sv.plan.tasks.prefetch_related("assignments__department"):
        for a in task.assignments.all():
            dept = a.department
            if dept.pk not in users:
                if dept.organization_id is None:
                    dept.organization = OrganizationFactory(name=f"{dept.name}（测试）", kind="department")
                    dept.save()
                users[dept.pk] = member(dept.organization)
            services.report_save(
                task=task, by=users[dept.pk], period=sv.overdue_period, text="进展正常。", status="on_track"
            )
        if task.number % 2:
            services.consolidate(
                task=task, by=users[task.lead.pk], period=sv.overdue_period, summary="汇总", status="on_track"
            )
    full = _matrix_queries(client, sv)
    assert (empty, full) == (10, 10)
    # another plan with 30 tasks: still the same count
    other = plan_create(
        data={
            "title": "测试行动计划",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": "2017-01-01",
            "ends_on": "2030-12-31",
            "indicators": [
                {
                    "name": "技术交易额",
                    "unit": "万元",
                    "target": 1,
                    "deadline": "2030-12-31",
                    "source": "query",
                    "query": "transaction_amount",
                }
            ],
            "tasks": [{"content": f"任务{i}", "departments": ["市科技局", "市财政局"]} for i in range(30)],
        },
        by=None,
    )
    assert _matrix_queries(client, sv, other) == 10
