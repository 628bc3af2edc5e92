"""The workbench of a signed-in user, assembled per role from the selectors of every app: what awaits
the user, their listings and what they match, their negotiations, their deadlines and the quick actions
their role has. Each part runs only for the roles it concerns, so a page costs a fixed, small number of
queries per persona (pinned in keqiao/portal/tests/test_workbench.py)."""

import dataclasses
import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import (
    organizations_pending_verification,
    user_admin_organization_ids,
    user_department_ids,
    user_holder_organizations,
    user_in_government,
    user_is_broker,
    user_is_bureau,
    user_is_contract_office,
)
from keqiao.achievements import selectors as achievement_selectors
from keqiao.annualreports import selectors as annual_selectors
from keqiao.annualreports.choices import FILED_STATUSES, ReportStatus
from keqiao.contracts import selectors as contract_selectors
from keqiao.demands import selectors as demand_selectors
from keqiao.matching import selectors as matching_selectors
from keqiao.matching.index import match_counts
from keqiao.negotiations import selectors as negotiation_selectors
from keqiao.reviews import selectors as review_selectors
from keqiao.supervision import selectors as supervision_selectors

LISTINGS = 5  # listings of each kind shown with their matches
EXPIRY_DAYS = 30


@dataclasses.dataclass
class Item:
    """One line of "what awaits me": how many, what it is, and where to act on it."""

    count: int
    label: str
    url: str


@dataclasses.dataclass
class Deadline:
    when: datetime.date | datetime.datetime
    label: str
    url: str


@dataclasses.dataclass
class Roles:
    organizations: list
    kinds: set
    bureau: bool
    office: bool
    broker: bool
    departments: set
    government: bool
    expert: bool = False

    @property
    def holder(self) -> bool:
        return bool(self.kinds & set(Organization.HOLDER_KINDS))

    @property
    def registers_achievements(self) -> bool:
        return bool(
            self.kinds
            & {
                Organization.Kind.UNIVERSITY,
                Organization.Kind.INSTITUTE,
                Organization.Kind.ENTERPRISE,
                Organization.Kind.CARRIER,
            }
        )

    @property
    def holds_research(self) -> bool:
        return bool(self.kinds & {Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE})

    @property
    def publishes_demands(self) -> bool:
        return bool(self.kinds & {Organization.Kind.ENTERPRISE, Organization.Kind.COUNTY_BUREAU})

    @property
    def files_annual_report(self) -> bool:
        return bool(self.kinds & {Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE})

    @property
    def supervises(self) -> bool:
        return self.bureau or bool(self.departments)


def roles_of(user) -> Roles:
    organizations = list(user_holder_organizations(user))
    return Roles(
        organizations=organizations,
        kinds={o.kind for o in organizations},
        bureau=user_is_bureau(user),
        office=user_is_contract_office(user),
        broker=user_is_broker(user),
        departments=user_department_ids(user),
        government=user_in_government(user),
        expert=bool(getattr(user, "is_expert", False)),
    )


def _add(items: list[Item], count: int, label, url: str) -> None:
    """Add a line when something waits; ``label`` is an ngettext_lazy(…, "count") of its noun phrase."""
    if count:
        items.append(Item(count, label % {"count": count}, url))


