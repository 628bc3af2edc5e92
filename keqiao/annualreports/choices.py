"""Choices of the annual report on the transfer of S&T achievements (科技成果转化年度报告) and of
funded S&T plan projects, with the report's transition table and the registry of its figures."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _interp(message, **values):
    """`message % values`, evaluated when shown (so in the reader's language), not at import."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in values.items()}, str)()


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the supervising department")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved by the supervising department")
    RECEIVED = "received", _("Received by the S&T bureau")


# from-state -> {action: to-state}; every report service checks this table before it writes.
REPORT_TRANSITIONS: dict[str, dict[str, str]] = {
    ReportStatus.DRAFT: {"submit": ReportStatus.SUBMITTED},
    ReportStatus.RETURNED: {"submit": ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {"return": ReportStatus.RETURNED, "approve": ReportStatus.APPROVED},
    ReportStatus.APPROVED: {"receive": ReportStatus.RECEIVED, "reopen": ReportStatus.DRAFT},
    ReportStatus.RECEIVED: {"reopen": ReportStatus.DRAFT},
}
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Approved and received reports are frozen: only a recorded reopen changes them.
FROZEN_STATUSES = (ReportStatus.APPROVED, ReportStatus.RECEIVED)
# A report in one of these states counts as filed (not late, no reminder).
FILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RECEIVED)

REPORT_EVENT_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "submit": pgettext_lazy("report event", "Submitted"),
    "return": _("Returned for revision"),
    "approve": _("Approved"),
    "receive": _("Received by the S&T bureau"),
    "reopen": _("Reopened for correction"),
    "project_add": _("Project added"),
    "project_remove": _("Project removed"),
}


class ProjectType(models.TextChoices):
    """Kinds of rows of the report's project list."""

    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    EQUITY = "equity", _("Equity investment")
    DEVELOPMENT = "development", _("Technology development")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")
    OTHER = "other", _("Other")


class PlanProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    CONCLUDED = "concluded", _("Concluded")
    TERMINATED = "terminated", _("Terminated")


PLAN_PROJECT_EVENT_LABELS = {
    "created": _("Created"),
    "report_submitted": _("Technology report submitted"),
    "link": _("Achievements linked"),
}


# --- the figures of the report -----------------------------------------------------------------------

SECTIONS = {
    "a": _("Achievements by number, type and source"),
    "b": _("Transfers, licences and equity investments"),
    "c": _("Development, consulting and service contracts"),
    "d": _("Income distribution and rewards to personnel"),
    "e": _("Platforms and staff"),
    "f": _("Implementation of policies"),
    "g": _("List of projects"),
}


class Figure:
    """One numeric figure of the report: a count or an amount in yuan, in a section; `prefilled` says
    whether the platform computes it from its own records."""

    def __init__(self, key: str, section: str, kind: str, label, prefilled: bool = False):
        self.key, self.section, self.kind, self.label, self.prefilled = key, section, kind, label, prefilled

    @property
    def is_money(self) -> bool:
        return self.kind == "money"

    def __repr__(self) -> str:
        return f"Figure({self.key})"


def _contract_figures(prefix: str, section: str, label, *, prefilled: bool = True, technology=True):
    figures = [
        Figure(
            f"{prefix}_count",
            section,
            "count",
            _interp(_("%(what)s: number of contracts"), what=label),
            prefilled,
        ),
        Figure(
            f"{prefix}_amount",
            section,
            "money",
            _interp(_("%(what)s: contract amount (yuan)"), what=label),
            prefilled,
        ),
    ]
    if technology:
        figures.append(
            Figure(
                f"{prefix}_technology_amount",
                section,
                "money",
                _interp(_("%(what)s: technology transaction amount (yuan)"), what=label),
                prefilled,
            )
        )
    return figures


FIGURES: list[Figure] = [
    # (a) achievements registered (approved) in the year, by type and by source
    Figure("achievements_total", "a", "count", _("Achievements registered in the year"), True),
    Figure("achievements_applied", "a", "count", _("of which applied technology"), True),
    Figure("achievements_basic", "a", "count", _("of which basic theory"), True),
    Figure("achievements_soft", "a", "count", _("of which soft science"), True),
    Figure("achievements_national", "a", "count", _("from national S&T plans"), True),
    Figure("achievements_provincial", "a", "count", _("from provincial S&T plans"), True),
    Figure("achievements_city", "a", "count", _("from city S&T plans"), True),
    Figure("achievements_self_funded", "a", "count", _("self-funded"), True),
    Figure("achievements_commissioned", "a", "count", _("commissioned by another party"), True),
    Figure("achievements_cooperation", "a", "count", _("from cooperation projects"), True),
    Figure("achievements_other_source", "a", "count", _("from other sources"), True),
    # (b) transfers, licences, equity
    *_contract_figures("transfer", "b", _("Transfer")),
    *_contract_figures("licence", "b", _("Licence")),
    Figure("equity_count", "b", "count", _("Equity investment: number of investments")),
    Figure("equity_amount", "b", "money", _("Equity investment: value of the achievements invested (yuan)")),
    # (c) development, consulting, service
    *_contract_figures("development", "c", _("Technology development")),
    *_contract_figures("consulting", "c", _("Technical consulting")),
    *_contract_figures("service", "c", _("Technical service")),
    # (d) income and rewards
    Figure("income_total", "d", "money", _("Total income from transferring achievements (yuan)")),
    Figure("rewards_rd_amount", "d", "money", _("Rewards to R&D and transfer personnel (yuan)")),
    Figure("rewards_leaders_amount", "d", "money", _("of which rewards to leaders (yuan)")),
    Figure("people_rewarded", "d", "count", _("Number of people rewarded")),
    # (e) platforms and staff
    Figure("transfer_bodies", "e", "count", _("Technology-transfer bodies")),
    Figure("fulltime_staff", "e", "count", _("Full-time technology-transfer staff")),
    Figure("brokers", "e", "count", _("Technology brokers")),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
PREFILLED_KEYS = tuple(f.key for f in FIGURES if f.prefilled)

# Contract types of the platform's registered contracts -> prefix of the report's figures.
CONTRACT_TYPE_PREFIX = {
    "transfer": "transfer",
    "licence": "licence",
    "dev_commissioned": "development",
    "dev_cooperative": "development",
    "consulting": "consulting",
    "service": "service",
}
# Achievement kind digit / source -> figure.
ACHIEVEMENT_KIND_KEY = {"1": "achievements_applied", "2": "achievements_basic", "3": "achievements_soft"}
ACHIEVEMENT_SOURCE_KEY = {
    "national": "achievements_national",
    "provincial": "achievements_provincial",
    "city": "achievements_city",
    "self_funded": "achievements_self_funded",
    "commissioned": "achievements_commissioned",
    "cooperation": "achievements_cooperation",
    "other": "achievements_other_source",
}

# Counts above this, or amounts above MAX_AMOUNT, are refused as implausible.
MAX_COUNT = 1_000_000

# Actions recorded in the history of exports (the workflow, not the edits).
REPORT_TRANSITIONS_ACTIONS = ("submit", "return", "approve", "receive", "reopen")
