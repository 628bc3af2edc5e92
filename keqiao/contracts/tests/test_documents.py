"""The signed contract and its annexes: uploads checked by content, kept with SHA-256, private."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.contracts import documents, services
from keqiao.contracts.models import ContractDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf(name="合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _png(name: str, color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_pdf_is_kept_with_its_hash(make_contract, owner):
    contract = make_contract("draft")
    doc = documents.document_upload(contract=contract, by=owner, kind="signed", files=[_pdf()])
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.size == len(PDF) and doc.pages == 0
    assert doc.original_name == "合同.pdf"
    assert documents.document_bytes_hold(doc)
    assert contract.events.filter(action="document").exists()


def test_pictures_are_assembled_into_one_pdf(make_contract, owner):
    contract = make_contract("draft")
    doc = documents.document_upload(
        contract=contract, by=owner, kind="signed", files=[_png("p1.png"), _png("p2.png", (0, 90, 0))]
    )
    data = doc.file.open("rb").read()
    assert data.startswith(b"%PDF") and doc.pages == 2
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_uploads_that_are_not_what_they_claim_are_refused(make_contract, owner):
    contract = make_contract("draft")
    disguised = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        documents.document_upload(contract=contract, by=owner, kind="signed", files=[disguised])
    assert exc.value.field == "files"
    renamed = SimpleUploadedFile("合同.png", PDF, content_type="image/png")
    with pytest.raises(DomainError) as exc:
        documents.document_upload(contract=contract, by=owner, kind="signed", files=[renamed])
    assert exc.value.field == "files" and "png" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        documents.document_upload(contract=contract, by=owner, kind="signed", files=[_pdf(), _png("p.png")])
    assert exc.value.field == "files"
    with pytest.raises(DomainError) as exc:
        documents.document_upload(contract=contract, by=owner, kind="invoice", files=[_pdf()])
    assert exc.value.field == "kind"
    assert not ContractDocument.objects.exists()


def test_only_parties_upload_and_only_before_registration(make_contract, owner, outsider, bureau):
    contract = make_contract("submitted")
    with pytest.raises(NotPermitted):
        documents.document_upload(contract=contract, by=outsider, kind="signed", files=[_pdf()])
    with pytest.raises(NotPermitted):
        documents.document_upload(contract=contract, by=bureau, kind="signed", files=[_pdf()])
    documents.document_upload(contract=contract, by=owner, kind="signed", files=[_pdf()])
    services.contract_approve(contract=contract, by=bureau)
    with pytest.raises(DomainError) as exc:
        documents.document_upload(contract=contract, by=owner, kind="other", files=[_pdf()])
    assert not isinstance(exc.value, NotPermitted) and ContractDocument.objects.count() == 1


def test_required_annexes_by_type(make_contract):
    licence = make_contract("draft")  # a patent licence
    assert documents.required_kinds(licence) == ["signed", "licence_record"]
    dev = make_contract("draft", contract_type="dev_commissioned", transfer_object="", licence_kind="")
    assert [k for k, _label in documents.missing_kinds(dev, [])] == ["signed", "specification"]


def test_pages_parties_office_and_strangers(client, make_contract, owner, bureau, stranger):
    contract = make_contract("submitted")
    url = reverse("contracts:contract_documents", args=[contract.pk])
    client.force_login(owner)
    response = client.post(url, {"kind": "signed", "files": [_pdf()]})
    assert response.status_code == 302
    response = client.post(url, {"kind": "signed", "files": [SimpleUploadedFile("x.pdf", b"plain text")]})
    assert response.status_code == 400 and "files" in response.context["form"].errors
    assert response.context["form"]["kind"].value() == "signed"
    doc = ContractDocument.objects.get()
    file_url = reverse("contracts:contract_document", args=[contract.pk, doc.pk])
    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    client.force_login(bureau)
    assert client.get(file_url).status_code == 200
    review = client.get(reverse("contracts:contract_review", args=[contract.pk]))
    assert review.status_code == 200 and file_url in review.content.decode()
    assert client.post(url, {"kind": "signed", "files": [_pdf()]}).status_code == 404
    client.force_login(stranger)
    for u in (url, file_url, reverse("contracts:contract_review", args=[contract.pk])):
        assert client.get(u).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 302


def test_document_list_query_count(client, make_contract, owner, django_assert_max_num_queries):
    contract = make_contract("draft")
    for i in range(5):
        documents.document_upload(contract=contract, by=owner, kind="other", files=[_pdf(f"附件{i}.pdf")])
    client.force_login(owner)
    url = reverse("contracts:contract_documents", args=[contract.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
