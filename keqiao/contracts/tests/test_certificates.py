"""Registration certificates: the parties' PDF and the public verification page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqiao.common.language_check import chinese_outside_user_data
from keqiao.contracts import certificates, income
from keqiao.contracts.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(make_contract, bureau):
    contract = make_contract("submitted", seller_contact="王老师 13800000000")
    income.income_year_record(contract=contract, by=bureau, year=contract.signed_on.year, amount="200000.00")
    income.income_deduction_record(
        contract=contract,
        by=bureau,
        year=contract.signed_on.year,
        category="equipment",
        amount="30000.00",
        basis="合同第五条：检测设备一台",
    )
    from keqiao.contracts import services

    return services.contract_approve(contract=contract, by=bureau)


def _cert(contract) -> Certificate:
    return Certificate.objects.get(contract=contract)


def test_certificate_prints_the_registered_fields_and_verified_income(registered):
    cert = _cert(registered)
    assert cert.printed["registration_number"] == registered.registration_number
    assert cert.printed["contract_amount"] == "200000.00"
    assert cert.printed["technology_income"] == "170000.00"
    assert cert.printed["seller_name"] == "眉山测试大学" and cert.printed["buyer_name"] == "彭山测试企业"
    assert cert.entry.content["technology_income"] == "170000.00"
    url = certificates.verification_url(cert)
    assert url.endswith(f"/deals/contracts/verify/{cert.code}/")


def test_pdf_for_parties_and_office_only(client, registered, owner, bureau, stranger):
    cert = _cert(registered)
    url = reverse("contracts:certificate_pdf", args=[cert.code])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    for user in (owner, bureau):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


def test_pdf_holds_the_qr_url(registered, settings):
    from reportlab import rl_config

    cert = _cert(registered)
    old = rl_config.pageCompression
    rl_config.pageCompression = 0
    try:
        content = certificates.certificate_pdf(cert)
    finally:
        rl_config.pageCompression = old
    assert content.startswith(b"%PDF")
    assert cert.code.encode() in content  # printed under the QR code


def test_public_verification_shows_only_what_is_printed(client, registered):
    cert = _cert(registered)
    response = client.get(reverse("contracts:certificate_verify", args=[cert.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert registered.registration_number in html
    assert response.context["valid"] and response.context["hash_ok"] and response.context["signature_ok"]
    for secret in ("13800000000", "180,000.00", "180000", "合同第五条"):
        assert secret not in html
    assert "170,000.00" in html


def test_public_verification_in_english_has_no_untranslated_text(client, registered):
    cert = _cert(registered)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("contracts:certificate_verify", args=[cert.code]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert chinese_outside_user_data(response.content.decode()) == []


def test_unknown_and_malformed_codes_are_not_found_alike(client, registered):
    cert = _cert(registered)
    bodies = []
    for code in ("A" * 24, cert.code[:-1] + ("x" if cert.code[-1] != "x" else "y"), "short"):
        response = client.get(reverse("contracts:certificate_verify", args=[code]))
        assert response.status_code == 404
        bodies.append(response.context["not_found"])
    assert len(set(map(str, bodies))) == 1
    response = client.get(reverse("contracts:certificate_lookup"), {"code": registered.registration_number})
    assert response.status_code == 404  # the registration number alone finds nothing
    response = client.get(reverse("contracts:certificate_lookup"), {"code": cert.code})
    assert response.status_code == 302 and response["Location"].endswith(f"/verify/{cert.code}/")
    assert client.get(reverse("contracts:certificate_lookup")).status_code == 200


def test_a_tampered_entry_is_shown_as_not_holding(client, registered):
    cert = _cert(registered)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE contracts_registerentry SET content = %s WHERE id = %s",
            [json.dumps({**cert.entry.content, "contract_amount": "1.00"}), cert.entry_id],
        )
    response = client.get(reverse("contracts:certificate_verify", args=[cert.code]))
    assert response.status_code == 200
    assert not response.context["hash_ok"] and not response.context["valid"]


def test_verification_page_query_count(client, registered):
    cert = _cert(registered)
    url = reverse("contracts:certificate_verify", args=[cert.code])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 2, [q["sql"] for q in queries]


def test_contract_page_shows_the_certificate_and_register_entries(client, registered, owner):
    client.force_login(owner)
    response = client.get(registered.get_absolute_url())
    html = response.content.decode()
    cert = _cert(registered)
    assert reverse("contracts:certificate_pdf", args=[cert.code]) in html
    assert 'id="registration-record"' in html and 'id="verified-income"' in html


def test_a_correction_is_an_amendment_and_reissues_the_certificate(client, registered, bureau):
    from keqiao.contracts import services
    from keqiao.contracts.models import RegisterEntry

    old = _cert(registered)
    services.contract_correct(
        contract=registered, by=bureau, data={"contract_amount": "220000.00"}, reason="补充协议增加合同金额"
    )
    kinds = list(RegisterEntry.objects.filter(contract=registered).values_list("kind", flat=True))
    assert kinds == ["registration", "amendment"]
    old.refresh_from_db()
    new = Certificate.objects.get(contract=registered, status="valid")
    assert old.status == "superseded" and old.superseded_by == new
    assert new.printed["contract_amount"] == "220000.00" and old.printed["contract_amount"] == "200000.00"
    response = client.get(reverse("contracts:certificate_verify", args=[old.code]))
    assert response.status_code == 200 and not response.context["valid"]
    assert 'id="certificate-state"' in response.content.decode()
    assert old.get_status_display() in response.content.decode()


def test_termination_revokes_the_certificate_and_refuses_amendments(client, registered, bureau, owner):
    from keqiao.common.errors import DomainError, NotPermitted
    from keqiao.contracts import register, services
    from keqiao.contracts.models import RegisterEntry

    with pytest.raises(NotPermitted):
        register.contract_terminate(contract=registered, by=owner, reason="双方协议解除")
    with pytest.raises(DomainError) as exc:
        register.contract_terminate(contract=registered, by=bureau, reason="  ")
    assert exc.value.field == "reason"
    client.force_login(bureau)
    url = reverse("contracts:contract_terminate", args=[registered.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "双方协议解除合同"}).status_code == 302
    entry = RegisterEntry.objects.get(contract=registered, kind="termination")
    assert entry.content["termination_reason"] == "双方协议解除合同"
    cert = _cert(registered)
    assert cert.status == "revoked"
    with pytest.raises(DomainError):
        services.contract_correct(
            contract=registered, by=bureau, data={"contract_amount": "210000.00"}, reason="补充协议"
        )
    registered.refresh_from_db()
    assert (
        registered.contract_amount == 200000
        and RegisterEntry.objects.filter(contract=registered).count() == 2
    )
    with pytest.raises(DomainError):
        register.contract_terminate(contract=registered, by=bureau, reason="再次解除")
    client.logout()
    response = client.get(reverse("contracts:certificate_verify", args=[cert.code]))
    assert response.status_code == 200 and not response.context["valid"]
    assert cert.get_status_display() in response.content.decode()
