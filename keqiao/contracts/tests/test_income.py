"""技术性收入核定: the registration office's verified technology income, its rules and its page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.contracts import income, services
from keqiao.contracts.models import IncomeDeduction, IncomeYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_contract):
    return make_contract(
        "submitted", contract_amount=Decimal("300000.00"), technology_amount=Decimal("250000.00")
    )


def _year(contract) -> int:
    return contract.signed_on.year


def test_verified_income_is_amount_less_deductions_by_year(submitted, bureau):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="200000")
    income.income_year_record(contract=submitted, by=bureau, year=year + 1, amount="100000")
    income.income_deduction_record(
        contract=submitted, by=bureau, year=year, category="equipment", amount="20000", basis="设备清单"
    )
    income.income_deduction_record(
        contract=submitted, by=bureau, year=year + 1, category="materials", amount="5000.50", basis="材料费"
    )
    years = income.income_years_of(submitted)
    assert [(y.year, y.verified) for y in years] == [
        (year, Decimal("180000.00")),
        (year + 1, Decimal("94999.50")),
    ]
    assert income.verified_income_total(submitted) == Decimal("274999.50")
    # changing a year's amount keeps its deductions
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="190000")
    assert income.verified_income_total(submitted) == Decimal("264999.50")


def test_deductions_greater_than_the_amount_are_refused(submitted, bureau):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="100000")
    income.income_deduction_record(
        contract=submitted, by=bureau, year=year, category="construction", amount="60000", basis="土建"
    )
    with pytest.raises(DomainError, match="greater than the amount|将大于") as exc:
        income.income_deduction_record(
            contract=submitted, by=bureau, year=year, category="equipment", amount="40000.01", basis="设备"
        )
    assert exc.value.field == "amount"
    with pytest.raises(DomainError, match="exceed this amount|超过该金额"):
        income.income_year_record(contract=submitted, by=bureau, year=year, amount="50000")
    assert IncomeDeduction.objects.count() == 1


def test_years_cannot_exceed_the_contract_amount_or_leave_its_term(submitted, bureau):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="250000")
    with pytest.raises(DomainError, match="exceed the contract amount|将超过合同金额"):
        income.income_year_record(contract=submitted, by=bureau, year=year + 1, amount="50000.01")
    with pytest.raises(DomainError, match="within the contract|须在合同期内") as exc:
        income.income_year_record(contract=submitted, by=bureau, year=year - 1, amount="1")
    assert exc.value.field == "year"
    with pytest.raises(DomainError, match="four digits|四位数字"):
        income.income_year_record(contract=submitted, by=bureau, year="20x6", amount="1")
    with pytest.raises(DomainError, match="first|请先记录"):
        income.income_deduction_record(
            contract=submitted, by=bureau, year=year + 1, category="equipment", amount="1", basis="x设备"
        )


def test_deduction_needs_a_basis_and_a_known_category(submitted, bureau):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="100000")
    with pytest.raises(DomainError, match="basis|核减依据") as exc:
        income.income_deduction_record(
            contract=submitted, by=bureau, year=year, category="equipment", amount="1", basis="  "
        )
    assert exc.value.field == "basis"
    with pytest.raises(DomainError, match="kind of deduction|核减的类别"):
        income.income_deduction_record(
            contract=submitted, by=bureau, year=year, category="tax", amount="1", basis="税费"
        )


def test_types_without_technology_income_are_refused(make_contract, bureau):
    contract = make_contract(
        "submitted", contract_type="consulting", transfer_object="", licence_kind="", project_name="咨询合同"
    )
    with pytest.raises(DomainError, match="no technology income|没有可享受优惠"):
        income.income_year_record(contract=contract, by=bureau, year=_year(contract), amount="1000")
    assert not IncomeYear.objects.exists()


def test_only_the_office_records_and_only_under_review(make_contract, submitted, owner, bureau):
    with pytest.raises(NotPermitted):
        income.income_year_record(contract=submitted, by=owner, year=_year(submitted), amount="1000")
    draft = make_contract("draft", project_name="草稿合同")
    with pytest.raises(DomainError, match="while the registration office reviews|审查申请期间"):
        income.income_year_record(contract=draft, by=bureau, year=_year(draft), amount="1000")
    registered = services.contract_approve(contract=submitted, by=bureau)
    with pytest.raises(DomainError, match="while the registration office reviews|审查申请期间"):
        income.income_year_record(contract=registered, by=bureau, year=_year(registered), amount="1000")


def test_income_per_year_of_an_organisation(submitted, bureau, holder_org, other_org):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="200000")
    income.income_deduction_record(
        contract=submitted, by=bureau, year=year, category="equipment", amount="20000", basis="设备"
    )
    assert income.verified_income_by_year([holder_org.pk]) == []  # not registered yet
    services.contract_approve(contract=submitted, by=bureau)
    rows = income.verified_income_by_year([holder_org.pk])
    assert rows == [
        {
            "year": year,
            "contracts": 1,
            "amount": Decimal("200000.00"),
            "deducted": Decimal("20000.00"),
            "verified": Decimal("180000.00"),
        }
    ]
    assert income.verified_income_by_year([other_org.pk + 1000]) == []


# --- the page --------------------------------------------------------------------------------------------


def test_office_page_records_and_keeps_input_on_error(client, submitted, bureau):
    client.force_login(bureau)
    url = reverse("contracts:contract_income", args=[submitted.pk])
    assert client.get(url).status_code == 200
    year = _year(submitted)
    response = client.post(url, {"action": "year", "year-year": year, "year-amount": "100000"})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "deduction",
            "deduction-year": year,
            "deduction-category": "equipment",
            "deduction-amount": "100000.01",
            "deduction-basis": "设备采购合同附件二",
        },
    )
    assert response.status_code == 400
    form = response.context["deduction_form"]
    assert "amount" in form.errors and form["basis"].value() == "设备采购合同附件二"
    response = client.post(url, {"action": "year", "year-year": "99999999999", "year-amount": "1e999"})
    assert response.status_code == 400
    assert set(response.context["year_form"].errors) == {"year", "amount"}
    assert client.post(url, {"action": "year", "year-year": year, "year-amount": "1\x00"}).status_code == 400
    assert IncomeYear.objects.get().amount == Decimal("100000.00")
    response = client.post(
        url,
        {
            "action": "deduction",
            "deduction-year": year,
            "deduction-category": "equipment",
            "deduction-amount": "10000",
            "deduction-basis": "设备采购合同附件二",
        },
    )
    assert response.status_code == 302
    deduction = IncomeDeduction.objects.get()
    assert client.post(url, {"action": "remove", "deduction": deduction.pk}).status_code == 302
    assert not IncomeDeduction.objects.exists()


def test_page_is_for_the_office_only(client, submitted, owner, outsider):
    url = reverse("contracts:contract_income", args=[submitted.pk])
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_statistics_and_contract_list_show_verified_income(client, submitted, bureau, owner):
    year = _year(submitted)
    income.income_year_record(contract=submitted, by=bureau, year=year, amount="300000")
    income.income_deduction_record(
        contract=submitted, by=bureau, year=year, category="non_technical", amount="45000", basis="培训费"
    )
    services.contract_approve(contract=submitted, by=bureau)
    from keqiao.contracts import statistics

    submitted.refresh_from_db()
    registered_year = submitted.registered_on.year
    rows = {r["year"]: r for r in income.income_statistics(statistics.by_year(max(year, registered_year)))}
    assert rows[year]["verified_income"] == Decimal("255000.00")
    assert rows[registered_year]["contract_amount"] == Decimal("300000.00")
    client.force_login(bureau)
    response = client.get(reverse("contracts:statistics"), {"year": submitted.registered_on.year})
    assert response.status_code == 200
    assert 'id="verified_income"' in response.content.decode()
    client.force_login(owner)
    response = client.get(reverse("contracts:contracts"))
    html = response.content.decode()
    assert 'id="income-by-year"' in html and "25.5" in html
    assert response.context["income_by_year"][0]["verified"] == Decimal("255000.00")
