"""Benchmark the contract register and its certificates.

On a scratch database: N registered contracts, each with a signed register entry (chained SM3, SM2
signature); then times `verify_register`'s whole walk (every hash, link and signature; default workers:
the CPUs), the certificate PDF of one contract, and the public verification page through the Django test
client. Prints a summary and, last, one JSON line. A benchmark, not a test: it asserts nothing.
"""

import datetime
import json
import os
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.test import Client, override_settings
from django.test.utils import setup_databases, teardown_databases
from django.urls import reverse
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.contracts import certificates, register, signing
from keqiao.contracts.models import Contract, RegisterEntry
from keqiao.portal.evaluation import scratch_member, scratch_organization


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "Time verify_register over N entries, the certificate PDF and the public verification page."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=200)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, n, repeat, workers, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", ALLOWED_HOSTS=["testserver"]
            ):
                result = self._run(n, repeat, workers)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _run(self, n: int, repeat: int, workers: int) -> dict:
        filer_org = scratch_organization(kind=Organization.Kind.UNIVERSITY)
        filer = scratch_member(filer_org, Membership.Role.STAFF, username="bench-filer")
        key = signing.office_key()
        today = timezone.localdate()
        started = time.perf_counter()
        contracts = []
        for i in range(n):
            contracts.append(
                Contract(
                    organization=filer_org,
                    created_by=filer,
                    status="approved",
                    registration_number=f"{today.year}511400{i:06d}"[:20],
                    project_name=f"基准合同{i}",
                    contract_type="transfer",
                    transfer_object="patent",
                    seller_name="眉山基准大学",
                    seller_nature="022",
                    seller_region_code="511402",
                    buyer_name=f"买方{i % 700}",
                    buyer_nature="140",
                    buyer_region_code="511403",
                    contract_amount=Decimal(100_000 + i),
                    technology_amount=Decimal(100_000 + i),
                    payment_method="lump_sum",
                    signed_on=today,
                    starts_on=today,
                    ends_on=today + datetime.timedelta(days=365),
                    ip_type="invention_patent",
                    tech_field="agriculture",
                    socio_economic_objective="industry",
                    plan_source="none",
                    registered_on=today,
                    approved_at=timezone.now(),
                )
            )
        Contract.objects.bulk_create(contracts, batch_size=5000)
        ids = list(Contract.objects.order_by("pk").values_list("pk", "registration_number"))
        prev, batch = "", []
        now = timezone.now()
        for sequence, (contract_id, number) in enumerate(ids[:-1], start=1):
            entry = RegisterEntry(
                sequence=sequence,
                kind="registration",
                contract_id=contract_id,
                registration_number=number,
                recorded_at=now,
                recorded_by_id=None,
                content={
                    "project_name": f"基准合同{sequence}",
                    "contract_amount": f"{100_000 + sequence}.00",
                },
                prev_hash=prev,
                key_id=key.key_id,
            )
            entry.row_hash = register.entry_digest(entry)
            entry.signature = signing.table_sign(key, bytes.fromhex(entry.row_hash))
            prev = entry.row_hash
            batch.append(entry)
            if len(batch) == 5000:
                RegisterEntry.objects.bulk_create(batch)
                batch = []
        RegisterEntry.objects.bulk_create(batch)
        # the last one through the service, with its certificate, as a registration makes it
        contract = Contract.objects.get(pk=ids[-1][0])
        certificate = register.contract_registered(contract=contract, by=None)
        load_s = time.perf_counter() - started

        started = time.perf_counter()
        report = register.register_verify(workers=workers)
        verify_s = time.perf_counter() - started

        certificates.certificate_pdf(certificate)  # reportlab import and font registration, once
        pdf_ms = []
        for _ in range(30):
            t = time.perf_counter()
            size = len(certificates.certificate_pdf(certificate))
            pdf_ms.append((time.perf_counter() - t) * 1000)

        client = Client()
        url = reverse("contracts:certificate_verify", args=[certificate.code])
        client.get(url)  # warm: the verifier's tables are built once per process
        page_ms = []
        for _ in range(repeat):
            t = time.perf_counter()
            status = client.get(url).status_code
            page_ms.append((time.perf_counter() - t) * 1000)
        result = {
            "entries": report.checked,
            "register_ok": report.ok,
            "load_s": round(load_s, 1),
            "verify_register_s": round(verify_s, 2),
            "verify_rate_per_s": round(report.checked / verify_s),
            "workers": workers,
            "certificate_pdf_ms_median": round(statistics.median(pdf_ms), 1),
            "certificate_pdf_ms_p95": round(pct(pdf_ms, 95), 1),
            "certificate_pdf_bytes": size,
            "verify_page_status": status,
            "verify_page_ms_median": round(statistics.median(page_ms), 2),
            "verify_page_ms_p95": round(pct(page_ms, 95), 2),
        }
        self.stderr.write(
            f"register: {report.checked} entries verified in {verify_s:.1f} s "
            f"({result['verify_rate_per_s']:,} entries/s, {workers} workers), ok={report.ok}\n"
            f"certificate PDF: median {result['certificate_pdf_ms_median']} ms, p95 {result['certificate_pdf_ms_p95']} ms\n"
            f"verification page: median {result['verify_page_ms_median']} ms, p95 {result['verify_page_ms_p95']} ms"
        )
        return result
