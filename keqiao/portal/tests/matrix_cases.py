"""Concrete arguments for the URL permission matrix: which real object of the world each URL pattern and
each API operation is asked about. A pattern with several cases is asked about each (a published and a
draft achievement, a deal where the persona is a party and one where a broker was invited, …)."""

QUERY = "?"  # key of a case's query string
POST = "post"  # key of a case's POST body (otherwise the POST is empty)

# URL name -> {case: kwargs(world)}; a name without arguments has the single case "".
PAGE_ARGS = {
    "portal:holder": {
        "verified": lambda w: {"pk": w["univ_org"]},
        "suspended": lambda w: {"pk": w["suspended_org"]},
    },
    "achievements:detail": {
        "published": lambda w: {"pk": w["achievement"]},
        "draft": lambda w: {"pk": w["achievement_draft"]},
        "submitted": lambda w: {"pk": w["achievement_submitted"]},
        "suspended_org": lambda w: {"pk": w["achievement_suspended"]},
    },
    "achievements:edit": {
        "draft": lambda w: {"pk": w["achievement_draft"]},
        "suspended_draft": lambda w: {"pk": w["achievement_suspended_draft"]},
    },
    "achievements:attachment_upload": {"draft": lambda w: {"pk": w["achievement_draft"]}},
    "achievements:action": {
        "submit": lambda w: {"pk": w["achievement_draft"], "action": "submit"},
        "approve": lambda w: {"pk": w["achievement_submitted"], "action": "approve"},
        "withdraw": lambda w: {"pk": w["achievement"], "action": "withdraw"},
        "suspended_submit": lambda w: {"pk": w["achievement_suspended_draft"], "action": "submit"},
    },
    "achievements:attachment": {"private": lambda w: {"pk": w["attachment"]}},
    "achievements:attachment_delete": {"private": lambda w: {"pk": w["attachment"]}},
    "demands:detail": {
        "published": lambda w: {"pk": w["demand"]},
        "draft": lambda w: {"pk": w["demand_draft"]},
    },
    "demands:edit": {"draft": lambda w: {"pk": w["demand_draft"]}},
    "demands:action": {"submit": lambda w: {"pk": w["demand_draft"], "action": "submit"}},
    "matching:push": {
        "pair": lambda w: {QUERY: f"achievement={w['achievement']}&demand={w['demand']}"},
    },
    "notifications:unsubscribe": {
        "valid": lambda w: {"token": w["unsubscribe_token"]},
        "forged": lambda w: {"token": "not-a-token"},
    },
    "negotiations:interest": {"achievement": lambda w: {"kind": "achievement", "pk": w["achievement"]}},
    "negotiations:room": {
        "party": lambda w: {"pk": w["deal"], POST: {"action": "message", "message-body": "矩阵测试留言"}},
        "brokered": lambda w: {"pk": w["deal_brokered"], POST: {"action": "message", "message-body": "矩阵"}},
    },
    "negotiations:attachment": {"party": lambda w: {"pk": w["deal"], "attachment_pk": w["deal_attachment"]}},
    "contracts:contract": {
        "registered": lambda w: {"pk": w["contract"], POST: {"action": "submit"}},
        "off_platform": lambda w: {"pk": w["contract_off_platform"], POST: {"action": "approve"}},
    },
    "contracts:contract_edit": {"off_platform": lambda w: {"pk": w["contract_off_platform"]}},
    "contracts:contract_correct": {"registered": lambda w: {"pk": w["contract"]}},
    "governance:plan": {"": lambda w: {"pk": w["plan"]}},
    "governance:plan_xlsx": {"": lambda w: {"pk": w["plan"]}},
    "governance:plan_pdf": {"": lambda w: {"pk": w["plan"]}},
    "governance:indicator": {"": lambda w: {"pk": w["indicator"]}},
    "supervision:task": {"": lambda w: {"pk": w["task"]}},
    "supervision:report_edit": {"": lambda w: {"pk": w["task"]}},
    "supervision:consolidate": {"lead": lambda w: {"pk": w["lead_task"]}},
    "supervision:report": {"": lambda w: {"pk": w["report"]}},
    "supervision:attachment": {
        "": lambda w: {"pk": w["report"], "attachment_pk": w["report_attachment"]},
    },
    "annualreports:detail": {"": lambda w: {"pk": w["annual_report"], POST: {"action": "submit"}}},
    "annualreports:aggregate_xlsx": {"year": lambda w: {QUERY: f"year={w['reporting_year']}"}},
    "annualreports:edit": {"": lambda w: {"pk": w["annual_report"]}},
    "annualreports:export_xlsx": {"": lambda w: {"pk": w["annual_report"]}},
    "annualreports:export_pdf": {"": lambda w: {"pk": w["annual_report"]}},
    "annualreports:project": {"": lambda w: {"pk": w["plan_project"]}},
    "accounts:password_reset_confirm": {"bad_link": lambda w: {"uidb64": "MQ", "token": "set-password"}},
    "accounts:members": {
        "university": lambda w: {"pk": w["univ_org"]},
        "suspended": lambda w: {"pk": w["suspended_org"]},
    },
    "annualreports:start": {
        "existing": lambda w: {POST: {"organization": w["univ_org"], "year": w["reporting_year"]}},
    },
    "accounts:decide": {"verify_pending": lambda w: {"pk": w["pending_org"], "decision": "verify"}},
    # evaluation: readiness assessments, valuations, the pricing dossier
    "evaluation:achievement_trl": {"published": lambda w: {"pk": w["assessment_submitted_achievement"]}},
    "evaluation:assessment": {
        "submitted": lambda w: {"pk": w["assessment_submitted"]},
        "draft": lambda w: {"pk": w["assessment_draft"]},
    },
    "evaluation:assessment_save": {"submitted": lambda w: {"pk": w["assessment_submitted"]}},
    "evaluation:evidence_add": {"submitted": lambda w: {"pk": w["assessment_submitted"]}},
    "evaluation:assessment_confirm": {"submitted": lambda w: {"pk": w["assessment_submitted"]}},
    "evaluation:assessment_return": {"submitted": lambda w: {"pk": w["assessment_submitted"]}},
    "evaluation:evidence": {"submitted": lambda w: {"pk": w["evidence"]}},
    "evaluation:evidence_remove": {"submitted": lambda w: {"pk": w["evidence"]}},
    "evaluation:valuation": {
        "shared": lambda w: {"pk": w["valuation_shared"]},
        "private": lambda w: {"pk": w["valuation_private"]},
    },
    "evaluation:valuation_edit": {"private": lambda w: {"pk": w["valuation_private"]}},
    "evaluation:valuation_copy": {"shared": lambda w: {"pk": w["valuation_shared"]}},
    "evaluation:valuation_share": {"private": lambda w: {"pk": w["valuation_private"]}},
    "evaluation:valuation_pdf": {"shared": lambda w: {"pk": w["valuation_shared"]}},
    "evaluation:valuation_xlsx": {"private": lambda w: {"pk": w["valuation_private"]}},
    "evaluation:dossier": {"party": lambda w: {"deal_pk": w["deal"]}},
    "patents:detail": {
        "published": lambda w: {"pk": w["patent"]},
        "unpublished": lambda w: {"pk": w["patent_unpublished"]},
    },
    "exchange:template": {"achievements": lambda w: {"kind": "achievements"}},
    "exchange:batch": {
        "bureau_done": lambda w: {"pk": w["batch_done"], POST: {"action": "commit"}},
        "bureau_checked": lambda w: {"pk": w["batch_checked"], POST: {"action": "map"}},
        "university": lambda w: {"pk": w["batch_university"]},
    },
    "exchange:report": {"bureau_done": lambda w: {"pk": w["batch_done"]}},
    "trading:auction": {"open": lambda w: {"pk": w["auction"], POST: {"action": "bid", "amount": "1.00"}}},
    "trading:auction_live": {"open": lambda w: {"pk": w["auction"]}},
    "trading:auction_ledger": {"open": lambda w: {"pk": w["auction"]}},
    "trading:notice": {
        "open": lambda w: {"pk": w["notice"], POST: {"action": "object", "reasons": "矩阵测试异议"}}
    },
    "trading:notice_new": {"agreed": lambda w: {"deal_pk": w["notice_deal"]}},
    "trading:listing": {
        "open": lambda w: {
            "pk": w["listing"],
            POST: {"action": "qualify", "intention": w["listing_intention_pending"], "decision": "accept"},
        }
    },
    "challenges:detail": {
        "open": lambda w: {
            "pk": w["challenge"],
            POST: {"action": "award", "proposals": [w["challenge_proposal"]]},
        }
    },
    "challenges:propose": {"open": lambda w: {"pk": w["challenge"]}},
    "challenges:proposal": {
        "sealed": lambda w: {"pk": w["challenge"], "proposal_pk": w["challenge_proposal"]}
    },
    "challenges:attachment": {
        "sealed": lambda w: {
            "pk": w["challenge"],
            "proposal_pk": w["challenge_proposal"],
            "attachment_pk": w["challenge_attachment"],
        }
    },
    "trading:notice_attachment": {
        "objection": lambda w: {"pk": w["notice"], "attachment_pk": w["notice_attachment"]}
    },
}


