"""Pages of the import wizard: upload, column mapping, preview with row errors, import and report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.selectors import user_is_bureau
from keqiao.common.downloads import XLSX, attachment_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate

from . import forms, selectors, services
from .choices import BatchStatus, RecordKind
from .exports import report_workbook, template_workbook
from .layouts import columns_of

PREVIEW_ROWS = 20


def _organizations(user):
    return services.verified_organizations_of(user)


def _require_importer(user) -> None:
    if not services.may_import(user):
        raise Http404


@login_required
def home(request):
    """The import desk: upload a file, and the user's earlier imports."""
    _require_importer(request.user)
    bureau = user_is_bureau(request.user)
    posted = request.method == "POST"
    form = forms.UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        organizations=_organizations(request.user),
        bureau=bureau,
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_upload(
                by=request.user,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                source_name=form.cleaned_data["source_name"],
                organization=form.cleaned_data["organization"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The file is read. Check which field each column fills."))
            return redirect(batch)
    return render(
        request,
        "exchange/home.html",
        {
            "form": form,
            "page_obj": paginate(request, selectors.batches_of_user(request.user), 20),
            "kinds": RecordKind.choices,
            "bureau": bureau,
        },
        status=400 if form.errors else 200,
    )


def template(request, kind: str):
    """The documented template of a kind of records, with a filled example row (public)."""
    if kind not in RecordKind.values:
        raise Http404
    content = template_workbook(kind, bureau=user_is_bureau(request.user))
    label = dict(RecordKind.choices)[kind]
    return attachment_response(
        content, f"{_('Import template')}-{label}.xlsx", XLSX, ascii_name=f"template-{kind}.xlsx"
    )


@login_required
def batch(request, pk: int):
    """One import: the mapping while it is open, the preview with every row error, then the report."""
    b = selectors.batch_visible_to(request.user, pk)
    bureau = user_is_bureau(b.created_by)
    own = b.created_by_id == request.user.pk
    open_ = own and b.status in (BatchStatus.UPLOADED, BatchStatus.CHECKED)
    mapping_form = forms.MappingForm(batch=b, bureau=bureau) if open_ else None
    replace_form = forms.ReplaceForm() if open_ else None
    status = 200
    if request.method == "POST":
        if not own:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "map":
                mapping_form = forms.MappingForm(request.POST, batch=b, bureau=bureau)
                if mapping_form.is_valid():
                    b = services.batch_set_mapping(batch=b, by=request.user, mapping=mapping_form.mapping())
                    return redirect(f"{b.get_absolute_url()}#preview")
            elif action == "replace":
                replace_form = forms.ReplaceForm(request.POST, request.FILES)
                if replace_form.is_valid():
                    b = services.batch_replace_file(
                        batch=b, by=request.user, uploaded=replace_form.cleaned_data["file"]
                    )
                    messages.success(request, _("The corrected file is read and checked."))
                    return redirect(f"{b.get_absolute_url()}#preview")
            elif action == "commit":
                b = services.batch_commit(batch=b, by=request.user)
                if b.status == BatchStatus.DONE:
                    messages.success(request, _("The import is done. Its report is below."))
                elif b.status == BatchStatus.FAILED:
                    messages.error(request, _("The import failed; nothing was imported."))
                return redirect(b)
            elif action == "cancel":
                services.batch_cancel(batch=b, by=request.user)
                messages.success(request, _("The import is cancelled; nothing was imported."))
                return redirect("exchange:home")
            else:
                raise DomainError(_("Unknown action."))
        except ValidationError as exc:
            target = replace_form if action == "replace" else mapping_form
            if target is not None:
                target.add_error("file" if action == "replace" else None, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        except DomainError as exc:
            target = replace_form if action == "replace" else mapping_form
            if target is not None and action in ("map", "replace"):
                add_to_form(target, exc)
            else:
                messages.error(request, str(exc.message))
        status = 400
        b.refresh_from_db()
    columns = {c.name: c for c in columns_of(b.kind, bureau=True)}
    mapped = [
        (int(p), columns[f]) for p, f in sorted(b.mapping.items(), key=lambda i: int(i[0])) if f in columns
    ]
    errors_by_row: dict[int, list] = {}
    for e in b.errors:
        errors_by_row.setdefault(e["row"], []).append(e)
    preview = []
    if b.status == BatchStatus.CHECKED:
        # rows with errors first, then the first rows of the file
        wanted = sorted(errors_by_row)[:PREVIEW_ROWS]
        wanted += [n for n in range(2, len(b.rows) + 2) if n not in errors_by_row][
            : max(0, PREVIEW_ROWS - len(wanted))
        ]
        for n in sorted(wanted):
            row = b.rows[n - 2]
            cells = [
                (
                    row[p] if p < len(row) else "",
                    any(e["column"] == b.headers[p] for e in errors_by_row.get(n, [])),
                )
                for p, _c in mapped
            ]
            preview.append({"number": n, "cells": cells, "errors": errors_by_row.get(n, [])})
    return render(
        request,
        "exchange/batch.html",
        {
            "batch": b,
            "own": own,
            "open": open_,
            "mapping_form": mapping_form,
            "replace_form": replace_form,
            "mapped": mapped,
            "preview": preview,
            "error_count": b.report.get("errors", 0),
            "outcomes": b.report.get("outcomes", [])[:200],
            "Status": BatchStatus,
        },
        status=status,
    )


@login_required
def report(request, pk: int):
    """The report of an import (or the errors of its preview) as .xlsx."""
    b = selectors.batch_visible_to(request.user, pk)
    return attachment_response(
        report_workbook(b), f"{_('Import report')}-{b.pk}.xlsx", XLSX, ascii_name=f"import-report-{b.pk}.xlsx"
    )
