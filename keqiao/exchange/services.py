"""The only write path of bulk import: upload, mapping, check (the preview), and the all-or-nothing import
with its report and the provenance of every record.

Who may import: the bureau, for any organisation (a row names its organisation), and members of a
verified organisation, for their own organisation only. Organisations' achievements come in as drafts that
go through the usual review; the bureau's come in published, as records already registered elsewhere.
"""

import re
import unicodedata

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements import services as achievement_services
from keqiao.achievements.models import Achievement
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.validators import clean_text
from keqiao.patents import services as patent_services
from keqiao.patents.models import Patent

from .choices import BatchStatus, Outcome, RecordKind
from .layouts import columns_of, parse_cell, suggest_mapping
from .models import ImportBatch, Provenance, SourceMapping
from .reading import FORMULA, read_table

MODELS = {RecordKind.ACHIEVEMENTS: Achievement, RecordKind.PATENTS: Patent}
MAX_ERRORS_KEPT = 2000  # a preview lists at most this many errors (the count is always exact)


def _field_label(kind: str, name: str, bureau: bool) -> str:
    for column in columns_of(kind, bureau=True):
        if column.name == name:
            return str(column.label)
    return name


def normalise_title(title: str) -> str:
    """A title reduced to what identifies it: NFKC (full-width → half-width), lower-case, no spaces or
    punctuation. "高镍 三元正极材料（中试）" and "高镍三元正极材料(中试)" are the same title."""
    text = unicodedata.normalize("NFKC", title or "").lower()
    return re.sub(r"[\W_]+", "", text)


def verified_organizations_of(by: User) -> list[Organization]:
    """The verified organisations whose records the user may import (holders, not government bodies)."""
    return list(
        Organization.objects.filter(
            pk__in=user_organization_ids(by),
            status=Organization.Status.VERIFIED,
            kind__in=Organization.HOLDER_KINDS,  # those that hold achievements and patents
        ).order_by("pk")
    )


def may_import(user) -> bool:
    return user.is_authenticated and (user_is_bureau(user) or bool(verified_organizations_of(user)))


def _require_may_import(by: User, organization: Organization | None) -> Organization | None:
    if user_is_bureau(by):
        return organization
    own = verified_organizations_of(by)
    if not own:
        raise NotPermitted(_("Only the bureau and members of verified organisations can import records."))
    if organization is None:
        return own[0]
    if organization.pk not in {o.pk for o in own}:
        raise NotPermitted(_("You can only import the records of your own organisation."))
    return organization


def source_key(batch: ImportBatch) -> str:
    owner = (
        f"org{batch.organization_id}"
        if batch.organization_id and not user_is_bureau(batch.created_by)
        else "bureau"
    )
    return f"{owner}:{batch.source_name}"[:140]


# --- upload and mapping ---------------------------------------------------------------------------------


@transaction.atomic
def batch_upload(
    *, by: User, uploaded, kind: str, source_name: str, organization: Organization | None = None
) -> ImportBatch:
    """Read the uploaded file and keep its rows; the mapping is suggested (the one remembered for this
    source first). Raises ValidationError for a file that cannot be read, NotPermitted for the wrong user."""
    if kind not in RecordKind.values:
        raise DomainError(_("Choose what the file holds."), field="kind")
    organization = _require_may_import(by, organization)
    source_name = clean_text(source_name, max_length=100, required=True, multiline=False)
    table = read_table(uploaded)
    remembered = SourceMapping.objects.filter(user=by, kind=kind, source_name=source_name).first()
    bureau = user_is_bureau(by)
    batch = ImportBatch.objects.create(
        kind=kind,
        source_name=source_name,
        organization=organization,
        original_name=(getattr(uploaded, "name", "") or "upload")[:200],
        file_format=table.format,
        encoding=table.encoding,
        headers=table.headers,
        rows=table.rows,
        mapping=suggest_mapping(
            kind, table.headers, bureau=bureau, remembered=remembered and remembered.mapping
        ),
        created_by=by,
    )
    return batch