def api_params(path: str, w) -> dict:
    """Path parameters of an API operation: real ids of the world, by the path's shape."""
    params = {
        "achievement_id": w["achievement"],
        "demand_id": w["demand"],
        "subscription_id": w["subscription"],
        "deal_id": w["deal"],
        "contract_id": w["contract"],
        "task_id": w["task"],
        "plan_id": w["plan"],
        "indicator_id": w["indicator"],
        "project_id": w["plan_project"],
    }
    if path.startswith("/api/v1/me/achievements/"):
        params.update(achievement_id=w["achievement_draft"], action="submit")
    if path.startswith("/api/v1/me/demands/"):
        params.update(demand_id=w["demand_draft"], action="submit")
    if "/offers/" in path:
        params.update(deal_id=w["offer_deal"], offer_id=w["offer"], answer="accept")
    if "/meetings/" in path:
        params.update(deal_id=w["meeting_deal"], meeting_id=w["meeting"], answer="confirm")
    if path.startswith("/api/v1/deals/"):
        params.update(attachment_id=w["deal_attachment"], action="accept")
    if path.startswith("/api/v1/contracts/"):
        params.update(action="submit")
    if path.startswith("/api/v1/supervision/"):
        params.update(report_id=w["report"], attachment_id=w["report_attachment"])
    if path.startswith("/api/v1/trading/"):
        params.update(auction_id=w["auction"], bidder_id=w["auction_bidder_pending"], decision="accept")
        params.update(notice_id=w["notice"], objection_id=w["notice_objection"])
        params.update(listing_id=w["listing"], intention_id=w["listing_intention_pending"])
    if path.startswith("/api/v1/challenges/"):
        params.update(challenge_id=w["challenge"], proposal_id=w["challenge_proposal"])
    if path.startswith("/api/v1/events/"):
        params.update(event_id=_fair(), meeting_id=_fair_meeting(), decision="accept")
    if path.startswith("/api/v1/patents/"):
        params.update(patent_id=w["patent_unpublished"])
    if path.startswith("/api/v1/imports/"):
        params.update(batch_id=w["batch_done"])
    if path.startswith("/api/v1/annual-reports/"):
        params.update(report_id=w["annual_report"], project_id=w["report_project"])
    if path.startswith("/api/v1/readiness/"):
        params.update(assessment_id=w["assessment_submitted"])
    if path.startswith("/api/v1/valuations/"):
        params.update(valuation_id=w["valuation_shared"])
    if path.startswith("/api/v1/registries/"):
        # revoking without a reason: refused (400) for whoever may decide, before anything changes
        params.update(qualification_id=_qualification(), platform_id=_platform(), action="revoke")
    return params


