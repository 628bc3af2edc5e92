"""Patent records: numbers with their check digits, publication numbers, IPC codes, legal status words,
saving by application number, and who may record a patent."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from keqiao.common.errors import NotPermitted
from keqiao.common.validators import patent_check_char
from keqiao.patents import services
from keqiao.patents.models import Patent


@pytest.mark.parametrize(
    "number",
    [
        # A real application number, quoted with its check computation in a public explanation of the
        # CNIPA numbering rule (weights 2…9, 2…5 over the 12 digits, sum mod 11; 10 is written X).
        "201710601862.3",
        # The example of the rule in the platform's own validators test.
        "ZL201910123457.4",
    ],
)
def test_real_application_numbers_pass_their_check_digit(number):
    digits, check = number.removeprefix("ZL").split(".")
    assert patent_check_char(digits) == check
    assert (
        services.validate_patent_data({"application_number": number, "title": "专利"})["kind"] == "invention"
    )


def test_check_digit_x_and_a_typing_error():
    digits = next(f"2023100{n:05d}" for n in range(100000) if patent_check_char(f"2023100{n:05d}") == "X")
    assert services.validate_patent_data({"application_number": f"{digits}.X", "title": "专利"})
    with pytest.raises(ValidationError) as info:
        services.validate_patent_data(
            {"application_number": "201710601826.3", "title": "专利"}
        )  # digits swapped
    assert "application_number" in info.value.message_dict


def test_kind_comes_from_the_type_digit_and_must_agree():
    number = "202320987654.2"
    assert (
        services.validate_patent_data({"application_number": number, "title": "竹编"})["kind"]
        == "utility_model"
    )
    with pytest.raises(ValidationError) as info:
        services.validate_patent_data({"application_number": number, "title": "竹编", "kind": "design"})
    assert "kind" in info.value.message_dict


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        ("CN116212345A", "invention", True),
        ("CN 116212345 B", "invention", True),
        ("CN1234567C", "invention", True),
        ("CN218765432U", "utility_model", True),
        ("CN218765432A", "utility_model", False),
        ("US2020123456A1", "invention", False),
        ("CN12345B", "invention", False),
    ],
)
def test_publication_numbers(value, kind, ok):
    if ok:
        assert services.clean_publication_number(value, kind).startswith("CN")
    else:
        with pytest.raises(ValidationError):
            services.clean_publication_number(value, kind)


def test_ipc_codes_and_status_words():
    assert services.clean_ipc_codes("H01M 10/0525；h01m4/36, C01D") == ["H01M 10/0525", "H01M 4/36", "C01D"]
    with pytest.raises(ValidationError):
        services.clean_ipc_codes("锂电池")
    assert services.legal_status_from_text("有效") == "granted"
    assert services.legal_status_from_text("全部无效") == "invalidated"
    assert services.legal_status_from_text("视为撤回") == "withdrawn"
    assert services.legal_status_from_text("未缴年费专利权终止") == "lapsed"
    with pytest.raises(ValidationError):
        services.legal_status_from_text("不知道")


def test_grant_before_application_is_refused():
    with pytest.raises(ValidationError) as info:
        services.validate_patent_data(
            {
                "application_number": "202310123456.6",
                "title": "专利",
                "application_date": datetime.date(2023, 2, 14),
                "grant_date": datetime.date(2022, 1, 1),
            }
        )
    assert "grant_date" in info.value.message_dict


def test_save_creates_then_updates_and_links_own_achievements(
    owner, holder_org, outsider, other_org, bureau, make_achievement
):
    data = {
        "application_number": "202310123456.6",
        "title": "高镍正极材料制备方法",
        "legal_status": "实质审查",
    }
    patent, created = services.patent_save(by=owner, data=data, holder=holder_org)
    assert created and patent.legal_status == "pending" and patent.application_number == "ZL202310123456.6"
    patent, created = services.patent_save(by=owner, data={**data, "legal_status": "授权"}, holder=holder_org)
    assert not created and patent.legal_status == "granted" and Patent.objects.count() == 1
    with pytest.raises(NotPermitted):
        services.patent_save(by=outsider, data=data, holder=other_org)  # another holder's patent
    with pytest.raises(NotPermitted):
        services.patent_save(by=outsider, data=data, holder=holder_org)  # not a member
    mine = make_achievement()
    services.patent_link_achievements(patent=patent, achievement_ids=[mine.pk])
    assert list(patent.achievements.all()) == [mine]