@transaction.atomic
def batch_replace_file(*, batch: ImportBatch, by: User, uploaded) -> ImportBatch:
    """A corrected file for the same batch: the rows are replaced, the mapping is kept for the columns
    whose names did not change, and the batch is checked again."""
    batch = _lock_open(batch, by)
    table = read_table(uploaded)
    by_name = {batch.headers[int(p)]: f for p, f in batch.mapping.items() if int(p) < len(batch.headers)}
    batch.headers, batch.rows = table.headers, table.rows
    batch.file_format, batch.encoding = table.format, table.encoding
    batch.original_name = (getattr(uploaded, "name", "") or batch.original_name)[:200]
    batch.mapping = suggest_mapping(batch.kind, table.headers, bureau=user_is_bureau(by), remembered=by_name)
    batch.save()
    return batch_check(batch=batch, by=by)


def _lock_open(batch: ImportBatch, by: User) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != by.pk:
        raise NotPermitted(_("Only the person who uploaded the file can continue its import."))
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKED):
        raise TransitionNotAllowed(_("This import has already been run or cancelled."))
    return batch


@transaction.atomic
def batch_set_mapping(*, batch: ImportBatch, by: User, mapping: dict[str, str]) -> ImportBatch:
    """Confirm the column mapping (column position → field; "" leaves a column out), remember it for the
    source, and check every row (the preview)."""
    batch = _lock_open(batch, by)
    bureau = user_is_bureau(by)
    allowed = {c.name for c in columns_of(batch.kind, bureau=bureau)}
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for position, name in mapping.items():
        if not name:
            continue
        if not str(position).isdigit() or int(position) >= len(batch.headers) or name not in allowed:
            raise DomainError(
                _("The mapping names a column or a field that does not exist."), field="mapping"
            )
        if name in seen:
            raise DomainError(
                _("Two columns (%(a)s and %(b)s) are mapped to the same field “%(field)s”.")
                % {
                    "a": seen[name],
                    "b": batch.headers[int(position)],
                    "field": _field_label(batch.kind, name, bureau),
                },
                field="mapping",
            )
        seen[name] = batch.headers[int(position)]
        cleaned[str(position)] = name
    missing = [
        str(c.label)
        for c in columns_of(batch.kind, bureau=bureau)
        if c.required and c.name not in cleaned.values()
    ]
    if bureau and "organization" not in cleaned.values() and batch.organization_id is None:
        missing.append(_field_label(batch.kind, "organization", bureau))
    if missing:
        raise DomainError(
            _("Map a column to each required field: %(fields)s.") % {"fields": "、".join(missing)},
            field="mapping",
        )
    batch.mapping = cleaned
    batch.save(update_fields=["mapping"])
    SourceMapping.objects.update_or_create(
        user=by,
        kind=batch.kind,
        source_name=batch.source_name,
        defaults={"mapping": {batch.headers[int(p)]: f for p, f in cleaned.items()}},
    )
    return batch_check(batch=batch, by=by)


# --- checking (the preview) -----------------------------------------------------------------------------


def _organisation_lookup(batch: ImportBatch, values: set[str]) -> dict[str, Organization]:
    """Organisations named in the rows, by name or unified social credit code."""
    names = {v for v in values if v}
    found = Organization.objects.filter(name__in=names) | Organization.objects.filter(credit_code__in=names)
    lookup: dict[str, Organization] = {}
    for org in found:
        lookup[org.name] = org
        lookup[org.credit_code] = org
    return lookup


