"""The certificate and verified-income API: public verification by code, the parties' list, the office's
income records."""

from decimal import Decimal

import pytest

from keqiao.contracts import services
from keqiao.contracts.models import Certificate, IncomeDeduction

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_contract):
    return make_contract("submitted", seller_contact="王老师 13800000000")


def test_office_records_income_and_the_certificate_verifies_publicly(
    client, submitted, bureau, owner, outsider
):
    year = submitted.signed_on.year
    base = f"/api/v1/contracts/{submitted.pk}/income"
    client.force_login(owner)  # a party reads, but does not verify
    assert (
        client.post(
            f"{base}/years", {"year": year, "amount": "1"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(bureau)
    response = client.post(
        f"{base}/years", {"year": year, "amount": "200000.00"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["verified"] == "200000.00"
    body = {"year": year, "category": "equipment", "amount": "200000.01", "basis": "设备"}
    response = client.post(f"{base}/deductions", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "amount"
    response = client.post(
        f"{base}/deductions", {**body, "amount": "1", "basis": "a\x00b"}, content_type="application/json"
    )
    assert response.status_code == 400 and not IncomeDeduction.objects.exists()
    response = client.post(f"{base}/deductions", {**body, "amount": "40000"}, content_type="application/json")
    assert response.status_code == 201
    assert IncomeDeduction.objects.get().basis == "设备"
    client.force_login(owner)
    years = client.get(f"{base}/years").json()
    assert years[0]["verified"] == "160000.00" and years[0]["deductions"][0]["category"] == "equipment"
    client.force_login(outsider)
    assert client.get(f"{base}/years").status_code == 404

    services.contract_approve(contract=submitted, by=bureau)
    certificate = Certificate.objects.get(contract=submitted)
    client.force_login(owner)
    listed = client.get(f"/api/v1/contracts/{submitted.pk}/register/certificates").json()
    assert listed[0]["code"] == certificate.code and listed[0]["printed"]["technology_income"] == "160000.00"
    client.force_login(outsider)
    assert client.get(f"/api/v1/contracts/{submitted.pk}/register/certificates").status_code == 404

    client.logout()
    response = client.get(f"/api/v1/contract-certificates/{certificate.code}")
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] and data["entry"]["hash_holds"] and data["entry"]["signature_holds"]
    assert (
        data["printed"]["registration_number"] == submitted.registration_number
        or data["printed"]["registration_number"].isdigit()
    )
    assert "13800000000" not in response.content.decode()
    assert Decimal(data["printed"]["contract_amount"]) == Decimal("200000.00")
    assert client.get("/api/v1/contract-certificates/" + "Q" * 24).status_code == 404
    assert client.get("/api/v1/contract-certificates/x").status_code == 404
