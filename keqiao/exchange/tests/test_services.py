"""The import services: reading, mapping, the preview's row errors, the all-or-nothing import, provenance
and idempotency, and every refusal."""

import pytest
from django.core.exceptions import ValidationError

from keqiao.achievements.models import Achievement
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.exchange import services
from keqiao.exchange.choices import BatchStatus
from keqiao.exchange.models import Provenance, SourceMapping
from keqiao.exchange.reading import read_table
from keqiao.patents.models import Patent

from .files import HEADERS, csv_file, json_file, rows, xlsx, zip_bomb


def upload(by, file, kind="achievements", source="四川科创通导出", organization=None):
    return services.batch_upload(
        by=by, uploaded=file, kind=kind, source_name=source, organization=organization
    )


def test_template_headers_are_mapped_without_help(owner, holder_org):
    batch = upload(owner, xlsx(rows()))
    assert batch.organization == holder_org
    assert batch.mapping == {
        "0": "external_id",
        "1": "title",
        "2": "tech_field",
        "3": "summary",
        "4": "keywords",
        "5": "completers",
    }
    assert batch.row_count == 3 and batch.file_format == "xlsx"


def test_organisation_import_creates_drafts_with_provenance_and_is_idempotent(owner, holder_org):
    batch = upload(owner, xlsx(rows()))
    batch = services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping)
    assert batch.status == BatchStatus.CHECKED and batch.errors == []
    batch = services.batch_commit(batch=batch, by=owner)
    assert batch.status == BatchStatus.DONE
    assert batch.report["created"] == 3 and batch.report["skipped"] == 0
    created = Achievement.objects.filter(organization=holder_org)
    assert created.count() == 3 and set(created.values_list("status", flat=True)) == {"draft"}
    a = created.get(title="竹纤维复合材料技术第2号")
    assert (
        a.keywords == ["竹", "复合材料"]
        and a.completers == ["陈竹", "刘林"]
        and a.tech_field == "new_materials"
    )
    p = Provenance.objects.get(object_id=a.pk)
    assert (p.external_id, p.row_number, p.source_name, p.file_name) == (
        "EXT-2",
        3,
        "四川科创通导出",
        "成果.xlsx",
    )
    # the same file again: nothing new, every row reported as a duplicate
    again = upload(owner, xlsx(rows()))
    again = services.batch_set_mapping(batch=again, by=owner, mapping=again.mapping)
    again = services.batch_commit(batch=again, by=owner)
    assert again.report["created"] == 0 and again.report["skipped"] == 3
    assert Achievement.objects.filter(organization=holder_org).count() == 3


def test_same_title_from_another_source_is_a_duplicate_keeping_both_sources(owner, holder_org):
    first = upload(owner, xlsx(rows(1)))
    services.batch_commit(
        batch=services.batch_set_mapping(batch=first, by=owner, mapping=first.mapping), by=owner
    )
    retyped = rows(1, {0: {0: "OTHER-9", 1: "竹纤维复合材料技术 第1号"}})
    second = upload(owner, xlsx(retyped), source="学校科研系统")
    second = services.batch_commit(
        batch=services.batch_set_mapping(batch=second, by=owner, mapping=second.mapping), by=owner
    )
    assert second.report["skipped"] == 1
    a = Achievement.objects.get(organization=holder_org)
    assert sorted(Provenance.objects.filter(object_id=a.pk).values_list("source_name", flat=True)) == [
        "四川科创通导出",
        "学校科研系统",
    ]