# Operation id -> (encoding, body) of a write that is valid enough for the schema, so that the answer
# shows who may write, not only that an empty body is invalid (422 before any permission check).
API_BODIES = {
    "keqiao_deals_api_message_create": ("form", {"body": "矩阵测试留言"}),
    "keqiao_deals_api_offer_create": (
        "json",
        {"price": "100000.00", "payment_method": "lump_sum", "mode": "license"},
    ),
    "keqiao_deals_api_meeting_create": ("json", {"starts_at": "2030-01-07T10:00:00+08:00", "place": "眉山"}),
    "keqiao_deals_api_invite": ("json", {"username": "agency"}),
    "keqiao_deals_api_milestone_create": ("json", {"title": "中期验收"}),
    "keqiao_deals_api_payment_create": ("json", {"received_on": "2026-01-05", "amount": "1000.00"}),
    "keqiao_deals_api_contract_correction": ("json", {"reason": "更正笔误", "changes": {}}),
    "keqiao_evaluation_api_assessment_confirm": ("json", {"level": 5}),
    "keqiao_evaluation_api_assessment_return": ("json", {"comment": "矩阵测试：请补充报告"}),
    "keqiao_trading_api_bid_create": ("json", {"amount": "1.00"}),
    "keqiao_trading_api_objection_create": ("json", {"reasons": "矩阵测试异议"}),
    "keqiao_trading_api_objection_answer": ("json", {"answer": "矩阵测试答复"}),
    "keqiao_trading_api_listing_relist": ("json", {"price": "1.00"}),
    "keqiao_challenges_api_proposal_score": ("json", {"scores": {"0": 80}}),
    "keqiao_challenges_api_challenge_award": ("json", {"proposal_ids": [1]}),
    "keqiao_challenges_api_challenge_no_award": ("json", {"reason": "矩阵测试：均未达到指标"}),
}

