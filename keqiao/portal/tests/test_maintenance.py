"""One maintenance entry point: cron's command and Celery beat's task run the same function."""

import io

import pytest
from django.core.management import call_command

from config.celery import app
from keqiao.portal import tasks
from keqiao.portal.maintenance import run_maintenance

pytestmark = pytest.mark.django_db

KEYS = {
    "achievements_expired",
    "achievements_reminded",
    "demands_expired",
    "demands_reminded",
    "task_reports_reminded",
    "annual_reports_reminded",
    "auctions_sold",
    "auctions_unsold",
    "price_notices_passed",
    "listings_sold",
    "listings_converted",
    "listings_relisted",
    "listings_unsold",
    "contract_filings_flagged",
    "event_reminders",
    "qualifications_expired",
    "qualifications_reminded",
}


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert "keqiao.portal.tasks.run_hourly_maintenance" in {
        e["task"] for e in app.conf.beat_schedule.values()
    }


def test_command_and_task_report_the_same_steps():
    counts = run_maintenance()
    assert KEYS <= set(counts) and any(k.startswith("deals_") for k in counts)
    assert set(tasks.run_hourly_maintenance.delay().get()) == set(counts)
    out = io.StringIO()
    call_command("maintain_listings", stdout=out)
    assert {pair.split("=")[0] for pair in out.getvalue().split()} == set(counts)