def test_row_errors_are_listed_per_field_and_block_the_import(owner, holder_org):
    bad = rows(4, {1: {2: "量子玄学"}, 3: {1: "", 3: '=HYPERLINK("http://evil")'}})
    batch = upload(owner, xlsx(bad))
    batch = services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping)
    by_row = {}
    for e in batch.errors:
        by_row.setdefault(e["row"], []).append(e["column"])
    assert by_row == {3: ["技术领域"], 5: ["成果名称", "成果简介"]}
    assert any("formula" in e["message"] for e in batch.errors)
    with pytest.raises(TransitionNotAllowed):
        services.batch_commit(batch=batch, by=owner)
    assert not Achievement.objects.exists()
    # the corrected file replaces the rows and keeps the mapping
    batch = services.batch_replace_file(batch=batch, by=owner, uploaded=xlsx(rows(4)))
    assert batch.errors == []
    assert services.batch_commit(batch=batch, by=owner).report["created"] == 4


def test_an_import_that_fails_midway_leaves_nothing(owner, holder_org, monkeypatch):
    batch = upload(owner, xlsx(rows(5)))
    batch = services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping)
    real = Provenance.objects.bulk_create

    def broken(*args, **kwargs):
        raise DomainError("disk full")

    monkeypatch.setattr(Provenance.objects, "bulk_create", broken)
    batch = services.batch_commit(batch=batch, by=owner)
    monkeypatch.setattr(Provenance.objects, "bulk_create", real)
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.failure
    assert not Achievement.objects.exists() and not Provenance.objects.exists()


def test_mapping_is_remembered_per_source(owner, holder_org):
    headers = ["编号", "项目", "领域", "介绍"]
    data = [["A1", "泡菜低盐发酵菌剂", "农业", "低盐条件下缩短发酵周期的复合菌剂。"]]
    batch = upload(owner, xlsx(data, headers=headers))
    assert "1" not in batch.mapping  # "项目" is not a known column name
    mapping = {"0": "external_id", "1": "title", "2": "tech_field", "3": "summary"}
    services.batch_set_mapping(batch=batch, by=owner, mapping=mapping)
    assert SourceMapping.objects.get(user=owner).mapping["项目"] == "title"
    again = upload(owner, xlsx(data, headers=headers))
    assert again.mapping == mapping
    assert upload(owner, xlsx(data, headers=headers), source="另一个来源").mapping != mapping


def test_mapping_refusals(owner, holder_org):
    batch = upload(owner, xlsx(rows()))
    with pytest.raises(DomainError, match="same field"):
        services.batch_set_mapping(
            batch=batch, by=owner, mapping={"1": "title", "3": "title", "2": "tech_field"}
        )
    with pytest.raises(DomainError, match="required"):
        services.batch_set_mapping(batch=batch, by=owner, mapping={"1": "title"})
    with pytest.raises(DomainError):
        services.batch_set_mapping(batch=batch, by=owner, mapping={"99": "title"})
    with pytest.raises(DomainError):  # an organisation may not name the organisation per row
        services.batch_set_mapping(batch=batch, by=owner, mapping={**batch.mapping, "0": "organization"})


def test_bureau_imports_for_named_organisations_published(bureau, holder_org, other_org):
    headers = ["成果名称", "第一完成单位", "技术领域", "成果简介"]
    data = [
        ["茶叶连续化揉捻装备", holder_org.name, "先进制造", "洪雅绿茶揉捻工序连续化装备。"],
        ["低氟晶硅切割液回收", other_org.credit_code, "环境保护与资源综合利用", "切割液回收再用工艺。"],
        ["无名单位的成果", "不存在的单位", "农业", "简介。"],
    ]
    batch = upload(bureau, xlsx(data, headers=headers))
    batch = services.batch_set_mapping(batch=batch, by=bureau, mapping=batch.mapping)
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "第一完成单位")]
    batch = services.batch_replace_file(batch=batch, by=bureau, uploaded=xlsx(data[:2], headers=headers))
    batch = services.batch_commit(batch=batch, by=bureau)
    assert batch.report["created"] == 2
    assert set(Achievement.objects.values_list("organization__name", "status")) == {
        (holder_org.name, "published"),
        (other_org.name, "published"),
    }


