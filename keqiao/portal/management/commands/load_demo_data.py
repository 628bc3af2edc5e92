"""Load the demo organisations, users and achievements (idempotent)."""

import time

from django.core.management.base import BaseCommand
from django.test import override_settings

from keqiao.matching.index import get_match_index
from keqiao.portal.demo import achievements as loader
from keqiao.portal.demo.annualreports import load_annual_reports
from keqiao.portal.demo.challenges import load_challenges
from keqiao.portal.demo.contracts import load_deals
from keqiao.portal.demo.evaluation import load_evaluation
from keqiao.portal.demo.events import load_events
from keqiao.portal.demo.exchange import load_exchange
from keqiao.portal.demo.governance import load_governance
from keqiao.portal.demo.listings import load_listings
from keqiao.portal.demo.registries import load_registries
from keqiao.portal.demo.reviews import load_reviews
from keqiao.portal.demo.supervision import load_supervision
from keqiao.portal.demo.trading import load_trading


class Command(BaseCommand):
    help = "Load fictional Meishan demo organisations publishing the real CSL research records."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Load only the first N records.")

    def handle(self, *args, limit=None, **options):
        started = time.perf_counter()
        # Demo notifications (approval e-mails and the like) are not worth printing to the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = loader.load(limit=limit)
            if not result["skipped"]:
                loader.load_recommendation()

                result["counts"].update(load_deals())

                result["counts"].update(load_governance())

                # The annual reports create the education department, which also reports on plan tasks.
                result["counts"].update(load_annual_reports())
                result["counts"].update(load_supervision())
                # Qualifications and R&D platforms: after the departments that confirm them.
                result["counts"].update(load_registries())
                # Experts and reviews: after the deals, whose parties the conflict checks read.
                result["counts"].update(load_reviews())
                result["counts"].update(load_evaluation())
                result["counts"].update(load_trading())
                result["counts"].update(load_listings())
                result["counts"].update(load_challenges())
                result["counts"].update(load_events())
                result["counts"].update(load_exchange())
                # The matcher built while loading is saved, so the server need not build it again.
                get_match_index().save_snapshot()
        if result["skipped"]:
            self.stdout.write("Demo data already loaded.")
        else:
            self.stdout.write(
                f"Demo data loaded in {time.perf_counter() - started:.1f}s: { {str(k): v for k, v in result['counts'].items()} }"
            )