def awaiting(user, roles: Roles) -> list[Item]:
    """What waits for the user's answer, by the role that answers it; only lines with something in them."""
    items: list[Item] = []
    if roles.bureau:
        _add(
            items,
            achievement_selectors.review_queue().count(),
            ngettext_lazy("achievement to review", "achievements to review", "count"),
            reverse("achievements:review_queue"),
        )
        _add(
            items,
            demand_selectors.review_queue().count(),
            ngettext_lazy("demand to review", "demands to review", "count"),
            reverse("demands:review_queue"),
        )
        _add(
            items,
            organizations_pending_verification().count(),
            ngettext_lazy("organisation to verify", "organisations to verify", "count"),
            reverse("accounts:pending"),
        )
    if roles.office:
        _add(
            items,
            contract_selectors.contracts_for_office("submitted").count(),
            ngettext_lazy("contract to register", "contracts to register", "count"),
            reverse("contracts:contracts") + "?scope=office&status=submitted",
        )
    if roles.supervises:
        _add(
            items,
            _annual_reports_to_review(user, roles),
            ngettext_lazy("annual report to review", "annual reports to review", "count"),
            reverse("annualreports:index"),
        )
    if roles.departments:
        _add(
            items,
            _progress_reports_due(roles),
            ngettext_lazy(
                "progress report to file for the last quarter",
                "progress reports to file for the last quarter",
                "count",
            ),
            reverse("supervision:home"),
        )
    if roles.organizations:
        deals = negotiation_selectors.awaiting_answer(user)
        negotiations = reverse("negotiations:mine")
        _add(
            items,
            deals["interests"],
            ngettext_lazy("expression of interest to answer", "expressions of interest to answer", "count"),
            negotiations + "?tab=action",
        )
        _add(
            items,
            deals["offers"],
            ngettext_lazy("offer awaiting your answer", "offers awaiting your answer", "count"),
            negotiations,
        )
        _add(
            items,
            deals["meetings"],
            ngettext_lazy("meeting to confirm", "meetings to confirm", "count"),
            negotiations,
        )
        _add(
            items,
            deals["messages"],
            ngettext_lazy(
                "negotiation where the other side wrote last",
                "negotiations where the other side wrote last",
                "count",
            ),
            negotiations,
        )
        _add(
            items,
            matching_selectors.recommendations_to_answer(user).count(),
            ngettext_lazy("recommendation to answer", "recommendations to answer", "count"),
            reverse("matching:recommendations"),
        )
        _add(
            items,
            contract_selectors.agreed_deals_without_contract(user).count(),
            ngettext_lazy(
                "agreed deal whose contract is still to be filed",
                "agreed deals whose contract is still to be filed",
                "count",
            ),
            reverse("contracts:contract_new"),
        )
        _add(
            items,
            contract_selectors.contracts_to_revise(user).count(),
            ngettext_lazy("contract returned for revision", "contracts returned for revision", "count"),
            reverse("contracts:contracts") + "?status=returned",
        )
    if roles.broker:
        _add(
            items,
            negotiation_selectors.broker_invitations(user),
            ngettext_lazy("negotiation you were invited to", "negotiations you were invited to", "count"),
            reverse("negotiations:mine"),
        )
        _add(
            items,
            matching_selectors.recommendations_unanswered(user).count(),
            ngettext_lazy(
                "of your recommendations still unanswered",
                "of your recommendations still unanswered",
                "count",
            ),
            reverse("matching:recommendations"),
        )
    if getattr(user, "is_expert", False):  # the flag kept with the expert registry: no query for others
        _add(
            items,
            review_selectors.scores_to_submit(user).count(),
            ngettext_lazy("expert review awaiting your score", "expert reviews awaiting your score", "count"),
            reverse("reviews:my_reviews"),
        )
    return items


def _annual_reports_to_review(user, roles: Roles) -> int:
    """Submitted reports of the organisations the user's department supervises; for the bureau also
    those without a supervising department, and approved ones it is to receive."""
    org_ids = [o.pk for o in roles.organizations]
    waiting = Q(status=ReportStatus.SUBMITTED, organization__supervisor_id__in=org_ids)
    if roles.bureau:
        waiting |= Q(status=ReportStatus.SUBMITTED, organization__supervisor__isnull=True)
        waiting |= Q(status=ReportStatus.APPROVED)
    return annual_selectors.reports_visible_to(user).filter(waiting).count()


def _progress_reports_due(roles: Roles) -> int:
    """The user's departments' task assignments without a progress report for the last quarter."""
    assignments = supervision_selectors.assignments_of_departments(roles.departments)
    if not assignments:
        return 0
    period = supervision_selectors.default_period()
    reports, _consolidated = supervision_selectors.report_states({a.task_id for a in assignments}, period)
    return sum(1 for a in assignments if (a.task_id, a.department_id) not in reports)


def listings(user, roles: Roles) -> dict:
    """The user's latest achievements and demands, the published ones with their number of matches."""
    out = {"achievements": [], "demands": []}
    if not roles.organizations:
        return out
    if roles.registers_achievements or roles.kinds & {Organization.Kind.AGENCY}:
        out["achievements"] = list(achievement_selectors.achievements_of_user(user)[:LISTINGS])
    if roles.publishes_demands or roles.kinds & {Organization.Kind.AGENCY}:
        out["demands"] = list(demand_selectors.demands_of_user(user)[:LISTINGS])
    for kind, rows in (("achievement", out["achievements"]), ("demand", out["demands"])):
        published = [r.pk for r in rows if r.status == "published"]
        counts = match_counts(kind, published) if published else {}
        for r in rows:
            r.match_count = counts.get(r.pk)
    return out


