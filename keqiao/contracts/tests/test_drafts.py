"""Draft contracts from the model texts: every text parses and names only known placeholders; a draft is
filled with the deal's agreed terms; only the deal's parties get it, and only once terms are agreed."""

import io
import zipfile

import pytest
from django.urls import reverse

from keqiao.contracts import drafts
from keqiao.negotiations import services as deal_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", drafts.LANGUAGES)
@pytest.mark.parametrize("kind", drafts.DraftKind.values)
def test_every_model_text_parses_with_known_placeholders(kind, language):
    text = drafts.model_text(kind, language)
    assert text.title and all(text.roles)
    headings = [a.heading for a in text.articles]
    assert len(headings) >= 8 and len(set(headings)) == len(headings)  # the common articles included once
    assert all(a.paragraphs for a in text.articles)
    assert drafts.placeholders_in(text) <= drafts.PLACEHOLDERS
    assert {"subject", "price_figures", "price_capitals", "payment"} <= drafts.placeholders_in(text)


def test_both_languages_have_the_same_articles():
    for kind in drafts.DraftKind.values:
        zh, en = drafts.model_text(kind, "zh-hans"), drafts.model_text(kind, "en")
        assert len(zh.articles) == len(en.articles), kind


def test_versions_on_disk_include_the_current_one():
    assert drafts.CURRENT_VERSION in drafts.available_versions()


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        drafts.model_text("lease", "zh-hans")


def test_draft_is_filled_with_the_agreed_terms(make_deal):
    deal = make_deal("agreed")
    assert drafts.default_kind(deal) == drafts.DraftKind.LICENCE_KNOW_HOW  # ordinary licence, no patent
    draft = drafts.build_draft(deal, drafts.default_kind(deal), "zh-hans")
    text = "\n".join(p for a in draft.articles for p in a.paragraphs)
    assert draft.party_a.name == "彭山测试企业" and draft.party_a.role == "被许可方（甲方）"
    assert draft.party_b.name == "眉山测试大学" and draft.party_b.role == "许可方（乙方）"
    assert "200,000.00" in text and "人民币贰拾万元整" in text
    assert "普通许可" in text
    assert "一次性支付" in text
    assert "$" not in text
    labels = [label for label, _a in draft.numbered_articles()]
    assert labels[0] == "第一条" and labels[9] == "第十条"


def test_english_draft_is_english(make_deal):
    deal = make_deal("agreed")
    draft = drafts.build_draft(deal, "licence_know_how", "en")
    text = "\n".join(p for a in draft.articles for p in a.paragraphs)
    assert draft.title.startswith("Technology Licence Contract")
    assert "RMB 200,000.00" in text and "an ordinary licence" in text
    assert draft.numbered_articles()[0][0] == "Article 1"


def test_default_kind_follows_the_mode_and_the_ip(make_deal, make_achievement):
    deal = make_deal("agreed")
    offer = deal.agreed_offer
    for mode, kind in [
        ("commissioned_development", "dev_commissioned"),
        ("joint_development", "dev_cooperative"),
        ("consulting", "consulting"),
        ("service", "service"),
        ("transfer", "transfer_know_how"),
    ]:
        offer.mode = mode
        assert drafts.default_kind(deal) == kind
    deal.achievement.ip_items.create(
        kind="invention", number="ZL202310123456.7", title="一种泡菜杀菌方法", status="granted"
    )
    offer.mode = "transfer"
    assert drafts.default_kind(deal) == "transfer_patent"
    offer.mode = "licence_exclusive"
    assert drafts.default_kind(deal) == "licence_patent"


def test_docx_and_pdf_are_real_documents(make_deal):
    deal = make_deal("agreed")
    draft = drafts.build_draft(deal, "transfer_know_how", "zh-hans")
    content = drafts.docx_bytes(draft)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        document = archive.read("word/document.xml").decode()
    assert "技术转让（技术秘密）合同" in document and "眉山测试大学" in document
    assert "2026.1" in document  # the model text version is printed
    pdf = drafts.pdf_bytes(draft)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_user_text_cannot_inject_markup_into_the_pdf(make_deal):
    deal = make_deal("agreed")
    offer = deal.agreed_offer
    offer.note = "<font size=80>违约金</font> & <b>"
    offer.save()
    draft = drafts.build_draft(deal, "service", "zh-hans")
    assert drafts.pdf_bytes(draft).startswith(b"%PDF")


# --- who may draft ---------------------------------------------------------------------------------


def test_parties_only_and_only_after_agreement(client, make_deal, owner, outsider, bureau, stranger, broker):
    deal = make_deal("negotiating")
    page = reverse("contracts:contract_draft", args=[deal.pk])
    file = reverse("contracts:contract_draft_file", args=[deal.pk, "docx"])
    client.force_login(owner)
    response = client.get(page)
    assert response.status_code == 409
    assert "双方" in response.content.decode() or "agreed" in response.content.decode()
    assert client.get(file).status_code == 409
    offer = deal_services.offer_make(
        deal=deal, by=owner, price="350000.00", payment_method="instalments", mode="transfer"
    )
    deal_services.offer_accept(offer=offer, by=outsider)
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(page).status_code == 200
        response = client.get(file)
        assert response.status_code == 200
        assert response["Content-Type"] == drafts.DOCX
        assert response["Cache-Control"] == "private, no-store"
    for user in (bureau, stranger, broker):
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.get(file).status_code == 404
    client.logout()
    assert client.get(page).status_code == 302


def test_page_shows_the_filled_text_and_refuses_unknown_choices(client, make_deal, owner):
    deal = make_deal("agreed")
    client.force_login(owner)
    url = reverse("contracts:contract_draft", args=[deal.pk])
    body = client.get(url).content.decode()
    assert "技术许可（技术秘密使用许可）合同" in body and "人民币贰拾万元整" in body
    body = client.get(url, {"kind": "consulting", "language": "en"}).content.decode()
    assert "Technical Consulting Contract" in body
    response = client.get(url, {"kind": "lease", "language": "en"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()  # the field's error is shown, the default text below it
    assert client.get(reverse("contracts:contract_draft_file", args=[deal.pk, "exe"])).status_code == 404
    assert (
        client.get(reverse("contracts:contract_draft_file", args=[deal.pk, "pdf"]), {"kind": "x"}).status_code
        == 400
    )


def test_api_returns_the_draft_to_parties_only(client, make_deal, owner, stranger):
    deal = make_deal("agreed")
    url = f"/api/v1/contract-drafts/{deal.pk}"
    client.force_login(owner)
    data = client.get(url, {"language": "en"}).json()
    assert data["kind"] == "licence_know_how" and data["language"] == "en"
    assert data["party_b"]["name"] == "眉山测试大学"
    assert data["articles"][0]["label"] == "Article 1"
    assert client.get(data["docx_url"]).status_code == 200
    assert client.get(url, {"kind": "lease"}).status_code == 422
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 401