def test_who_may_import(owner, outsider, bureau, holder_org, other_org, django_user_model):
    with pytest.raises(NotPermitted):
        upload(owner, xlsx(rows()), organization=other_org)
    loner = django_user_model.objects.create_user("loner", password="x")
    with pytest.raises(NotPermitted):
        upload(loner, xlsx(rows()))
    batch = upload(owner, xlsx(rows()))
    with pytest.raises(NotPermitted):  # another user cannot continue it, not even the bureau
        services.batch_set_mapping(batch=batch, by=bureau, mapping=batch.mapping)
    services.batch_cancel(batch=batch, by=owner)
    with pytest.raises(TransitionNotAllowed):
        services.batch_commit(batch=batch, by=owner)


def test_csv_in_utf8_and_gb18030_and_json(owner, holder_org):
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        table = read_table(csv_file(rows(), encoding=encoding))
        assert (
            table.encoding == label
            and table.headers == HEADERS
            and table.rows[1][1] == "竹纤维复合材料技术第2号"
        )
    records = [dict(zip(HEADERS, r, strict=True)) for r in rows(2)]
    table = read_table(json_file({"records": records}))
    assert table.format == "json" and len(table.rows) == 2


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (csv_file(rows(), encoding="utf-16"), "encoding"),
        (zip_bomb(), "zip_bomb"),
        (json_file({"not": "records"}), "json"),
        (csv_file([], headers=["a"]), "empty"),
    ],
    ids=["utf16", "zip-bomb", "json-shape", "no-rows"],
)
def test_bad_files_are_refused_with_a_reason(file, code):
    with pytest.raises(ValidationError) as info:
        read_table(file)
    assert info.value.code == code


def test_file_over_the_limit_and_xls_in_disguise(settings):
    settings.KEQIAO = {**settings.KEQIAO, "IMPORT_MAX_BYTES": 1000}
    with pytest.raises(ValidationError) as info:
        read_table(csv_file(rows(50)))
    assert info.value.code == "too_large"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as info:
        read_table(SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"x" * 100))
    assert info.value.code == "type"


def test_patents_import_updates_by_application_number(owner, holder_org):
    headers = [
        "申请号",
        "名称",
        "申请（专利权）人",
        "发明人",
        "IPC分类号",
        "法律状态",
        "申请日",
        "公开（公告）号",
    ]
    data = [
        [
            "201710601862.3",
            "一种竹纤维增强复合板材的制备方法",
            holder_org.name,
            "陈竹；刘林",
            "B27N 3/04",
            "实质审查",
            "2017-07-17",
            "CN107335926A",
        ]
    ]
    batch = upload(
        owner, xlsx(data, headers=headers, name="专利检索导出.xlsx"), kind="patents", source="专利检索"
    )
    batch = services.batch_commit(
        batch=services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping), by=owner
    )
    assert batch.report["created"] == 1
    p = Patent.objects.get()
    assert (p.application_number, p.kind, p.legal_status, p.holder) == (
        "ZL201710601862.3",
        "invention",
        "pending",
        holder_org,
    )
    data[0][5], data[0][7] = "授权", "CN107335926B"
    batch = upload(owner, xlsx(data, headers=headers), kind="patents", source="专利检索2026")
    batch = services.batch_commit(
        batch=services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping), by=owner
    )
    assert batch.report["updated"] == 1
    p.refresh_from_db()
    assert (p.legal_status, p.publication_number) == ("granted", "CN107335926B")


def test_patent_check_digit_errors_show_in_the_preview(owner, holder_org):
    headers = ["申请号", "名称"]
    batch = upload(owner, xlsx([["201710601862.4", "校验位错误的专利"]], headers=headers), kind="patents")
    batch = services.batch_set_mapping(batch=batch, by=owner, mapping=batch.mapping)
    assert batch.errors[0]["column"] == "申请号" and "check digit" in batch.errors[0]["message"]
