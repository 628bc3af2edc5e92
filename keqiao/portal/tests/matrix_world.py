"""The object graph behind the URL permission matrix (test_url_permission_matrix.py).

One world for the whole module: the demo data (every demo account and organisation, the deals, contracts,
plans, supervision reports and annual reports it sets up, through the services), plus what the demo does
not have: a designated contract registration office, a stranger organisation with no relation to any
record, a suspended organisation that still owns records, drafts and submissions, and an attachment of
each kind. Personas are the real accounts; their roles come from the same predicates the views use.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings

from keqiao.accounts import selectors as account_selectors
from keqiao.accounts.models import Membership, Organization, User
from keqiao.achievements import services as achievement_services
from keqiao.achievements.models import Achievement, Attachment
from keqiao.annualreports.models import AnnualReport, PlanProject, ReportProject
from keqiao.contracts.models import Contract
from keqiao.demands import services as demand_services
from keqiao.demands.models import Demand
from keqiao.exchange.models import ImportBatch
from keqiao.governance.models import ActionPlan, Indicator
from keqiao.matching.models import Subscription
from keqiao.negotiations import selectors as deal_selectors
from keqiao.negotiations.models import Deal, Meeting, Message, MessageAttachment, Offer
from keqiao.notifications.services import unsubscribe_token
from keqiao.patents import services as patent_services
from keqiao.patents.models import Patent
from keqiao.supervision import selectors as supervision_selectors
from keqiao.supervision.models import ProgressReport, ReportAttachment
from keqiao.testing.factories import OrganizationFactory, achievement_data, demand_data, member
from keqiao.trading.models import Auction, Listing, ObjectionAttachment, PriceNotice

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# persona -> demo username (None: not signed in). The order is the order of the report's columns.
PERSONAS = {
    "anonymous": None,
    "enterprise": "paocai",  # enterprise: demands, a registered contract with agri, interest awaiting agri
    "university": "univ",  # university: achievements, a deal agreed with maker, its annual report
    "agency": "agency",  # service agency: broker desk, invited to the bamboo–materials negotiation
    "bureau": "bureau",  # city S&T bureau official
    "county": "renshou",  # county S&T bureau: demands for local enterprises
    "department": "jingxin",  # government department: progress reports on its tasks
    "lead": "caizheng",  # lead department of task 8: consolidates the quarter
    "office": "office",  # a designated technology-contract registration office (agency)
    "reviewer": "education",  # the university's supervising department: reviews its annual report
    "stranger": "stranger",  # a verified enterprise with no relation to any record
    "suspended": "suspended",  # a member of a suspended institute that still owns records
    "admin": "admin",  # platform administrator (staff, superuser)
}


# Text that only the owner, the bureau and the platform's staff may ever receive: a draft's title,
# confidential details and contact e-mail (university), a draft demand's title and contact (enterprise).
# Every page and API answer to any other persona is searched for them.
PRIVATE_MARKERS = {
    "university": ("示范大学未提交的成果草稿", "MATRIX-CONFIDENTIAL-7f3a", "matrix-univ-secret@example.com"),
    "enterprise": ("泡菜企业未提交的需求草稿", "matrix-paocai-secret@example.com"),
}
MARKER_READERS = {
    "university": {"university", "bureau", "admin"},
    "enterprise": {"enterprise", "bureau", "admin"},
}


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.ids[key]


def _org(username: str) -> Organization:
    return Organization.objects.filter(memberships__user__username=username).order_by("pk").first()


def _check_roles(users: dict[str, User | None]) -> None:
    """The personas hold the roles they stand for, read by the product's own predicates."""
    assert account_selectors.user_is_bureau(users["bureau"])
    assert account_selectors.user_is_contract_office(users["office"])
    assert not account_selectors.user_is_bureau(users["office"])
    assert account_selectors.user_is_broker(users["agency"])
    for name in ("county", "department", "lead", "reviewer"):
        assert account_selectors.user_in_government(users[name]), name
    assert supervision_selectors.can_supervise(users["department"])
    assert supervision_selectors.can_supervise(users["lead"])
    for name in ("enterprise", "university", "agency", "stranger", "suspended"):
        assert not account_selectors.user_is_official(users[name]), name
    assert users["admin"].is_staff and users["admin"].is_superuser


def build_world(media_root) -> World:
    with override_settings(MEDIA_ROOT=media_root):
        call_command("load_demo_data", "--limit", "5", verbosity=0)
        return _extend()