def convert_rows(batch: ImportBatch) -> tuple[list[dict], list[dict]]:
    """Every row as field values for the services, and the errors found: [{row, column, field, message}].
    `row` is the row number in the file (the column names are row 1). Rows with errors are left out of
    the first list."""
    bureau = user_is_bureau(batch.created_by)
    columns = {c.name: c for c in columns_of(batch.kind, bureau=bureau)}
    mapping = {int(p): f for p, f in batch.mapping.items()}
    org_position = next((p for p, f in mapping.items() if f == "organization"), None)
    organisations = (
        _organisation_lookup(
            batch, {row[org_position].strip() for row in batch.rows if org_position < len(row)}
        )
        if org_position is not None
        else {}
    )
    records: list[dict] = []
    errors: list[dict] = []

    def error(row_number: int, position: int | None, name: str, message) -> None:
        errors.append(
            {
                "row": row_number,
                "column": batch.headers[position] if position is not None else "",
                "field": _field_label(batch.kind, name, bureau) if name else "",
                "message": str(message),
            }
        )

    seen_ids: dict[str, int] = {}
    for index, row in enumerate(batch.rows):
        row_number = index + 2
        values: dict = {}
        row_errors = len(errors)
        for position, name in mapping.items():
            text = row[position].strip() if position < len(row) else ""
            if text.startswith(FORMULA):
                error(row_number, position, name, _("The cell holds a formula; type its value instead."))
                continue
            column = columns[name]
            try:
                values[name] = parse_cell(batch.kind, column, text)
            except ValidationError as exc:
                error(row_number, position, name, " ".join(exc.messages))
                continue
            if column.required and not text:
                error(row_number, position, name, _("This field is required."))
        org_text = values.pop("organization", None)
        organization = batch.organization
        if org_position is not None and (org_text or batch.organization is None):
            organization = organisations.get(org_text or "")
            if organization is None:
                error(
                    row_number,
                    org_position,
                    "organization",
                    _("No organisation on the platform has this name or credit code."),
                )
        external_id = (values.pop("external_id", None) or "")[:100]
        if external_id:
            if external_id in seen_ids:
                error(
                    row_number,
                    None,
                    "external_id",
                    _("The same external id is on row %(row)d already.") % {"row": seen_ids[external_id]},
                )
            seen_ids.setdefault(external_id, row_number)
        if len(errors) > row_errors:
            continue
        values = {k: v for k, v in values.items() if v is not None}
        try:
            if batch.kind == RecordKind.ACHIEVEMENTS:
                values.setdefault("price_negotiable", values.get("price") is None)
                cleaned = achievement_services.validate_achievement_data(values)
            else:
                cleaned = patent_services.validate_patent_data(values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                position = next((p for p, f in mapping.items() if f == name), None)
                error(row_number, position, name, " ".join(str(m) for m in messages))
            continue
        records.append(
            {"row": row_number, "external_id": external_id, "organization": organization, "data": cleaned}
        )
    return records, errors


@transaction.atomic
def batch_check(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Check every row against the same rules as the forms; keep the errors for the preview."""
    batch = _lock_open(batch, by)
    _records, errors = convert_rows(batch)
    batch.errors = errors[:MAX_ERRORS_KEPT]
    batch.report = {"errors": len(errors), "rows": len(batch.rows)}
    batch.status = BatchStatus.CHECKED
    batch.checked_at = timezone.now()
    batch.save(update_fields=["errors", "report", "status", "checked_at"])
    return batch


# --- the import -------------------------------------------------------------------------------------------


def batch_commit(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Import a checked batch without errors: inline for small files, as a background job from
    IMPORT_BACKGROUND_ROWS rows (inline too when no broker is configured)."""
    from .tasks import commit_batch  # here: the task module imports this one

    with transaction.atomic():
        batch = _lock_open(batch, by)
        if batch.status != BatchStatus.CHECKED:
            raise TransitionNotAllowed(_("Check the rows before importing them."))
        if batch.errors:
            raise TransitionNotAllowed(
                _("Some rows have errors: correct the file (or the mapping) first; nothing was imported.")
            )
        batch.status = BatchStatus.QUEUED
        batch.save(update_fields=["status"])
    if len(batch.rows) >= settings.KEQIAO["IMPORT_BACKGROUND_ROWS"]:
        transaction.on_commit(lambda: commit_batch.delay(batch.pk))
        batch.refresh_from_db()  # without a broker the task ran inline just now
        return batch
    return batch_run(batch_id=batch.pk)


def batch_run(*, batch_id: int) -> ImportBatch:
    """Run a queued import: every row or none. On any failure the batch records why and nothing stays."""
    batch = ImportBatch.objects.select_related("created_by", "organization").get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return batch
    try:
        with transaction.atomic():
            report = _import(batch)
    except (ValidationError, DomainError) as exc:
        message = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, failure=str(message)[:2000])
        batch.refresh_from_db()
        return batch
    batch.report = report
    batch.status = BatchStatus.DONE
    batch.committed_at = timezone.now()
    batch.rows = []  # the records and their provenance hold what was imported; the raw rows are let go
    batch.save(update_fields=["report", "status", "committed_at", "rows"])
    return batch


def _import(batch: ImportBatch) -> dict:
    records, errors = convert_rows(batch)
    if errors:  # the data changed since the preview (an organisation was renamed …)
        raise DomainError(
            _("Some rows no longer pass the checks; check the file again. Nothing was imported.")
        )
    model = MODELS[batch.kind]
    content_type = ContentType.objects.get_for_model(model)
    key = source_key(batch)
    known = dict(
        Provenance.objects.filter(
            source_key=key,
            content_type=content_type,
            external_id__in=[r["external_id"] for r in records if r["external_id"]],
        ).values_list("external_id", "object_id")
    )
    outcomes: list[dict] = []
    provenance: list[Provenance] = []

    def trace(record: dict, object_id: int, outcome: str, note: str = "") -> None:
        outcomes.append({"row": record["row"], "outcome": outcome, "object_id": object_id, "note": note})
        provenance.append(
            Provenance(
                content_type=content_type,
                object_id=object_id,
                batch=batch,
                source_key=key,
                source_name=batch.source_name,
                file_name=batch.original_name,
                row_number=record["row"],
                external_id=record["external_id"],
                outcome=outcome,
            )
        )

    if batch.kind == RecordKind.ACHIEVEMENTS:
        existing = {
            (org_id, normalise_title(title)): pk
            for pk, org_id, title in Achievement.objects.filter(
                organization_id__in={r["organization"].pk for r in records}
            ).values_list("pk", "organization_id", "title")
        }
        fresh: list[dict] = []
        for record in records:
            if record["external_id"] in known:
                outcomes.append(
                    {
                        "row": record["row"],
                        "outcome": Outcome.SKIPPED,
                        "object_id": known[record["external_id"]],
                        "note": gettext("Already imported from this source."),
                    }
                )
                continue
            same = existing.get((record["organization"].pk, normalise_title(record["data"]["title"])))
            if same:
                trace(
                    record,
                    same,
                    Outcome.SKIPPED,
                    gettext("The holder already has an achievement with this title."),
                )
                continue
            existing[(record["organization"].pk, normalise_title(record["data"]["title"]))] = -1
            fresh.append(record)
        bureau = user_is_bureau(batch.created_by)
        ids = achievement_services.achievements_import(
            rows=[{**r["data"], "organization": r["organization"]} for r in fresh],
            by=batch.created_by,
            publish=bureau,
        )
        for record, pk in zip(fresh, ids, strict=True):
            trace(record, pk, Outcome.CREATED)
    else:
        for record in records:
            if record["external_id"] in known:
                outcomes.append(
                    {
                        "row": record["row"],
                        "outcome": Outcome.SKIPPED,
                        "object_id": known[record["external_id"]],
                        "note": gettext("Already imported from this source."),
                    }
                )
                continue
            patent, created = patent_services.patent_save(
                by=batch.created_by, data=record["data"], holder=record["organization"]
            )
            trace(record, patent.pk, Outcome.CREATED if created else Outcome.UPDATED)
    Provenance.objects.bulk_create(provenance, batch_size=1000)
    counts = {o: sum(1 for x in outcomes if x["outcome"] == o) for o in Outcome.values}
    return {"rows": len(batch.rows), "errors": 0, **counts, "outcomes": outcomes}


@transaction.atomic
def batch_cancel(*, batch: ImportBatch, by: User) -> ImportBatch:
    batch = _lock_open(batch, by)
    batch.status = BatchStatus.CANCELLED
    batch.rows = []
    batch.save(update_fields=["status", "rows"])
    return batch
