"""Pages of the registration certificate (the parties' PDF, the public verification) and of the
registration office's 技术性收入核定."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from keqiao.accounts.selectors import user_is_contract_office, user_organization_ids
from keqiao.common.downloads import PDF, attachment_response, file_response
from keqiao.common.errors import DomainError, add_to_form

from . import certificates, deadlines, documents, forms, income, register, selectors
from .register_models import Certificate, IncomeDeduction

NOT_FOUND = _(
    "No certificate has this verification code. Check the code printed under the QR code; "
    "a certificate that does not appear here was not issued by the registration office."
)


@require_GET
def certificate_lookup(request):
    """Public: type the verification code printed on a certificate."""
    code = request.GET.get("code", "").strip()
    if code:
        certificate = selectors.certificate_by_code(code)
        if certificate is not None:
            return redirect(certificate)
        return render(
            request,
            "contracts/certificate_lookup.html",
            {"code": code[:64], "not_found": NOT_FOUND},
            status=404,
        )
    return render(request, "contracts/certificate_lookup.html", {"code": ""})


@require_GET
def certificate_verify(request, code: str):
    """Public: whether the certificate is valid, superseded or revoked, what it prints, and whether its
    register entry's hash and signature hold. Nothing else of the contract."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(
            request, "contracts/certificate_lookup.html", {"code": "", "not_found": NOT_FOUND}, status=404
        )
    hash_ok, signature_ok = register.entry_holds(certificate.entry)
    return render(
        request,
        "contracts/certificate_verify.html",
        {
            "certificate": certificate,
            "fields": certificates.printed_fields(certificate),
            "hash_ok": hash_ok,
            "signature_ok": signature_ok,
            "entry": certificate.entry,
            "valid": certificate.status == Certificate.Status.VALID and hash_ok and signature_ok,
        },
    )


@login_required
@require_GET
def certificate_pdf(request, code: str):
    """The certificate PDF: for the contract's parties and the registration office."""
    certificate = selectors.certificate_visible_to(request.user, code)
    content = certificates.certificate_pdf(certificate)
    number = certificate.printed.get("registration_number", "")
    return attachment_response(
        content,
        f"技术合同登记证明-{number}.pdf",
        PDF,
        ascii_name=f"contract-certificate-{number}.pdf",
    )


# --- 技术性收入核定 ---------------------------------------------------------------------------------


@login_required
def contract_income(request, pk: int):
    """The registration office verifies the technology income of a contract under review, by year."""
    contract = selectors.contract_visible_to(request.user, pk)
    if not user_is_contract_office(request.user):
        raise Http404
    year_form = forms.IncomeYearForm(prefix="year")
    deduction_form = forms.IncomeDeductionForm(prefix="deduction")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "year":
                year_form = forms.IncomeYearForm(request.POST, prefix="year")
                if year_form.is_valid():
                    try:
                        income.income_year_record(
                            contract=contract, by=request.user, **year_form.cleaned_data
                        )
                    except DomainError as exc:
                        if exc.status_code == 403:
                            raise
                        add_to_form(year_form, exc)
            elif action == "deduction":
                deduction_form = forms.IncomeDeductionForm(request.POST, prefix="deduction")
                if deduction_form.is_valid():
                    try:
                        income.income_deduction_record(
                            contract=contract, by=request.user, **deduction_form.cleaned_data
                        )
                    except DomainError as exc:
                        if exc.status_code == 403:
                            raise
                        add_to_form(deduction_form, exc)
            elif action == "remove":
                deduction = IncomeDeduction.objects.filter(
                    pk=_int(request.POST.get("deduction")), income_year__contract=contract
                ).first()
                if deduction is None:
                    raise Http404
                income.income_deduction_remove(deduction=deduction, by=request.user)
            else:
                raise Http404
        except DomainError as exc:  # refused as a whole (not a field): said above the page
            messages.error(request, str(exc.message))
            return redirect("contracts:contract_income", pk=contract.pk)
        if not (year_form.errors or deduction_form.errors):
            messages.success(request, str(_("The technology income was updated.")))
            return redirect("contracts:contract_income", pk=contract.pk)
        status = 400
    years = income.income_years_of(contract)
    return render(
        request,
        "contracts/contract_income.html",
        {
            "c": contract,
            "years": years,
            "total_verified": sum((y.verified for y in years), 0) if years else None,
            "eligible": income.can_have_income(contract),
            "editable": contract.status == "submitted" and income.can_have_income(contract),
            "year_form": year_form,
            "deduction_form": deduction_form,
        },
        status=status,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def registration_context(contract) -> dict:
    """What the contract page shows of its certificates, register entries and verified income."""
    return {
        "certificates": list(selectors.certificates_of(contract)),
        "register_entries": list(selectors.register_entries_of(contract)),
        "income_years": income.income_years_of(contract),
        "review_due": deadlines.review_due_on(contract),
        "terminated": register.is_terminated(contract) if contract.status == "approved" else False,
        "today": timezone.localdate(),
    }


# --- the signed contract and its annexes -----------------------------------------------------------


@login_required
def contract_documents(request, pk: int):
    """The contract's documents: the parties upload, the parties and the office read."""
    contract = selectors.contract_visible_to(request.user, pk)
    orgs = user_organization_ids(request.user)
    is_party = bool(
        orgs & {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
    )
    form = forms.DocumentForm()
    status = 200
    if request.method == "POST":
        if not is_party:
            raise Http404
        form = forms.DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                documents.document_upload(
                    contract=contract,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    files=form.cleaned_data["files"],
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    messages.error(request, str(exc.message))
                    return redirect("contracts:contract_documents", pk=contract.pk)
                add_to_form(form, exc)
        if not form.errors:
            messages.success(request, str(_("The document was uploaded.")))
            return redirect("contracts:contract_documents", pk=contract.pk)
        status = 400
    docs = list(selectors.documents_of(contract))
    return render(
        request,
        "contracts/contract_documents.html",
        {
            "c": contract,
            "documents": docs,
            "missing": documents.missing_kinds(contract, docs),
            "can_upload": is_party and contract.status in documents.UPLOAD_STATUSES,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def contract_document_file(request, pk: int, document_pk: int):
    """The document's PDF, shown in the browser (and framed beside the form on the review page)."""
    document = selectors.document_visible_to(request.user, pk, document_pk)
    return file_response(document.file.open("rb"), document.original_name, PDF, inline=True)


@login_required
@require_GET
def contract_review(request, pk: int):
    """The registration office checks the form against the contract text: the fields beside the PDF."""
    contract = selectors.contract_visible_to(request.user, pk)
    if not user_is_contract_office(request.user):
        raise Http404
    docs = list(selectors.documents_of(contract))
    shown = next((d for d in docs if str(d.pk) == request.GET.get("document", "")), docs[0] if docs else None)
    return render(
        request,
        "contracts/contract_review.html",
        {
            "c": contract,
            "documents": docs,
            "shown": shown,
            "missing": documents.missing_kinds(contract, docs),
        },
    )


@login_required
@require_POST
def contract_terminate(request, pk: int):
    """The registration office records the termination of a registered contract, with its reason."""
    contract = selectors.contract_visible_to(request.user, pk)
    if not user_is_contract_office(request.user):
        raise Http404
    try:
        register.contract_terminate(contract=contract, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(contract)
    messages.success(request, str(_("The termination was recorded; the certificate is revoked.")))
    return redirect(contract)