def _extend() -> World:
    bureau = User.objects.get(username="bureau")
    univ_user = User.objects.get(username="univ")
    univ = _org("univ")
    paocai_user = User.objects.get(username="paocai")

    office_org = OrganizationFactory(
        name="眉山市技术合同登记处（测试）", kind=Organization.Kind.AGENCY, is_contract_office=True
    )
    member(office_org, Membership.Role.STAFF, username="office")
    stranger_org = OrganizationFactory(name="外地无关企业（测试）", kind=Organization.Kind.ENTERPRISE)
    member(stranger_org, Membership.Role.ADMIN, username="stranger")
    suspended_org = OrganizationFactory(name="已暂停研究所（测试）", kind=Organization.Kind.INSTITUTE)
    suspended_user = member(suspended_org, Membership.Role.ADMIN, username="suspended")

    # The suspended institute published an achievement and kept a draft before it was suspended.
    suspended_published = achievement_services.achievement_create(
        by=suspended_user, organization=suspended_org, data=achievement_data(title="暂停单位已发布的成果")
    )
    achievement_services.achievement_submit(achievement=suspended_published, by=suspended_user)
    achievement_services.achievement_approve(achievement=suspended_published, by=bureau)
    achievement_services.achievement_publish(achievement=suspended_published, by=suspended_user)
    suspended_draft = achievement_services.achievement_create(
        by=suspended_user, organization=suspended_org, data=achievement_data(title="暂停单位的草稿")
    )
    Organization.objects.filter(pk=suspended_org.pk).update(status=Organization.Status.SUSPENDED)

    draft = achievement_services.achievement_create(
        by=univ_user,
        organization=univ,
        data=achievement_data(
            title=PRIVATE_MARKERS["university"][0],
            confidential_details=PRIVATE_MARKERS["university"][1],
            contact_email=PRIVATE_MARKERS["university"][2],
        ),
    )
    submitted = achievement_services.achievement_create(
        by=univ_user, organization=univ, data=achievement_data(title="示范大学待审核的成果")
    )
    achievement_services.achievement_submit(achievement=submitted, by=univ_user)
    published = (
        Achievement.objects.filter(organization=univ, status=Achievement.Status.PUBLISHED)
        .order_by("pk")
        .first()
    )
    attachment = Attachment(
        achievement=published, kind="other", original_name="内部评价.pdf", content_type="application/pdf"
    )
    attachment.size = len(PDF)
    attachment.file.save("internal.pdf", ContentFile(PDF), save=True)

    paocai = _org("paocai")
    demand_draft = demand_services.demand_create(
        by=paocai_user,
        organization=paocai,
        data=demand_data(
            title=PRIVATE_MARKERS["enterprise"][0], contact_email=PRIVATE_MARKERS["enterprise"][1]
        ),
    )
    demand_published = Demand.objects.filter(organization=paocai, status=Demand.Status.PUBLISHED).first()

    maker = _org("maker")
    deal = Deal.objects.get(
        initiator__in=[univ, maker], counterpart__in=[univ, maker], achievement__isnull=False
    )
    brokered = Deal.objects.get(invitations__user__username="agency")
    message = Message.objects.create(deal=deal, author=univ_user, body="附件：技术说明")
    deal_attachment = MessageAttachment(
        message=message, original_name="技术说明.pdf", content_type="application/pdf", size=len(PDF)
    )
    deal_attachment.file.save("spec.pdf", ContentFile(PDF), save=True)
    assert deal_selectors.side_of(univ_user, deal) == univ

    registered = Contract.objects.filter(
        deal__isnull=False, status=Contract.Status.APPROVED, organization__in=[paocai, _org("agri")]
    ).first()
    off_platform = Contract.objects.filter(organization=univ, deal__isnull=True).order_by("pk").first()

    plan = ActionPlan.objects.order_by("pk").first()
    jingxin_org = _org("jingxin")
    report = ProgressReport.objects.filter(department__organization=jingxin_org).order_by("pk").first()
    report_attachment = ReportAttachment(
        report=report,
        original_name="佐证.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=User.objects.get(username="jingxin"),
    )
    report_attachment.file.save("evidence.pdf", ContentFile(PDF), save=True)
    lead_task = (
        report.task.plan.tasks.filter(
            assignments__position=0, assignments__department__organization=_org("caizheng")
        )
        .order_by("number")
        .first()
    )

    # An application not yet published: only the university's members and the bureau see it.
    patent_unpublished, _created = patent_services.patent_save(
        by=None,
        data={
            "application_number": patent_services.application_number_with_check("202410999901"),
            "title": "示范大学未公开的专利申请",
        },
        holder=univ,
    )

    annual_report = AnnualReport.objects.get(organization=univ)
    offer = Offer.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    users = {name: (User.objects.get(username=u) if u else None) for name, u in PERSONAS.items()}
    _check_roles(users)
    world = World(users=users)
    world.ids.update(
        univ_org=univ.pk,
        stranger_org=stranger_org.pk,
        suspended_org=suspended_org.pk,
        pending_org=Organization.objects.get(status=Organization.Status.PENDING).pk,
        achievement=published.pk,
        achievement_draft=draft.pk,
        achievement_submitted=submitted.pk,
        achievement_suspended=suspended_published.pk,
        achievement_suspended_draft=suspended_draft.pk,
        attachment=attachment.pk,
        demand=demand_published.pk,
        demand_draft=demand_draft.pk,
        deal=deal.pk,
        deal_brokered=brokered.pk,
        deal_attachment=deal_attachment.pk,
        offer=offer.pk,
        offer_deal=offer.deal_id,
        meeting=meeting.pk,
        meeting_deal=meeting.deal_id,
        contract=registered.pk,
        contract_off_platform=off_platform.pk,
        plan=plan.pk,
        indicator=Indicator.objects.filter(plan=plan).order_by("pk").first().pk,
        task=report.task_id,
        lead_task=lead_task.pk,
        report=report.pk,
        report_attachment=report_attachment.pk,
        annual_report=annual_report.pk,
        reporting_year=annual_report.reporting_year.year,
        report_project=ReportProject.objects.filter(report__organization=univ).order_by("pk").first().pk,
        subscription=Subscription.objects.filter(user=paocai_user).order_by("pk").first().pk,
        plan_project=PlanProject.objects.filter(organization=univ).order_by("pk").first().pk,
        unsubscribe_token=unsubscribe_token(univ_user),
        auction=Auction.objects.get(organization=univ, status=Auction.Status.OPEN).pk,
        auction_bidder_pending=Auction.objects.get(organization=univ).bidders.get(status="pending").pk,
        listing=Listing.objects.get(organization=univ, status=Listing.Status.OPEN).pk,
        listing_intention_pending=Listing.objects.get(organization=univ, status=Listing.Status.OPEN)
        .intentions.get(status="pending")
        .pk,
        notice=PriceNotice.objects.get(organization=univ).pk,
        notice_deal=PriceNotice.objects.get(organization=univ).deal_id,
        notice_attachment=ObjectionAttachment.objects.get().pk,
        notice_objection=ObjectionAttachment.objects.get().objection_id,
        patent=Patent.objects.filter(holder=univ).exclude(publication_number="").order_by("pk").first().pk,
        patent_unpublished=patent_unpublished.pk,
        batch_done=ImportBatch.objects.filter(created_by=bureau, status="done", kind="achievements").get().pk,
        batch_checked=ImportBatch.objects.filter(created_by=bureau, status="checked").get().pk,
        batch_university=ImportBatch.objects.filter(created_by=univ_user).get().pk,
    )
    world.ids.update(_challenge_ids(univ))
    world.ids.update(_evaluation_ids(univ, deal))
    return world


