"""End-to-end in headless Chromium: from an agreed deal the enterprise drafts the contract from the model
text (reads it, downloads the .docx, in Chinese and English, and on a phone), then files the contract; the registration
office verifies its technology income (a deduction greater than the amount is refused, nothing typed is
lost), registers it; the parties get the certificate PDF; anyone checks it on the public page its QR code
leads to.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/contracts/tests/test_e2e_certificate_browser.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.contracts import certificates
from keqiao.contracts.models import Certificate, Contract
from keqiao.testing.browser import (
    chromium_browser,
    horizontal_overflow,
    new_page,
    phone_page,
    screenshot,
    sign_in,
    skip_reason,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_agreed_deal_to_registered_contract_with_certificate_and_public_verification(
    browser, live_server, make_deal, outsider, bureau, settings
):
    settings.SITE_URL = live_server.url  # the QR code leads to this server
    deal = make_deal("agreed")
    base = live_server.url

    # The enterprise drafts the contract from the model text the agreed mode calls for.
    enterprise = sign_in(browser, base, "outsider", f"/deals/{deal.pk}/")
    enterprise.locator("#draft-contract").click()
    draft = enterprise.locator("#draft-text")
    expect(draft).to_contain_text("技术许可（技术秘密使用许可）合同")
    expect(draft).to_contain_text("人民币贰拾万元整")
    expect(draft).to_contain_text("第十一条")
    with enterprise.expect_download() as download:
        enterprise.locator("#draft-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as docx:
        assert docx.read(2) == b"PK"  # a Word document is a zip archive
    enterprise.locator("#id_language").select_option("en")
    enterprise.locator("#draft-show").click()
    expect(draft).to_contain_text("Technology Licence Contract (Technical Secret)")
    phone = phone_page(browser, base, "outsider")
    phone.goto(f"/deals/contracts/drafts/{deal.pk}/")
    expect(phone.locator("#draft-text")).to_be_visible()
    assert horizontal_overflow(phone) == 0
    screenshot(phone, "e2e-contract-draft-phone.png")

    # ... then files the contract from the agreed deal and submits it.
    enterprise.goto(f"/deals/{deal.pk}/")
    enterprise.locator("#register-contract").click()
    expect(enterprise.locator("#id_contract_amount")).to_have_value(re.compile(r"^200000(\.00)?$"))
    enterprise.locator("#id_transfer_object").select_option("patent")
    enterprise.locator("#id_ip_type").select_option("invention_patent")
    enterprise.locator("#id_socio_economic_objective").select_option("agriculture")
    enterprise.locator("#id_technology_amount").fill("190000.00")
    enterprise.locator("#save-contract").click()
    enterprise.locator("#submit-contract").click()
    expect(enterprise.locator("#contract-status")).to_have_text(
        re.compile("已提交登记|Submitted for registration")
    )
    contract = Contract.objects.get(deal=deal)

    # The registration office verifies the technology income of the year.
    officer = sign_in(browser, base, "bureau", f"/deals/contracts/{contract.pk}/")
    officer.locator("#verify-income").click()
    year = str(contract.signed_on.year)
    officer.locator("#id_year-year").fill(year)
    officer.locator("#id_year-amount").fill("200000.00")
    officer.locator("#income-year button").click()
    expect(officer.locator("#income-table")).to_contain_text(year)
    # a deduction greater than the amount is refused; what was typed stays
    officer.locator("#id_deduction-year").fill(year)
    officer.locator("#id_deduction-category").select_option("equipment")
    officer.locator("#id_deduction-amount").fill("250000.00")
    officer.locator("#id_deduction-basis").fill("合同附件三：检测设备清单")
    officer.locator("#income-deduction button").click()
    expect(officer.locator("#income-deduction")).to_contain_text(re.compile("大于|greater than"))
    expect(officer.locator("#id_deduction-basis")).to_have_value("合同附件三：检测设备清单")
    officer.locator("#id_deduction-amount").fill("25000.00")
    officer.locator("#income-deduction button").click()
    expect(officer.locator("#income-total")).to_contain_text(re.compile(r"17\.5|175,000"))

    # ... and registers the contract.
    officer.goto(f"/deals/contracts/{contract.pk}/")
    officer.locator("#approve-contract").click()
    officer.locator("#confirm-dialog-ok").click()
    expect(officer.locator("#registration-number")).to_have_text(re.compile(r"^\d{16}$"))
    expect(officer.locator("#registration-record")).to_be_visible()

    # The enterprise downloads the certificate PDF.
    enterprise.goto(f"/deals/contracts/{contract.pk}/")
    pdf_href = enterprise.locator("#certificate-pdf").get_attribute("href")
    response = enterprise.request.get(base + pdf_href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # Anyone follows the QR code's address: valid, the printed fields, hash and signature hold.
    contract.refresh_from_db()
    certificate = Certificate.objects.get(contract=contract)
    qr_url = certificates.verification_url(certificate)
    assert qr_url.startswith(base)
    visitor = new_page(browser, base)
    visitor.goto(qr_url)
    expect(visitor.locator("#certificate-state")).to_contain_text(re.compile("有效|Valid"))
    expect(visitor.locator("#printed-registration_number")).to_have_text(contract.registration_number)
    expect(visitor.locator("#printed-technology_income")).to_have_text("175,000.00")
    expect(visitor.locator("#hash-check")).to_have_text(re.compile("校验通过|holds"))
    expect(visitor.locator("#signature-check")).to_have_text(re.compile("校验通过|holds"))
    # no confidential field of the contract
    expect(visitor.locator("body")).not_to_contain_text("190,000.00")
    # the PDF itself is not public
    assert visitor.request.get(base + pdf_href, max_redirects=0).status == 302
    # a made-up code: a clear "not found"
    visitor.goto("/deals/contracts/verify/?code=" + "Z" * 24)
    expect(visitor.locator("#not-found")).to_be_visible()
    screenshot(officer, "e2e-contract-certificate.png")
