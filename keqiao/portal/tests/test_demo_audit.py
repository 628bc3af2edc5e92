"""The demo data is written through the services and the audit chains: every chain verifies after
`load_demo_data`, and the dated history of the demo annual reports is recorded at its dates."""

import io
import json

import pytest
from django.core.management import call_command

from keqiao.annualreports.models import AnnualReportEvent

pytestmark = pytest.mark.django_db


def test_the_demo_data_leaves_valid_audit_chains():
    call_command("load_demo_data", "--limit", "20", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["ok"]
    empty = {table for table, t in summary["tables"].items() if not t["rows"]}
    assert not empty, empty
    received = AnnualReportEvent.objects.get(action="receive")
    assert received.created_at == received.report.received_at  # recorded at the demo's date, not now
    assert received.created_at > AnnualReportEvent.objects.get(action="approve").created_at


def test_the_demo_registered_contracts_have_register_entries_and_certificates():
    from keqiao.contracts.models import Certificate, Contract, IncomeDeduction, RegisterEntry

    call_command("load_demo_data", "--limit", "20", stdout=io.StringIO())
    registered = Contract.objects.registered()
    assert registered.exists()
    assert not registered.filter(certificates__isnull=True).exists()
    assert RegisterEntry.objects.filter(kind="amendment").count() == 1
    assert Certificate.objects.filter(status="superseded").count() == 1
    assert IncomeDeduction.objects.exists()
    out = io.StringIO()
    call_command("verify_register", "--workers", "1", stdout=out)
    assert "The register holds" in out.getvalue()
