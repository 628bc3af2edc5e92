"""Draft contracts from the model texts: the parties of an agreed deal choose a model text and a language,
read the filled text on the page, and download it as .docx or PDF to edit and sign off the platform."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from keqiao.common.downloads import PDF, attachment_response
from keqiao.common.errors import TransitionNotAllowed
from keqiao.negotiations.selectors import deal_visible_to

from . import drafts, forms


def _choice(request, deal) -> tuple[forms.DraftForm, str, str, int]:
    """The form and the (kind, language) it asks for: the deal's defaults when the query names neither,
    the defaults with a 400 when it names a value that does not exist."""
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    initial = {"kind": drafts.default_kind(deal), "language": language}
    if not ({"kind", "language"} & set(request.GET)):
        return forms.DraftForm(initial=initial), initial["kind"], language, 200
    form = forms.DraftForm({**initial, **request.GET.dict()})
    if not form.is_valid():
        return form, initial["kind"], language, 400
    return form, form.cleaned_data["kind"], form.cleaned_data["language"], 200


def _not_yet(request, deal_pk: int, exc: TransitionNotAllowed):
    """The parties of a deal without agreed terms: the page says when a draft becomes available."""
    deal = deal_visible_to(request.user, deal_pk)
    return render(
        request, "contracts/contract_draft.html", {"deal": deal, "error": exc.message}, status=exc.status_code
    )


@login_required
@require_GET
def contract_draft(request, deal_pk: int):
    try:
        deal = drafts.deal_for_draft(request.user, deal_pk)
    except TransitionNotAllowed as exc:
        return _not_yet(request, deal_pk, exc)
    form, kind, language, status = _choice(request, deal)
    draft = drafts.build_draft(deal, kind, language)
    context = {
        "deal": deal,
        "form": form,
        "draft": draft,
        "query": urlencode({"kind": kind, "language": language}),
    }
    return render(request, "contracts/contract_draft.html", context, status=status)


@login_required
@require_GET
def contract_draft_file(request, deal_pk: int, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404
    try:
        deal = drafts.deal_for_draft(request.user, deal_pk)
    except TransitionNotAllowed as exc:
        return _not_yet(request, deal_pk, exc)
    form, kind, language, status = _choice(request, deal)
    if status != 200:
        context = {"deal": deal, "form": form, "draft": drafts.build_draft(deal, kind, language)}
        return render(request, "contracts/contract_draft.html", context, status=status)
    draft = drafts.build_draft(deal, kind, language)
    if fmt == "docx":
        content, content_type = drafts.docx_bytes(draft), drafts.DOCX
    else:
        content, content_type = drafts.pdf_bytes(draft), PDF
    return attachment_response(
        content,
        f"{draft.filename_stem}.{fmt}",
        content_type,
        ascii_name=f"draft-contract-{draft.reference}.{fmt}",
    )
