"""Reads of bulk import, scoped to the user: a batch is seen by who uploaded it and by the bureau."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from keqiao.accounts.selectors import user_is_bureau

from .models import ImportBatch, Provenance


def batches_of_user(user) -> QuerySet[ImportBatch]:
    # the rows (possibly 100,000 of them) are not loaded for a list
    qs = ImportBatch.objects.select_related("organization", "created_by").defer("rows", "errors", "report")
    if user_is_bureau(user):
        return qs
    return qs.filter(created_by=user)


def batch_visible_to(user, pk: int) -> ImportBatch:
    try:
        batch = ImportBatch.objects.select_related("organization", "created_by").get(pk=pk)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc
    if batch.created_by_id == user.pk or user_is_bureau(user):
        return batch
    raise Http404


def provenance_of(record) -> list[Provenance]:
    """Every source a record came from, oldest first."""
    ct = ContentType.objects.get_for_model(type(record))
    return list(Provenance.objects.filter(content_type=ct, object_id=record.pk).select_related("batch"))
