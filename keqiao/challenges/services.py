"""Writes of challenge tenders (难题招标 / 揭榜挂帅): publishing a demand as a challenge, solvers'
proposals and their withdrawal, the opening at the deadline, scoring against the weighted criteria (or an
expert panel of keqiao.reviews), the award that becomes a commissioned-development deal, or no award.

Every write locks the challenge's row first, so a proposal racing the deadline, two awards at once or an
award racing "no award" are serialised; the deadline's close re-reads the row under its lock and does
nothing to a challenge already closed, so the periodic run is idempotent.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import member_ids, require_active_organization, user_organization_ids
from keqiao.common import workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.money import format_yuan, parse_amount
from keqiao.common.uploads import check_upload
from keqiao.common.workflow import clean_text
from keqiao.demands.models import Demand
from keqiao.matching.index import matches_for
from keqiao.matching.models import Subscription
from keqiao.negotiations.choices import DealMode, PaymentMethod
from keqiao.negotiations.services import deal_record_demand_award
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message
from keqiao.reviews import services as review_services
from keqiao.reviews.selectors import closed_review_for

from . import choices
from .models import Challenge, ChallengeEvent, Proposal, ProposalAttachment, weighted_total
from .notification_kinds import CHALLENGE

MAX_DEADLINE_AHEAD = datetime.timedelta(days=366)
MIN_OPEN = datetime.timedelta(hours=1)
CRITERION_NAME_LENGTH = 60


def _event(challenge: Challenge, *, by, action: str, **kwargs) -> ChallengeEvent:
    return ChallengeEvent.record(challenge, by=by, action=action, **kwargs)


def _tell(challenge: Challenge, *, user_ids, title, key: str, url: str | None = None) -> int:
    reason = _("Challenge “%(title)s”") % {"title": challenge.title}
    return len(
        notify(
            {uid: (reason, None) for uid in user_ids},
            verb=CHALLENGE,
            title=title,
            url=url or challenge.get_absolute_url(),
            key=key,
        )
    )


def _lock(challenge: Challenge) -> Challenge:
    return workflow.lock(challenge)


def is_challenger(user, challenge: Challenge) -> bool:
    return challenge.organization_id in user_organization_ids(user)


def _require_challenger(by: User, challenge: Challenge) -> None:
    if not is_challenger(by, challenge):
        raise NotPermitted(_("Only the challenger can do this."))
    require_active_organization(challenge.organization, allow_pending=False)


def _aware(value, field: str) -> datetime.datetime:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(
            value, datetime.time(17, 0)
        )  # a date alone: the end of office hours
    if not isinstance(value, datetime.datetime):
        raise DomainError(_("Give the deadline's date and time."), field=field)
    if timezone.is_naive(value):  # a time without a zone is the platform's local time
        value = timezone.make_aware(value)
    return value


# --- publishing ------------------------------------------------------------------------------------


def parse_criteria(value) -> list[dict]:
    """Criteria as a list of {"name", "weight"} (the API), or as text with one "name: weight" a line
    (the form). Weights are whole numbers that add up to 100."""
    if isinstance(value, str):
        rows = []
        for line in value.splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, weight = line.replace("：", ":").rpartition(":")
            if not sep:
                raise DomainError(
                    _("Write each criterion as “name: weight”, e.g. “技术路线可行性: 40”."), field="criteria"
                )
            rows.append({"name": name, "weight": weight.strip().rstrip("%％").strip()})
        value = rows
    if not isinstance(value, list) or not value:
        raise DomainError(_("Give at least one evaluation criterion with its weight."), field="criteria")
    if len(value) > choices.MAX_CRITERIA:
        raise DomainError(
            _("At most %(max)d evaluation criteria.") % {"max": choices.MAX_CRITERIA}, field="criteria"
        )
    criteria, names = [], set()
    for row in value:
        if not isinstance(row, dict):
            raise DomainError(_("Give at least one evaluation criterion with its weight."), field="criteria")
        name = clean_text(
            row.get("name"),
            field="criteria",
            max_length=CRITERION_NAME_LENGTH,
            what=_("Each criterion needs a name."),
        )
        if name in names:
            raise DomainError(
                _("The criterion “%(name)s” is given twice.") % {"name": name}, field="criteria"
            )
        names.add(name)
        try:
            weight = int(str(row.get("weight")).strip())
        except (TypeError, ValueError):
            weight = -1
        if not 1 <= weight <= 100:
            raise DomainError(
                _("The weight of “%(name)s” must be a whole number from 1 to 100.") % {"name": name},
                field="criteria",
            )
        criteria.append({"name": name, "weight": weight})
    total = sum(c["weight"] for c in criteria)
    if total != 100:
        raise DomainError(
            _("The weights of the criteria must add up to 100 (they add up to %(total)d).")
            % {"total": total},
            field="criteria",
        )
    return criteria


def validate_challenge_data(data: dict, *, now: datetime.datetime) -> dict:
    """The challenge's terms, checked field by field (the first fault is raised, naming its field)."""
    title = clean_text(
        data.get("title"), field="title", max_length=200, what=_("Give the challenge a title.")
    )
    goals = clean_text(
        data.get("goals"), field="goals", max_length=3000, what=_("State the goals the solution must reach.")
    )
    indicators = clean_text(
        data.get("indicators"),
        field="indicators",
        max_length=3000,
        what=_("State the technical indicators a solution must meet."),
    )
    reward_kind = data.get("reward_kind") or choices.RewardKind.BUDGET
    if reward_kind not in choices.RewardKind.values:
        raise DomainError(_("Choose a research budget or a prize."), field="reward_kind")
    amount = parse_amount(data.get("amount"), field="amount", positive=True)
    deadline = _aware(data.get("deadline"), "deadline")
    if deadline <= now:
        raise DomainError(_("The deadline must be in the future."), field="deadline")
    if deadline < now + MIN_OPEN:
        raise DomainError(_("Leave solvers at least an hour before the deadline."), field="deadline")
    if deadline > now + MAX_DEADLINE_AHEAD:
        raise DomainError(_("The deadline can be at most a year ahead."), field="deadline")
    eligibility = clean_text(
        data.get("eligibility"),
        field="eligibility",
        max_length=2000,
        what=_("State who may take up the challenge."),
    )
    evaluation = data.get("evaluation") or choices.Evaluation.CHALLENGER
    if evaluation not in choices.Evaluation.values:
        raise DomainError(_("Choose how the proposals are evaluated."), field="evaluation")
    return {
        "title": title,
        "goals": goals,
        "indicators": indicators,
        "reward_kind": reward_kind,
        "amount": amount,
        "deadline": deadline,
        "eligibility": eligibility,
        "criteria": parse_criteria(data.get("criteria")),
        "evaluation": evaluation,
    }