# Operation id -> query string(world) for operations that need one.
API_QUERY = {
    "keqiao_annualreports_api_overview": lambda w: f"year={w['reporting_year']}",
}


# --- expert reviews (the demo's closed and open reviews, and its first expert)
def _review(status: str) -> int:
    from keqiao.reviews.models import Review

    return Review.objects.filter(status=status).order_by("pk").first().pk


def _expert() -> int:
    from keqiao.reviews.models import Expert

    return Expert.objects.order_by("pk").first().pk


PAGE_ARGS.update(
    {
        "reviews:review": {
            "closed": lambda w: {"pk": _review("closed")},
            "open": lambda w: {"pk": _review("open")},
        },
        "reviews:review_pdf": {"closed": lambda w: {"pk": _review("closed")}},
        "reviews:expert": {"": lambda w: {"pk": _expert()}},
        "reviews:expert_edit": {"": lambda w: {"pk": _expert()}},
    }
)

_api_params_before_reviews = api_params


def api_params(path: str, w) -> dict:  # noqa: F811 - extends the function above for the reviews' paths
    params = _api_params_before_reviews(path, w)
    if path.startswith("/api/v1/reviews/"):
        from keqiao.reviews.models import Panelist

        closed = _review("closed")
        params.update(
            review_id=closed,
            panelist_id=Panelist.objects.filter(review_id=closed).order_by("pk").first().pk,
            expert_id=_expert(),
            action="confirm",
        )
    return params


def _certificate_code(w) -> str:
    from keqiao.contracts.models import Certificate

    return Certificate.objects.filter(contract_id=w["contract"], status="valid").values_list(
        "code", flat=True
    )[0]


def _submitted_contract(w) -> int:
    from keqiao.contracts.models import Contract

    return Contract.objects.filter(status="submitted").order_by("pk").values_list("pk", flat=True)[0]


# --- contract registration: certificates, public verification, verified technology income
PAGE_ARGS.update(
    {
        "contracts:contract_income": {
            "submitted": lambda w: {"pk": _submitted_contract(w), POST: {"action": "year"}},
            "registered": lambda w: {
                "pk": w["contract"],
                POST: {"action": "year", "year-year": "2025", "year-amount": "1"},
            },
        },
        "contracts:certificate_pdf": {"registered": lambda w: {"code": _certificate_code(w)}},
        "contracts:certificate_verify": {"registered": lambda w: {"code": _certificate_code(w)}},
    }
)

_api_params_before_certificates = api_params


def api_params(path: str, w) -> dict:  # noqa: F811 - extends the function above with a certificate's code
    params = _api_params_before_certificates(path, w)
    if path.startswith("/api/v1/contract-certificates/"):
        params["code"] = _certificate_code(w)
    return params


