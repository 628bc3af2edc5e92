"""The import wizard through the client: upload, mapping, preview with row errors, correction, import,
report; the template download; who reaches which page (404 for others' imports); the API."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from keqiao.achievements.models import Achievement
from keqiao.exchange import services
from keqiao.exchange.models import ImportBatch

from .files import rows, xlsx


def post_upload(client, file, kind="achievements", **extra):
    return client.post("/imports/", {"kind": kind, "source_name": "四川科创通导出", "file": file, **extra})


def test_the_whole_wizard(client, owner, holder_org):
    client.force_login(owner)
    r = client.get("/imports/")
    assert r.status_code == 200 and 'colspan="6" class="empty"' in r.text
    bad = rows(3, {1: {2: "量子玄学"}, 2: {3: ""}})
    r = post_upload(client, xlsx(bad), organization=holder_org.pk)
    batch = ImportBatch.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/{batch.pk}/"
    r = client.get(r["Location"])
    assert 'id="mapping-form"' in r.text and "成果名称" in r.text
    r = client.post(
        f"/imports/{batch.pk}/", {"action": "map", **{f"col_{p}": f for p, f in batch.mapping.items()}}
    )
    assert r.status_code == 302
    r = client.get(f"/imports/{batch.pk}/")
    assert 'id="errors-3"' in r.text and 'id="errors-4"' in r.text and 'id="errors-2"' not in r.text
    assert 'id="commit" disabled' in r.text
    r = client.post(f"/imports/{batch.pk}/", {"action": "commit"})  # refused: rows have errors
    assert not Achievement.objects.exists()
    r = client.post(f"/imports/{batch.pk}/", {"action": "replace", "file": xlsx(rows(3))})
    assert r.status_code == 302
    assert 'id="ready"' in client.get(f"/imports/{batch.pk}/").text
    r = client.post(f"/imports/{batch.pk}/", {"action": "commit"}, follow=True)
    assert 'id="report"' in r.text and '<td id="count-created">3</td>' in r.text
    assert Achievement.objects.filter(organization=holder_org, status="draft").count() == 3
    report = client.get(f"/imports/{batch.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    sheet = load_workbook(io.BytesIO(report.content)).active
    # the header in one language throughout, as the catalogue of that language has it
    headers = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            headers.append([_("Row"), pgettext("import outcome", "Outcome"), _("Record id"), _("Note")])
    assert [c.value for c in sheet[1]] in headers
    assert ["Row", "Outcome", "Record id", "Note"] in headers
    assert sheet.max_row == 4


def test_bad_file_is_refused_on_the_form_keeping_what_was_typed(client, owner, holder_org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(owner)
    r = post_upload(
        client, SimpleUploadedFile("x.csv", "名称\n值\n".encode("utf-16")), organization=holder_org.pk
    )
    assert r.status_code == 400 and "GB18030" in r.text and 'value="四川科创通导出"' in r.text
    assert not ImportBatch.objects.exists()


def test_mapping_errors_are_shown_on_the_form(client, owner, holder_org):
    client.force_login(owner)
    post_upload(client, xlsx(rows()), organization=holder_org.pk)
    batch = ImportBatch.objects.get()
    r = client.post(f"/imports/{batch.pk}/", {"action": "map", "col_1": "title", "col_3": "title"})
    assert r.status_code == 400 and ("same field" in r.text or "同一字段" in r.text)


def test_template_download(client):
    r = client.get("/imports/template/patents.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.active["A1"].value == "外部编号" and wb.active["B2"].value == "ZL202310123456.6"
    assert client.get("/imports/template/contracts.xlsx").status_code == 404


def test_others_cannot_see_or_continue_an_import(
    client, owner, outsider, bureau, holder_org, django_user_model
):
    batch = services.batch_upload(by=owner, uploaded=xlsx(rows()), kind="achievements", source_name="来源")
    client.force_login(outsider)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/imports/{batch.pk}/report.xlsx").status_code == 404
    assert client.get(f"/api/v1/imports/{batch.pk}").status_code == 404
    client.force_login(bureau)
    assert client.get(f"/imports/{batch.pk}/").status_code == 200
    assert client.post(f"/imports/{batch.pk}/", {"action": "commit"}).status_code == 404
    client.force_login(django_user_model.objects.create_user("loner", password="x"))
    assert client.get("/imports/").status_code == 404
    client.logout()
    assert client.get("/imports/").status_code == 302


def test_list_query_count_and_api(client, owner, holder_org, django_assert_max_num_queries):
    for _i in range(3):
        services.batch_upload(by=owner, uploaded=xlsx(rows()), kind="achievements", source_name="来源")
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        assert client.get("/imports/").status_code == 200
    r = client.get("/api/v1/imports")
    assert r.status_code == 200 and len(r.json()) == 3
    detail = client.get(f"/api/v1/imports/{r.json()[0]['id']}").json()
    assert detail["mapping"]["1"] == "title" and detail["errors"] == []
