"""The signed contract and its annexes, uploaded by the parties for the registration office to check the
form against (the guide of the registration office asks for the contract text).

Each document is one PDF: a PDF as uploaded, or pictures (a phone's photos of the pages) assembled into
one PDF in the order given. Every file is checked by content as the platform's other uploads are
(`keqiao.common.uploads.check_upload`), and the SHA-256 of the stored bytes is kept. Documents are
uploaded while the filing is a draft, returned or under review, and are frozen once registered.
"""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import require_active_organization, user_organization_ids
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.uploads import check_upload
from keqiao.notifications.text import gettext_lazy as _

from . import choices
from .models import Contract, ContractEvent
from .register_models import ContractDocument
from .services import _lock_contract

MAX_PICTURES = 30
UPLOAD_STATUSES = {
    choices.ContractStatus.DRAFT,
    choices.ContractStatus.RETURNED,
    choices.ContractStatus.SUBMITTED,
}
Kind = ContractDocument.Kind


def required_kinds(contract: Contract) -> list[str]:
    """What the contract's type needs besides the signed contract: the patent certificate (or the licence
    record for a licence) of a patent transfer or licence, the technical specification of development."""
    kinds = [Kind.SIGNED_CONTRACT]
    ctype = contract.contract_type
    if ctype == choices.ContractType.TRANSFER and contract.transfer_object in (
        "patent",
        "patent_application",
    ):
        kinds.append(Kind.PATENT_CERTIFICATE)
    elif ctype == choices.ContractType.LICENCE and contract.transfer_object in (
        "patent",
        "patent_application",
    ):
        kinds.append(Kind.LICENCE_RECORD)
    elif ctype in (
        choices.ContractType.DEVELOPMENT_COMMISSIONED,
        choices.ContractType.DEVELOPMENT_COOPERATIVE,
    ):
        kinds.append(Kind.TECHNICAL_SPECIFICATION)
    return kinds


def missing_kinds(contract: Contract, documents) -> list[tuple[str, str]]:
    """(kind, label) of the required documents not uploaded yet."""
    present = {d.kind for d in documents}
    return [(k, str(Kind(k).label)) for k in required_kinds(contract) if k not in present]


def _assemble(pictures) -> bytes:
    """Pictures → one PDF, a page each, in the order given."""
    from PIL import Image  # Pillow is loaded only when pictures are assembled into a PDF

    pages = []
    for f in pictures:
        f.seek(0)
        with Image.open(f) as img:
            pages.append(img.convert("RGB"))
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


@transaction.atomic
def document_upload(*, contract: Contract, by: User, kind: str, files) -> ContractDocument:
    """Store a PDF, or pictures assembled into one PDF, as a document of `contract` (its parties only)."""
    contract = _lock_contract(contract)
    acting = user_organization_ids(by) & {
        contract.organization_id,
        contract.seller_organization_id,
        contract.buyer_organization_id,
    }
    if not acting:
        raise NotPermitted(_("Only the parties of this contract can upload its documents."))
    for organization in Organization.objects.filter(pk__in=acting).order_by("pk"):
        require_active_organization(organization, allow_pending=False)
    if contract.status not in UPLOAD_STATUSES:
        raise DomainError(_("The documents of a registered contract are kept as they were registered."))
    if kind not in Kind.values:
        raise DomainError(_("Choose which document this is."), field="kind")
    files = [f for f in (files or []) if f]
    if not files:
        raise DomainError(_("Choose the file to upload."), field="files")
    if len(files) > MAX_PICTURES:
        raise DomainError(
            _("At most %(max)d pictures make one document.") % {"max": MAX_PICTURES}, field="files"
        )
    kinds = []
    for f in files:
        try:
            kinds.append(check_upload(f))
        except ValidationError as exc:
            raise DomainError(f"{f.name}: {' '.join(exc.messages)}", field="files") from exc
    if "application/pdf" in kinds:
        if len(files) > 1:
            raise DomainError(
                _("Upload one PDF, or pictures of the pages (they are assembled into one PDF), not both."),
                field="files",
            )
        files[0].seek(0)
        content, pages = files[0].read(), 0
    else:
        try:
            content, pages = _assemble(files), len(files)
        except (OSError, ValueError) as exc:
            raise DomainError(_("The pictures could not be assembled into a PDF."), field="files") from exc
    name = files[0].name if not pages else f"{Kind(kind).label}.pdf"
    document = ContractDocument(
        contract=contract,
        kind=kind,
        original_name=str(name)[:200],
        size=len(content),
        pages=pages,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save()
    ContractEvent.record(
        contract, by=by, action="document", from_status=contract.status, note=document.original_name
    )
    return document


def document_bytes_hold(document: ContractDocument) -> bool:
    """Whether the stored file still has the SHA-256 recorded at upload."""
    digest = hashlib.sha256()
    with document.file.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest() == document.sha256