def _challenge_ids(univ: Organization) -> dict:
    """The demo's open challenge of the pickle maker and the university's sealed proposal to it."""
    from keqiao.challenges.models import Challenge, ProposalAttachment

    attachment = ProposalAttachment.objects.select_related("proposal").get(
        proposal__organization=univ, proposal__challenge__status=Challenge.Status.OPEN
    )
    return {
        "challenge": attachment.proposal.challenge_id,
        "challenge_proposal": attachment.proposal_id,
        "challenge_attachment": attachment.pk,
    }


def _evaluation_ids(univ: Organization, deal: Deal) -> dict:
    """The demo's readiness assessments and valuations: the university's submitted assessment and its
    evidence, the agricultural institute's draft, the university's valuation shared into its agreed deal
    with the maker, and its private one."""
    from keqiao.evaluation.models import TrlAssessment, TrlEvidence, Valuation

    submitted = TrlAssessment.objects.get(achievement__organization=univ, status="submitted")
    return {
        "assessment_submitted": submitted.pk,
        "assessment_submitted_achievement": submitted.achievement_id,
        "assessment_draft": TrlAssessment.objects.get(status="draft").pk,
        "evidence": TrlEvidence.objects.filter(assessment=submitted).order_by("pk").first().pk,
        "valuation_shared": Valuation.objects.get(organization=univ, deal=deal).pk,
        "valuation_private": Valuation.objects.get(organization=univ, deal__isnull=True).pk,
    }