API_BODIES.update(
    {
        "keqiao_contracts_register_api_income_year_put": ("json", {"year": 2026, "amount": "1.00"}),
        "keqiao_contracts_register_api_income_deduction_create": (
            "json",
            {"year": 2026, "category": "equipment", "amount": "1.00", "basis": "设备清单"},
        ),
    }
)


def _contract_document(w) -> dict:
    from django.core.files.base import ContentFile

    from keqiao.accounts.models import User
    from keqiao.contracts.models import ContractDocument

    doc = ContractDocument.objects.filter(contract_id=w["contract"]).first()
    if doc is None:
        doc = ContractDocument(
            contract_id=w["contract"],
            kind="signed",
            original_name="合同.pdf",
            size=4,
            sha256="0" * 64,
            uploaded_by=User.objects.get(username="paocai"),
        )
        doc.file.save("matrix.pdf", ContentFile(b"%PDF"), save=False)
        doc.save()
    return {"pk": w["contract"], "document_pk": doc.pk}


PAGE_ARGS.update(
    {
        "contracts:contract_documents": {"registered": lambda w: {"pk": w["contract"]}},
        "contracts:contract_document": {"registered": _contract_document},
        "contracts:contract_review": {"registered": lambda w: {"pk": w["contract"]}},
    }
)

PAGE_ARGS.update(
    {
        "contracts:contract_terminate": {
            "registered": lambda w: {"pk": w["contract"], POST: {"reason": "协议解除"}}
        }
    }
)

# --- draft contracts from the model texts
PAGE_ARGS.update(
    {
        "contracts:contract_draft": {"party": lambda w: {"deal_pk": w["deal"]}},
        "contracts:contract_draft_file": {"party": lambda w: {"deal_pk": w["deal"], "fmt": "docx"}},
    }
)


# --- events (the demo's past lithium-battery fair, organised by the bureau; the university, the Renshou
# county bureau and the agency took part; its first meeting with an outcome, where the university was asked)
def _fair() -> int:
    from keqiao.events.models import Event

    return Event.objects.get(title="锂电产业技术成果对接会").pk


def _fair_meeting() -> int:
    from keqiao.events.models import MeetingRequest

    return MeetingRequest.objects.filter(event_id=_fair()).exclude(outcome="").order_by("pk").first().pk


def _training() -> int:
    from keqiao.events.models import Event

    return Event.objects.get(kind="training").pk


PAGE_ARGS.update(
    {
        "events:detail": {"fair": lambda w: {"pk": _fair(), POST: {"action": "register"}}},
        "events:agenda": {"fair": lambda w: {"pk": _fair(), POST: {"action": "request"}}},
        "events:ics": {"fair": lambda w: {"pk": _fair()}},
        "events:certificate": {"training": lambda w: {"pk": _training()}},
        "events:manage": {"fair": lambda w: {"pk": _fair(), POST: {"action": "schedule", "time_limit": "0"}}},
    }
)
API_BODIES.update(
    {
        "keqiao_events_api_schedule_create": ("json", {"time_limit": 2}),
        "keqiao_events_api_checkin_create": ("json", {"code": "E0-P0"}),
        "keqiao_events_api_meeting_outcome": ("json", {"outcome": "follow_up"}),
    }
)


# --- innovation registries: the demo enterprise's confirmed high-tech qualification (confirmed by the
# bureau: the demo has no 东坡区 S&T bureau) and its enterprise technology centre (the economy department's)
def _qualification() -> int:
    from keqiao.registries.models import Qualification

    return Qualification.objects.get(organization__memberships__user__username="paocai", kind="high_tech").pk


def _platform() -> int:
    from keqiao.registries.models import Platform

    return Platform.objects.get(
        organization__memberships__user__username="paocai", kind="enterprise_centre"
    ).pk


PAGE_ARGS.update(
    {
        "registries:qualification": {"high_tech": lambda w: {"pk": _qualification()}},
        "registries:qualification_decide": {"high_tech": lambda w: {"pk": _qualification()}},
        "registries:qualification_evidence": {"high_tech": lambda w: {"pk": _qualification()}},
        "registries:platform": {"centre": lambda w: {"pk": _platform()}},
        "registries:platform_decide": {"centre": lambda w: {"pk": _platform()}},
        "registries:platform_evidence": {"centre": lambda w: {"pk": _platform()}},
    }
)
