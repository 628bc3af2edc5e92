"""The one hourly maintenance run, for cron (`manage.py maintain_listings`) and Celery beat alike.

Each step is claimed row by row inside its own app, so two runs at once never expire, remind or notify
the same record twice; the order only decides what one run reports.
"""

import datetime

from keqiao.achievements import services as achievement_services
from keqiao.annualreports.services import annual_reports_remind
from keqiao.challenges import services as challenge_services
from keqiao.contracts.deadlines import flag_overdue as contract_filings_flag_overdue
from keqiao.demands import services as demand_services
from keqiao.events.services import send_reminders as event_reminders
from keqiao.negotiations import services as negotiation_services
from keqiao.registries import services as registry_services
from keqiao.supervision.services import remind_overdue
from keqiao.trading import listings as trading_listings
from keqiao.trading import services as trading_services


def run_maintenance(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Expire listings and remind their owners; expire stale interest and remind, then close, silent
    rooms; remind departments of overdue progress reports and institutions of annual reports due; flag
    contract filings the registration office has not answered in time to its leads; close auctions whose
    end has passed, pass price notices whose period is over and settle fixed-price listings whose period
    is over; open the proposals of challenges whose deadline has passed; remind the participants of
    events starting within a day; mark qualifications past their validity expired and remind holders
    of re-certification."""
    supervision = remind_overdue()
    return {
        "achievements_expired": achievement_services.achievements_expire(),
        "achievements_reminded": achievement_services.achievements_remind(),
        "demands_expired": demand_services.demands_expire(),
        "demands_reminded": demand_services.demands_remind(),
        **{f"deals_{k}": v for k, v in negotiation_services.deals_maintain(now=now).items()},
        "task_reports_reminded": sum(supervision.values())
        if isinstance(supervision, dict)
        else int(supervision),
        "annual_reports_reminded": annual_reports_remind(),
        "contract_filings_flagged": contract_filings_flag_overdue(),
        **{f"auctions_{k}": v for k, v in trading_services.auctions_maintain(now=now).items()},
        **{f"price_notices_{k}": v for k, v in trading_services.notices_maintain(now=now).items()},
        **{f"listings_{k}": v for k, v in trading_listings.listings_maintain(now=now).items()},
        **{f"challenges_{k}": v for k, v in challenge_services.challenges_maintain(now=now).items()},
        "event_reminders": event_reminders(now=now),
        "qualifications_expired": registry_services.qualifications_expire(),
        "qualifications_reminded": registry_services.qualifications_remind(now=now),
    }
