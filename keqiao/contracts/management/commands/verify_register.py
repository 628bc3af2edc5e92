"""Check the whole contract register: every SM3 hash, every link of the chain, every SM2 signature."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from keqiao.contracts import register


class Command(BaseCommand):
    help = (
        "Walk the contract register in order, recomputing each entry's SM3 hash, following each link to the "
        "entry before it and checking each SM2 signature against the office's trusted public keys. Prints "
        "one line per problem, then the entries checked, the head hash and the rate. Exits with status 1 "
        "if anything does not hold."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes checking signatures (default: the number of CPUs).",
        )
        parser.add_argument("--chunk-size", type=int, default=5000, help="Entries fetched at a time.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = register.register_verify(
            chunk_size=max(1, options["chunk_size"]),
            workers=max(1, options["workers"]),
            using=options["database"],
        )
        elapsed = time.perf_counter() - started
        for problem in report.problems:
            self.stdout.write(f"entry {problem.sequence}: {problem.message}")
        rate = report.checked / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"{report.checked} entries checked in {elapsed:.2f} s ({rate:,.0f} entries/s); "
            f"head {report.head_hash or '(empty register)'}"
        )
        if not report.ok:
            raise CommandError(f"The register does not hold: {len(report.problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("The register holds: every hash, link and signature."))