def challenger_organization_for(user: User, demand: Demand) -> Organization | None:
    """The organisation `user` may publish a challenge on `demand` for: the demand's own organisation,
    or the city S&T bureau (a city challenge); None if neither."""
    orgs = user_organization_ids(user)
    if demand.organization_id in orgs:
        return demand.organization
    return (
        Organization.objects.filter(pk__in=orgs, kind=Organization.Kind.CITY_BUREAU).order_by("pk").first()
        if orgs
        else None
    )


def _alert_solvers(challenge: Challenge) -> int:
    """Tell who may solve it: followers of its technology field (matching's subscriptions, at the
    frequency they chose) and the members of the organisations whose achievements the matcher finds
    relevant to the demand (instantly). The challenger's and the demand's own members are left out."""
    recipients: dict[int, tuple[str, str | None]] = {}
    for sub in Subscription.objects.filter(
        kind=Subscription.Kind.FIELD, value=challenge.tech_field
    ).select_related("user"):
        if sub.user.is_active:
            recipients.setdefault(
                sub.user_id, (_("You follow %(what)s") % {"what": sub.label or sub.value}, sub.frequency)
            )
    matched = {
        row.record.organization_id
        for row in matches_for("demand", challenge.demand, k=10)
        if row.record.organization_id not in (challenge.organization_id, challenge.demand.organization_id)
    }
    reason = _("Your achievements match this challenge")
    for uid in member_ids(matched):
        recipients.setdefault(uid, (reason, None))
    for uid in member_ids([challenge.organization_id, challenge.demand.organization_id]):
        recipients.pop(uid, None)
    return len(
        notify(
            recipients,
            verb=CHALLENGE,
            title=_("New challenge: “%(title)s”, %(amount)s yuan, proposals until %(end)s")
            % {
                "title": challenge.title,
                "amount": format_yuan(challenge.amount),
                "end": timezone.localtime(challenge.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            url=challenge.get_absolute_url(),
            key=f"challenge:{challenge.pk}:published",
        )
    )


@transaction.atomic
def challenge_publish(*, by: User, demand: Demand, data: dict) -> Challenge:
    """The enterprise that published a demand (or the city S&T bureau) puts it out as a challenge."""
    demand = workflow.lock(demand)
    organization = challenger_organization_for(by, demand)
    if organization is None:
        raise NotPermitted(
            _("Only the organisation that published the demand, or the S&T bureau, can make it a challenge.")
        )
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can publish a challenge."),
    )
    if not demand.is_public:
        raise DomainError(_("Only a published demand can become a challenge."), field="demand")
    now = timezone.now()
    cleaned = validate_challenge_data(data, now=now)
    if demand.challenges.exclude(status__in=choices.CLOSED_STATUSES).exists():
        raise DomainError(_("This demand is already an open challenge."), field="demand")
    challenge = Challenge.objects.create(
        demand=demand,
        organization=organization,
        created_by=by,
        tech_field=demand.tech_field,
        region_id=demand.region_id,
        published_at=now,
        **cleaned,
    )
    _event(challenge, by=by, action="published", to_status=challenge.status)
    _alert_solvers(challenge)
    return challenge


# --- proposals -------------------------------------------------------------------------------------


def solver_organizations(user: User, challenge: Challenge) -> list[Organization]:
    """The organisations `user` may submit a proposal for: verified, not government, not the challenger
    nor the demand's enterprise."""
    excluded = {challenge.organization_id, challenge.demand.organization_id}
    return [
        o
        for o in Organization.objects.filter(
            pk__in=user_organization_ids(user), status=Organization.Status.VERIFIED
        ).order_by("pk")
        if o.pk not in excluded and o.kind not in Organization.GOVERNMENT_KINDS
    ]


def _check_files(files) -> list:
    files = list(files or [])
    if len(files) > choices.MAX_PROPOSAL_FILES:
        raise DomainError(_("At most %(max)d files.") % {"max": choices.MAX_PROPOSAL_FILES}, field="files")
    checked = []
    for f in files:
        try:
            checked.append((f, check_upload(f)))
        except ValidationError as exc:
            raise DomainError(f"{f.name}: {' '.join(exc.messages)}", field="files") from exc
    return checked


@transaction.atomic
def proposal_submit(
    *, challenge: Challenge, by: User, organization: Organization, data: dict, files=(), now=None
) -> Proposal:
    """A solver submits its proposal before the deadline (one per organisation; a withdrawn one may be
    replaced by a new one)."""
    challenge = _lock(challenge)
    now = now or timezone.now()
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    if organization.pk in (challenge.organization_id, challenge.demand.organization_id):
        raise NotPermitted(_("The challenger's own organisation cannot take up its challenge."))
    if organization.kind in Organization.GOVERNMENT_KINDS:
        raise NotPermitted(_("Government bodies do not submit proposals."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can submit a proposal."),
    )
    if not challenge.is_open or now >= challenge.deadline:
        raise DomainError(_("The deadline has passed: proposals are no longer taken."), code="deadline")
    approach = clean_text(
        data.get("approach"),
        field="approach",
        max_length=5000,
        what=_("Describe the technical approach you propose."),
    )
    indicators_response = clean_text(
        data.get("indicators_response"),
        field="indicators_response",
        max_length=3000,
        what=_("State the indicators you commit to reach."),
    )
    team = clean_text(data.get("team"), field="team", max_length=2000, required=False)
    price = parse_amount(data.get("price"), field="price", positive=True)
    try:
        months = int(data.get("months") or 0)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= 120:
        raise DomainError(_("The duration must be between 1 and 120 months."), field="months")
    checked = _check_files(data.get("files") if files == () else files)
    if challenge.proposals.filter(organization=organization).exclude(status="withdrawn").exists():
        raise DomainError(_("Your organisation has already submitted a proposal."))
    proposal = Proposal.objects.create(
        challenge=challenge,
        organization=organization,
        submitted_by=by,
        approach=approach,
        indicators_response=indicators_response,
        team=team,
        price=price,
        months=months,
    )
    for f, mime in checked:
        ProposalAttachment.objects.create(
            proposal=proposal, file=f, original_name=f.name[:200], content_type=mime, size=f.size
        )
    # The timeline is public: it records that a proposal came, not whose.
    _event(challenge, by=None, action="proposal", from_status=challenge.status)
    _tell(
        challenge,
        user_ids=member_ids([organization.pk]),
        title=_("Your proposal for “%(title)s” is submitted; it stays sealed until the deadline")
        % {"title": challenge.title},
        key=f"challenge:{challenge.pk}:proposal:{proposal.pk}",
        url=proposal.get_absolute_url(),
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User, now=None) -> Proposal:
    """The solver withdraws its proposal, before the deadline only."""
    challenge = _lock(proposal.challenge)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    now = now or timezone.now()
    if proposal.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the solver that submitted the proposal can withdraw it."))
    if proposal.status != choices.ProposalStatus.SUBMITTED:
        raise DomainError(_("This proposal is no longer submitted."))
    if not challenge.is_open or now >= challenge.deadline:
        raise DomainError(
            _("The deadline has passed: a proposal can no longer be withdrawn."), code="deadline"
        )
    proposal.status = choices.ProposalStatus.WITHDRAWN
    proposal.withdrawn_at = now
    proposal.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _event(challenge, by=None, action="withdraw", from_status=challenge.status)
    return proposal


# --- the deadline ------------------------------------------------------------------------------------


@transaction.atomic
def challenge_close(*, challenge: Challenge, now: datetime.datetime | None = None) -> bool:
    """At the deadline the proposals are opened for evaluation; without any, the challenge closes with no
    award. False if there was nothing to do (not due, or already closed)."""
    now = now or timezone.now()
    challenge = _lock(challenge)
    if not challenge.is_open or now < challenge.deadline:
        return False
    submitted = list(
        challenge.proposals.filter(status=choices.ProposalStatus.SUBMITTED).values_list(
            "organization_id", flat=True
        )
    )
    workflow.transition(
        challenge, "close", choices.CHALLENGE_TRANSITIONS, event=ChallengeEvent, by=None, closed_at=now
    )
    if not submitted:
        note = str(_("No proposal was submitted by the deadline."))
        workflow.transition(
            challenge,
            "no_award",
            choices.CHALLENGE_TRANSITIONS,
            event=ChallengeEvent,
            by=None,
            note=note,
            status_note=note,
            decided_at=now,
        )
        _tell(
            challenge,
            user_ids=member_ids([challenge.organization_id]),
            title=_("The challenge “%(title)s” closed without proposals") % {"title": challenge.title},
            key=f"challenge:{challenge.pk}:empty",
        )
        return True
    _tell(
        challenge,
        user_ids=member_ids([challenge.organization_id]),
        title=_("%(n)d proposals for “%(title)s” are opened: evaluate them")
        % {"n": len(submitted), "title": challenge.title},
        key=f"challenge:{challenge.pk}:opened",
    )
    return True


def challenges_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open every challenge whose deadline has passed (periodic; each in its own transaction)."""
    now = now or timezone.now()
    opened = 0
    due = Challenge.objects.filter(status=choices.ChallengeStatus.OPEN, deadline__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        if challenge_close(challenge=Challenge(pk=pk), now=now):
            opened += 1
    return {"opened": opened}


# --- evaluation and award ---------------------------------------------------------------------------


def _require_evaluating(challenge: Challenge) -> None:
    if challenge.status == choices.ChallengeStatus.OPEN:
        raise DomainError(_("Proposals are evaluated once the deadline has passed."), code="not_closed")
    if challenge.status != choices.ChallengeStatus.EVALUATING:
        raise DomainError(
            _("The challenge is decided (“%(status)s”): nothing more can change.")
            % {"status": challenge.get_status_display()},
            code="decided",
        )


@transaction.atomic
def proposal_score(*, proposal: Proposal, by: User, scores: dict, note: str = "") -> Proposal:
    """The challenger scores a proposal 0–100 on each criterion; the weighted total follows. A score may be
    revised until the award."""
    challenge = _lock(proposal.challenge)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_challenger(by, challenge)
    _require_evaluating(challenge)
    if challenge.evaluation != choices.Evaluation.CHALLENGER:
        raise DomainError(_("This challenge is evaluated by an expert panel."))
    if proposal.status != choices.ProposalStatus.SUBMITTED:
        raise DomainError(_("A withdrawn proposal is not evaluated."))
    clean = {}
    for i, criterion in enumerate(challenge.criteria):
        raw = (scores or {}).get(str(i), (scores or {}).get(i))
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 100:
            raise DomainError(
                _("Score “%(name)s” with a whole number from 0 to 100.") % {"name": criterion["name"]},
                field=f"score_{i}",
            )
        clean[str(i)] = value
    proposal.scores = clean
    proposal.total = weighted_total(challenge.criteria, clean)
    proposal.score_note = clean_text(note, field="note", max_length=2000, required=False)
    proposal.scored_by, proposal.scored_at = by, timezone.now()
    proposal.save(update_fields=["scores", "total", "score_note", "scored_by", "scored_at", "updated_at"])
    _event(challenge, by=by, action="score", from_status=challenge.status)
    return proposal


@transaction.atomic
def panel_open(*, challenge: Challenge, by: User, organization: Organization) -> list:
    """The S&T bureau or a service agency opens one blind expert review (keqiao.reviews) per submitted
    proposal of a challenge evaluated by a panel; the panel is then formed and scores on the reviews'
    own pages."""
    challenge = _lock(challenge)
    _require_evaluating(challenge)
    if challenge.evaluation != choices.Evaluation.PANEL:
        raise DomainError(_("This challenge is evaluated by the challenger."))
    if not review_services.may_organize(by, organization):
        raise NotPermitted(_("Only the S&T bureau or a verified service agency can open an expert review."))
    reviews = []
    for proposal in challenge.proposals.filter(status=choices.ProposalStatus.SUBMITTED).select_related(
        "organization"
    ):
        reviews.append(
            review_services.review_open(
                by=by,
                organization=organization,
                subject=proposal,
                title=str(_("Challenge proposal: %(title)s · %(solver)s"))[:200]
                % {"title": challenge.title[:120], "solver": proposal.organization.name[:60]},
                purpose=str(
                    _("Evaluate the proposal against the challenge's goals and indicators: %(criteria)s")
                    % {"criteria": "；".join(f"{c['name']} {c['weight']}" for c in challenge.criteria)}
                )[:2000],
            )
        )
    if not reviews:
        raise DomainError(_("There is no proposal to review."))
    _event(challenge, by=by, action="panel", from_status=challenge.status, note=str(len(reviews)))
    return reviews


def panel_total(proposal: Proposal):
    """The weighted total of the proposal's closed expert review, or None."""
    closed = closed_review_for(proposal)
    return closed.result.get("total") if closed else None


@transaction.atomic
def challenge_award(*, challenge: Challenge, by: User, proposal_ids, note: str = "") -> list:
    """揭榜: the challenger awards the challenge to one or more of its solvers. Each award becomes an agreed
    deal of commissioned development at the proposal's price, from which the contract is registered; the
    other proposals are not awarded. Every awarded proposal must have been evaluated."""
    challenge = _lock(challenge)
    _require_challenger(by, challenge)
    _require_evaluating(challenge)
    try:
        ids = sorted({int(i) for i in proposal_ids or []})
    except (TypeError, ValueError):
        ids = []
    if not ids:
        raise DomainError(_("Choose at least one proposal to award."), field="proposals")
    proposals = list(
        Proposal.objects.select_for_update()
        .filter(challenge=challenge, pk__in=ids)
        .select_related("organization")
    )
    if len(proposals) != len(ids) or any(p.status != choices.ProposalStatus.SUBMITTED for p in proposals):
        raise DomainError(
            _("Only a solver with a submitted proposal to this challenge can be awarded."), field="proposals"
        )
    for p in proposals:
        evaluated = (
            p.total is not None
            if challenge.evaluation == choices.Evaluation.CHALLENGER
            else panel_total(p) is not None
        )
        if not evaluated:
            raise DomainError(
                _("Evaluate the proposal of %(solver)s before awarding it.")
                % {"solver": p.organization.name},
                field="proposals",
            )
    note = clean_text(note, field="note", max_length=500, required=False)
    now = timezone.now()
    for p in proposals:
        text = str(
            _("Challenge “%(title)s” awarded: commissioned development for %(price)s yuan, %(months)d months")
            % {"title": challenge.title, "price": format_yuan(p.price), "months": p.months}
        )
        p.deal = deal_record_demand_award(
            demand=challenge.demand,
            solver=p.organization,
            by=by,
            price=p.price,
            mode=DealMode.COMMISSIONED_DEVELOPMENT,
            payment_method=PaymentMethod.INSTALMENTS,  # development is paid by milestones
            note=text,
        )
        p.status = choices.ProposalStatus.AWARDED
        p.save(update_fields=["deal", "status", "updated_at"])
    losers = list(challenge.proposals.filter(status=choices.ProposalStatus.SUBMITTED).exclude(pk__in=ids))
    challenge.proposals.filter(pk__in=[p.pk for p in losers]).update(
        status=choices.ProposalStatus.NOT_AWARDED, updated_at=now
    )
    winners = "、".join(p.organization.name for p in proposals)
    workflow.transition(
        challenge,
        "award",
        choices.CHALLENGE_TRANSITIONS,
        event=ChallengeEvent,
        by=by,
        note=f"{winners}{'：' + note if note else ''}",
        status_note=note,
        decided_at=now,
    )
    for p in proposals:
        _tell(
            challenge,
            user_ids=member_ids([p.organization_id]),
            title=_("You were awarded the challenge “%(title)s”: register the development contract")
            % {"title": challenge.title},
            key=f"challenge:{challenge.pk}:award:{p.pk}",
            url=p.deal.get_absolute_url(),
        )
    _tell(
        challenge,
        user_ids=member_ids([p.organization_id for p in losers]),
        title=_("The challenge “%(title)s” was awarded to another solver") % {"title": challenge.title},
        key=f"challenge:{challenge.pk}:lost",
    )
    return proposals


@transaction.atomic
def challenge_no_award(*, challenge: Challenge, by: User, reason: str) -> Challenge:
    """The challenger closes the challenge without an award, giving the reason (published)."""
    challenge = _lock(challenge)
    _require_challenger(by, challenge)
    reason = clean_text(
        reason, field="reason", max_length=500, what=_("Give the reason why nobody is awarded.")
    )
    _require_evaluating(challenge)
    now = timezone.now()
    others = list(
        challenge.proposals.filter(status=choices.ProposalStatus.SUBMITTED).values_list(
            "organization_id", flat=True
        )
    )
    challenge.proposals.filter(status=choices.ProposalStatus.SUBMITTED).update(
        status=choices.ProposalStatus.NOT_AWARDED, updated_at=now
    )
    workflow.transition(
        challenge,
        "no_award",
        choices.CHALLENGE_TRANSITIONS,
        event=ChallengeEvent,
        by=by,
        note=reason,
        status_note=reason,
        decided_at=now,
    )
    _tell(
        challenge,
        user_ids=member_ids(others),
        title=_("The challenge “%(title)s” closed without an award") % {"title": challenge.title},
        key=f"challenge:{challenge.pk}:no_award",
    )
    return challenge