def deadlines(user, roles: Roles) -> list[Deadline]:
    """Listings about to expire, meetings of the next two weeks and the annual report's deadline."""
    out: list[Deadline] = []
    if roles.organizations:
        for a in achievement_selectors.expiring_of_user(user, EXPIRY_DAYS)[:LISTINGS]:
            out.append(
                Deadline(
                    a.expires_at,
                    _("Achievement “%(title)s” expires") % {"title": a.title},
                    a.get_absolute_url(),
                )
            )
        for d in demand_selectors.expiring_of_user(user, EXPIRY_DAYS)[:LISTINGS]:
            out.append(
                Deadline(
                    d.expires_at, _("Demand “%(title)s” expires") % {"title": d.title}, d.get_absolute_url()
                )
            )
        for m in negotiation_selectors.upcoming_meetings(user):
            out.append(
                Deadline(m.starts_at, _("Meeting: %(deal)s") % {"deal": m.deal}, m.deal.get_absolute_url())
            )
    if roles.files_annual_report:
        year = annual_selectors.current_reporting_year()
        if year is not None:
            reports = annual_selectors.reports_by_organization_and_year(
                [
                    o
                    for o in roles.organizations
                    if o.kind in (Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE)
                ]
            )
            filed = any(
                r.reporting_year_id == year.pk and r.status in FILED_STATUSES for r in reports.values()
            )
            if not filed:
                out.append(
                    Deadline(
                        year.deadline,
                        _("Annual report %(year)s is due") % {"year": year.year},
                        reverse("annualreports:index"),
                    )
                )
    return sorted(out, key=lambda d: _day(d.when))


def _day(when) -> datetime.date:
    return timezone.localtime(when).date() if isinstance(when, datetime.datetime) else when


def quick_actions(roles: Roles) -> list[tuple[str, str, bool]]:
    """(label, url, primary) of what the user's role does; nothing a role cannot do."""
    actions: list[tuple[str, str, bool]] = []
    if not roles.organizations:
        return [(_("Register your organisation"), reverse("accounts:register"), True)]
    # An enterprise's first business is its demands; universities and institutes register achievements.
    if roles.publishes_demands:
        actions.append((_("Publish a demand"), reverse("demands:create"), True))
    if roles.registers_achievements:
        actions.append((_("Register an achievement"), reverse("achievements:create"), roles.holds_research))
    if roles.bureau:
        actions.append((_("Review achievements"), reverse("achievements:review_queue"), True))
        actions.append((_("Review demands"), reverse("demands:review_queue"), False))
    if roles.bureau or any(
        o.is_verified and o.kind in Organization.HOLDER_KINDS for o in roles.organizations
    ):
        actions.append((_("Import records"), reverse("exchange:home"), False))
    if roles.office:
        actions.append(
            (_("Contract registration queue"), reverse("contracts:contracts") + "?scope=office", False)
        )
    if roles.broker:
        actions.append((_("Broker's desk"), reverse("matching:broker"), True))
    if roles.holder:
        actions.append((_("What I follow"), reverse("matching:subscriptions"), False))
        actions.append((_("Recommendations"), reverse("matching:recommendations"), False))
    if roles.files_annual_report or roles.supervises:
        actions.append((_("Annual reports"), reverse("annualreports:index"), False))
    if roles.holder or roles.bureau:
        actions.append((_("Funded projects"), reverse("annualreports:projects"), False))
    if roles.government or roles.office:
        actions.append((_("Plan progress"), reverse("governance:plans"), False))
    if roles.supervises:
        actions.append((_("Task supervision"), reverse("supervision:home"), False))
    if roles.holder:
        actions.append((_("Valuations"), reverse("evaluation:valuations"), False))
    if roles.broker or roles.expert:
        actions.append((_("Readiness levels to confirm"), reverse("evaluation:queue"), False))
    return actions


def context_for(user) -> dict:
    roles = roles_of(user)
    return {
        "roles": roles,
        "organizations": roles.organizations,
        "admin_org_ids": user_admin_organization_ids(user),
        "awaiting": awaiting(user, roles),
        "listings": listings(user, roles),
        "deals": negotiation_selectors.open_deals_of_user(user)
        if roles.organizations or roles.broker
        else [],
        "deadlines": deadlines(user, roles),
        "actions": quick_actions(roles),
    }
