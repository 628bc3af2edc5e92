"""Concurrent appends to one audit table do not fork its chain (PostgreSQL: several connections write at
once; SQLite serialises writers by itself)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from keqiao.accounts.models import OrganizationEvent
from keqiao.common import audit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (several writers)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8
APPENDS = 15


def test_concurrent_appends_keep_one_chain(holder_org, owner):
    start = threading.Barrier(THREADS)
    errors = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(APPENDS):
                with transaction.atomic():
                    OrganizationEvent.objects.create(organization=holder_org, actor=owner, action=f"t{n}-{i}")
                    time.sleep(0.001)  # hold the lock a little: the others queue behind it
                if i % 5 == 4:  # bulk appends too
                    OrganizationEvent.objects.bulk_create(
                        [OrganizationEvent(organization=holder_org, action=f"b{n}-{i}-{k}") for k in range(3)]
                    )
        except Exception as exc:  # reported below: a thread's exception would otherwise be lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify_table(OrganizationEvent)
    assert report.ok, report.first_break
    assert report.rows == OrganizationEvent.objects.count() == THREADS * (APPENDS + 3 * 3)
