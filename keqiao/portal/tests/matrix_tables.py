"""The declared table of the URL permission matrix: who may reach each URL, per persona.

PAGES: URL name -> {case: {"GET": outcome, "POST": outcome}} (POST only for write endpoints);
API: operation id -> outcome; ADMIN: kind of admin pattern -> {"staff": status, "others": status}.
An outcome gives every persona of matrix_world.PERSONAS its status; the helpers build them from groups
that follow the product's role predicates (keqiao.accounts.selectors and the apps' selectors).
"""

from .matrix_world import PERSONAS

LOGIN = 302  # an anonymous visitor is sent to the sign-in page
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")

GROUPS = {
    # user_is_bureau: the city S&T bureau, and platform administrators
    "officials": ("bureau", "admin"),
    # user_is_contract_office: the bureau and a designated registration office
    "registry": ("bureau", "office", "admin"),
    # user_sees_statistics: verified government members and the registration office
    "government": ("bureau", "county", "department", "lead", "reviewer", "office", "admin"),
    # supervision.selectors.can_supervise: the bureau and the plan's linked departments
    "supervision": ("bureau", "department", "lead", "admin"),
    # user_is_broker: members of verified service agencies (the registration office is one)
    "brokers": ("agency", "office"),
}


def outcome(default: int, *, anonymous: int = LOGIN, **who: int) -> dict:
    """`default` for every signed-in persona, `anonymous` for visitors; `who` names groups (applied first)
    or personas with their own status."""
    result = {p: default for p in SIGNED_IN} | {"anonymous": anonymous}
    for name, status in sorted(who.items(), key=lambda item: item[0] not in GROUPS):
        for persona in GROUPS.get(name, (name,)):
            result[persona] = status
    assert set(result) == set(PERSONAS), set(result) ^ set(PERSONAS)
    return result


def everyone(status: int) -> dict:
    return outcome(status, anonymous=status)


def only(*who: str, status: int = 200, others: int = 404, anonymous: int = LOGIN, **exceptions) -> dict:
    """`status` for the personas or groups `who`, `others` for every other signed-in persona."""
    return outcome(others, anonymous=anonymous, **{w: status for w in who}, **exceptions)


def api_only(*who: str, status: int = 200, others: int = 404, **exceptions) -> dict:
    return only(*who, status=status, others=others, anonymous=401, **exceptions)


def page(get: dict, post: dict | None = None) -> dict:
    return {"GET": get} | ({"POST": post} if post is not None else {})


# exchange.services.may_import: the bureau, and members of verified holder organisations
IMPORTERS = ("enterprise", "university", "agency", "office", "stranger", "officials")

POST_ONLY = outcome(405)  # GET on a write endpoint: anonymous visitors are sent to sign in first

PAGES = {
    # --- public pages, sign-in and the portal
    "portal:home": {"": page(everyone(200))},
    "portal:healthz": {"": page(everyone(200))},
    "portal:holder": {"verified": page(everyone(200)), "suspended": page(everyone(404))},
    "portal:workbench": {"": page(outcome(200))},
    "set_language": {"": page(everyone(302), everyone(302))},
    "api:openapi-json": {"": page(everyone(200))},
    "api:openapi-view": {"": page(everyone(200))},
    "api:api-root": {"": page(everyone(404))},
    "accounts:login": {"": page(outcome(302, anonymous=200), outcome(302, anonymous=200))},
    "accounts:logout": {"": page(everyone(405), everyone(302))},
    "accounts:register": {"": page(everyone(200), everyone(200))},
    "accounts:password_change": {"": page(outcome(200), outcome(200))},
    "accounts:password_reset": {"": page(everyone(200), everyone(200))},
    "accounts:password_reset_done": {"": page(everyone(200))},
    "accounts:password_reset_confirm": {"bad_link": page(everyone(200), everyone(200))},
    "accounts:password_reset_complete": {"": page(everyone(200))},
    # two-factor sign-in: the code step needs a pending sign-in (without one it sends back to sign in)
    "accounts:login_verify": {"": page(everyone(302), everyone(302))},
    "accounts:security": {"": page(outcome(200))},
    "accounts:two_factor_setup": {"": page(outcome(200), outcome(200))},
    "accounts:recovery_codes": {"": page(outcome(302), outcome(302))},
    "accounts:two_factor_disable": {"": page(POST_ONLY, everyone(302))},
    "accounts:pending": {"": page(only("officials"))},
    "accounts:members": {
        "university": page(only("university"), only("university", status=200)),
        "suspended": page(only("suspended"), only("suspended", status=200)),
    },
    # verifying is confirmed first: an unconfirmed POST answers with the confirmation page (200)
    "accounts:decide": {"verify_pending": page(POST_ONLY, only("officials", status=200))},
    # --- achievements
    "achievements:list": {"": page(everyone(200))},
    "achievements:mine": {"": page(outcome(200))},
    "achievements:create": {"": page(outcome(200, admin=302), outcome(400, admin=302))},
    "achievements:review_queue": {"": page(only("officials"))},
    "achievements:detail": {
        "published": page(everyone(200)),
        "draft": page(only("university", "officials", anonymous=404)),
        "submitted": page(only("university", "officials", anonymous=404)),
        # A suspended organisation's published listing stays in the showcase (its holder page does not).
        "suspended_org": page(everyone(200)),
    },
    "achievements:edit": {
        "draft": page(only("university", officials=302), only("university", status=400, officials=302)),
        "suspended_draft": page(
            only("suspended", officials=302), only("suspended", status=400, officials=302)
        ),
    },
    "achievements:attachment_upload": {"draft": page(POST_ONLY, only("university", "officials", status=302))},
    "achievements:action": {
        "submit": page(POST_ONLY, only("university", "officials", status=302)),
        # irreversible actions answer a POST without confirmed=1 with the confirmation page (200)
        "approve": page(POST_ONLY, only("university", "officials", status=200)),
        "withdraw": page(POST_ONLY, only("university", "officials", status=200, others=403)),
        "suspended_submit": page(POST_ONLY, only("suspended", "officials", status=302)),
    },
    "achievements:attachment": {"private": page(only("university", "officials", anonymous=404))},
    "achievements:attachment_delete": {
        "private": page(POST_ONLY, only("university", "officials", status=302))
    },
    # --- demands
    "demands:list": {"": page(everyone(200))},
    "demands:mine": {"": page(outcome(200))},
    "demands:create": {"": page(outcome(200, admin=302), outcome(400, admin=302))},
    "demands:review_queue": {"": page(only("officials"))},
    "demands:detail": {
        "published": page(everyone(200)),
        "draft": page(only("enterprise", "officials", anonymous=404)),
    },
    "demands:edit": {
        "draft": page(only("enterprise", officials=302), only("enterprise", status=400, officials=302)),
    },
    "demands:action": {"submit": page(POST_ONLY, only("enterprise", "officials", status=302))},
    # --- matching and notifications
    "matching:follow": {"": page(POST_ONLY, outcome(302))},
    "matching:subscriptions": {"": page(outcome(200), outcome(200))},
    "matching:recommendations": {"": page(outcome(200))},
    "matching:push": {"pair": page(only("brokers"), only("brokers", status=400))},
    "matching:broker": {"": page(only("brokers"))},
    "matching:suggest": {"": page(everyone(405), everyone(200))},
    "notifications:list": {"": page(outcome(200), outcome(302))},
    "notifications:unsubscribe": {
        "valid": page(everyone(200), everyone(200)),
        "forged": page(everyone(200), everyone(400)),
    },
    # --- negotiations
    "negotiations:mine": {"": page(outcome(200))},
    "negotiations:bureau_list": {"": page(only("officials"))},
    "negotiations:interest": {"achievement": page(outcome(200), outcome(200))},
    "negotiations:room": {
        # The bureau reads rooms but does not write in them; the univ–maker room is closed (agreed).
        "party": page(only("university", "officials"), only("university", "officials", status=400)),
        "brokered": page(only("agency", "officials"), only("agency", status=302, officials=400)),
    },
    "negotiations:attachment": {"party": page(only("university", "officials"))},
    # --- technology contracts and statistics
    "contracts:contracts": {"": page(outcome(200))},
    "contracts:contract_new": {"": page(outcome(200, admin=404), outcome(200, admin=404))},
    "contracts:contract": {
        "registered": page(only("enterprise", "registry"), only("enterprise", "registry", status=302)),
        "off_platform": page(only("university", "registry"), only("university", "registry", status=200)),
    },
    "contracts:contract_edit": {"off_platform": page(outcome(404), outcome(404))},
    "contracts:contract_correct": {"registered": page(only("registry"), only("registry"))},
    "contracts:statistics": {"": page(only("government"))},
    "contracts:statistics_export": {"": page(only("registry"))},
    # --- listed trading: the public hall and auction; only the admitted bidder's low bid reaches the rule
    "trading:hall": {"": page(everyone(200))},
    # --- patents: published ones in public; an unpublished application only to its holder and the bureau
    "patents:list": {"": page(everyone(200))},
    "patents:detail": {
        "published": page(everyone(200)),
        "unpublished": page(only("university", "officials", anonymous=404)),
    },
    # --- bulk import: holders' verified members and the bureau; an import only to its uploader and the
    # bureau; only the uploader continues it (a finished import refuses another run: 400)
    "exchange:home": {"": page(only(*IMPORTERS), only(*IMPORTERS, status=400))},
    "exchange:template": {"achievements": page(everyone(200))},
    "exchange:batch": {
        "bureau_done": page(only("officials"), only("bureau", status=400)),
        "bureau_checked": page(only("officials"), only("bureau", status=400)),
        "university": page(only("university", "officials")),
    },
    "exchange:report": {"bureau_done": page(only("officials"))},
    "trading:auction_new": {"": page(only("university"), only("university", status=400))},
    "trading:auction": {"open": page(everyone(200), only("enterprise", status=400, others=403))},
    "trading:auction_live": {"open": page(everyone(200))},
    "trading:auction_ledger": {"open": page(only("enterprise", "university", "officials"))},
    # a price notice is public and anyone signed in may object; the objection's files are private
    "trading:notice": {"open": page(everyone(200), everyone(302))},
    "trading:notice_new": {"agreed": page(only("university"), only("university", status=400))},
    "trading:notice_attachment": {"objection": page(only("enterprise", "university", "officials"))},
    # a listing is public; only its holder decides qualification (the deposit must be recorded: 400)
    "trading:listings": {"": page(everyone(200))},
    "trading:listing_new": {"": page(only("university"), only("university", status=400))},
    "trading:listing": {"open": page(everyone(200), only("university", status=400))},
    # --- challenge tenders: public challenges; the demo's open one is the pickle maker's, with the
    # university's sealed proposal (not even the challenger reads it before the deadline)
    "challenges:list": {"": page(everyone(200))},
    "challenges:new": {
        "": page(only("enterprise", "county", "bureau"), only("enterprise", "county", "bureau", status=400))
    },
    "challenges:statistics": {"": page(only("government"))},
    "challenges:detail": {"open": page(everyone(200), only("enterprise", status=400))},
    "challenges:propose": {
        "open": page(
            only("university", "agency", "office", "stranger"),
            only("university", "agency", "office", "stranger", status=400),
        )
    },
    "challenges:proposal": {"sealed": page(only("university"))},
    "challenges:attachment": {"sealed": page(only("university"))},
    # --- action plans
    "governance:plans": {"": page(only("government"))},
    "governance:plan_create": {"": page(only("officials"), only("officials"))},
    "governance:plan_import": {"": page(only("officials"), only("officials"))},
    "governance:plan_template": {"": page(only("government"))},
    "governance:plan": {"": page(only("government"))},
    "governance:plan_xlsx": {"": page(only("government"))},
    "governance:plan_pdf": {"": page(only("government"))},
    "governance:indicator": {"": page(only("government"))},
    # --- task supervision
    # the annual-report reviewer (市教体局) is also one of the plan's departments
    "supervision:home": {"": page(only("bureau", "department", "lead", "reviewer", admin=302))},
    "supervision:matrix": {"": page(only("officials"))},
    "supervision:task": {"": page(only("supervision", "reviewer"))},
    "supervision:report_edit": {
        "": page(
            only("bureau", "department", "lead", "reviewer"),
            only("bureau", "department", "lead", "reviewer", status=400),
        )
    },
    "supervision:consolidate": {"lead": page(only("supervision", status=302), only("lead", status=400))},
    "supervision:report": {"": page(only("bureau", "department", "admin"))},
    "supervision:attachment": {"": page(only("bureau", "department", "admin"))},
    # --- annual reports and funded projects
    "annualreports:index": {"": page(only("university", "reviewer", "officials"))},
    "annualreports:start": {"existing": page(POST_ONLY, only("university", status=302))},
    "annualreports:aggregate_xlsx": {"year": page(only("officials"))},
    "annualreports:detail": {
        "": page(
            only("university", "reviewer", "officials"),
            only("university", "reviewer", "officials", status=302),
        )
    },
    "annualreports:edit": {"": page(only("university", status=302), only("university", status=302))},
    "annualreports:export_xlsx": {"": page(only("university", "reviewer", "officials"))},
    "annualreports:export_pdf": {"": page(only("university", "reviewer", "officials"))},
    "annualreports:projects": {"": page(outcome(200))},
    "annualreports:project": {"": page(only("university", "officials"), only("university", "officials"))},
}

# A write whose body ninja validates before the handler runs: with the empty body every signed-in caller
# gets 422 (nothing about the record is revealed); anonymous callers 401 and no CSRF token 403 come first.
VALIDATED = outcome(422, anonymous=401)

# Operation id -> outcome. Public reads answer everybody; the rest answer anonymous callers 401. Refusals
# are 404 to whoever may not see the record and 403 to whoever sees it but may not do this; 409 is a
# transition the record's state does not allow, 400 a refusal of the request's content.
API = {
    "keqiao_achievements_api_search": everyone(200),
    "keqiao_achievements_api_detail": everyone(200),
    "keqiao_achievements_api_my_list": api_only(*SIGNED_IN),
    "keqiao_achievements_api_create": api_only(*SIGNED_IN, status=422),
    "keqiao_achievements_api_my_detail": api_only("university", "officials"),
    "keqiao_achievements_api_update": api_only(
        "university", bureau=403, admin=200
    ),  # superusers may correct drafts
    "keqiao_achievements_api_action": api_only("university", officials=403),
    "keqiao_achievements_api_review_list": api_only("officials"),
    "keqiao_demands_api_search": everyone(200),
    "keqiao_demands_api_detail": everyone(200),
    "keqiao_demands_api_create": api_only(*SIGNED_IN, status=422),
    "keqiao_demands_api_my_list": api_only(*SIGNED_IN),
    "keqiao_demands_api_my_detail": api_only("enterprise", "officials"),
    "keqiao_demands_api_update": api_only("enterprise", officials=403),
    "keqiao_demands_api_action": api_only("enterprise", officials=403),
    "keqiao_demands_api_review_list": api_only("officials"),
    "keqiao_matching_api_demand_matches": everyone(200),
    "keqiao_matching_api_achievement_matches": everyone(200),
    "keqiao_matching_api_suggest": everyone(422),
    "keqiao_matching_api_my_subscriptions": api_only(*SIGNED_IN),
    "keqiao_matching_api_subscribe": api_only(*SIGNED_IN, status=422),
    "keqiao_matching_api_unsubscribe": api_only("enterprise", status=204),
    "keqiao_matching_api_my_notifications": api_only(*SIGNED_IN),
    "keqiao_deals_api_statistics_statistics": api_only("government"),
    "keqiao_deals_api_deal_list": api_only(*SIGNED_IN),
    "keqiao_deals_api_deal_create": api_only(*SIGNED_IN, status=422),
    "keqiao_deals_api_deal_detail": api_only("university", "officials"),
    "keqiao_deals_api_message_create": api_only("university", status=400, officials=403),  # room closed
    "keqiao_deals_api_attachment_download": api_only("university", "officials"),
    "keqiao_deals_api_offer_create": VALIDATED,
    "keqiao_deals_api_offer_answer": api_only("agency", "officials", status=403),
    "keqiao_deals_api_meeting_create": api_only("university", status=400, officials=403),
    "keqiao_deals_api_meeting_answer": api_only("agency", "officials", status=403),
    "keqiao_deals_api_invite": api_only("university", status=400, officials=403),
    "keqiao_deals_api_deal_action": api_only("university", status=409, officials=403),
    "keqiao_deals_api_contract_list": api_only(*SIGNED_IN),
    "keqiao_deals_api_contract_create": api_only(*SIGNED_IN, status=422),
    "keqiao_deals_api_contract_detail": api_only("enterprise", "registry"),
    "keqiao_deals_api_contract_update": api_only("enterprise", "registry", status=403),
    "keqiao_deals_api_contract_correction": api_only("registry", status=400, enterprise=403),
    "keqiao_deals_api_milestone_create": api_only("enterprise", status=201, registry=403),
    "keqiao_deals_api_payment_create": api_only("enterprise", status=201, registry=403),
    "keqiao_deals_api_contract_action": api_only("enterprise", "registry", status=403),
    "keqiao_supervision_api_task_list": api_only("supervision", "reviewer"),
    "keqiao_supervision_api_task_detail": api_only("supervision", "reviewer"),
    "keqiao_supervision_api_report_put": VALIDATED,
    "keqiao_supervision_api_report_detail": api_only("bureau", "department", "admin"),
    "keqiao_supervision_api_report_attach": VALIDATED,
    "keqiao_supervision_api_attachment_download": api_only("bureau", "department", "admin"),
    "keqiao_supervision_api_consolidation_create": VALIDATED,
    "keqiao_supervision_api_matrix": api_only("officials"),
    "keqiao_governance_api_plan_list": api_only("government"),
    "keqiao_governance_api_plan_create": VALIDATED,
    "keqiao_governance_api_plan_detail": api_only("government"),
    "keqiao_governance_api_indicator_detail": api_only("government"),
    "keqiao_governance_api_indicator_report": VALIDATED,
    "keqiao_annualreports_api_overview": api_only("officials"),
    "keqiao_annualreports_api_report_list": api_only("university", "reviewer", "officials"),
    "keqiao_annualreports_api_report_start": api_only(*SIGNED_IN, status=422),
    "keqiao_annualreports_api_report_detail": api_only("university", "reviewer", "officials"),
    "keqiao_annualreports_api_report_update": api_only("reviewer", "officials", status=403, university=400),
    "keqiao_annualreports_api_project_add": VALIDATED,
    "keqiao_annualreports_api_project_remove": api_only("reviewer", "officials", status=403, university=400),
    "keqiao_annualreports_api_report_submit": api_only("reviewer", "officials", status=403, university=409),
    "keqiao_annualreports_api_report_return": api_only("university", "officials", status=403, reviewer=400),
    "keqiao_annualreports_api_report_approve": api_only("university", "officials", status=403, reviewer=409),
    "keqiao_annualreports_api_report_receive": api_only("university", "reviewer", status=403, officials=409),
    "keqiao_annualreports_api_report_reopen": api_only("reviewer", "officials", status=400, university=403),
    "keqiao_annualreports_api_plan_projects": api_only(*SIGNED_IN),
    "keqiao_annualreports_api_plan_project": api_only("university", "officials"),
    "keqiao_annualreports_api_plan_project_report": VALIDATED,
    "keqiao_annualreports_api_plan_project_link": VALIDATED,
    "keqiao_patents_api_patent_list": everyone(200),
    "keqiao_patents_api_patent_detail": only("university", "officials", anonymous=404),
    "keqiao_exchange_api_batch_list": api_only(*SIGNED_IN),
    "keqiao_exchange_api_batch_detail": api_only("officials"),
    "keqiao_trading_api_auction_list": everyone(200),
    "keqiao_trading_api_auction_detail": everyone(200),
    "keqiao_trading_api_auction_create": api_only(*SIGNED_IN, status=422),
    "keqiao_trading_api_bidder_register": api_only(*SIGNED_IN, status=422),
    "keqiao_trading_api_bidder_list": api_only("university", "officials"),
    # the organiser must record the deposit to admit (400); nobody else may decide
    "keqiao_trading_api_bidder_decide": api_only("university", status=400),
    "keqiao_trading_api_bid_create": api_only("enterprise", status=400, others=403),
    "keqiao_trading_api_ledger_export": api_only("enterprise", "university", "officials"),
    "keqiao_trading_api_ledger_verify": api_only("enterprise", "university", "officials"),
    "keqiao_trading_api_notice_list": everyone(200),
    "keqiao_trading_api_notice_detail": everyone(200),
    "keqiao_trading_api_notice_create": api_only(*SIGNED_IN, status=422),
    "keqiao_trading_api_objection_create": api_only(*SIGNED_IN, status=201),
    # the demo objection is answered already (400 for the holder); nobody else answers
    "keqiao_trading_api_objection_answer": api_only("university", status=400, others=403),
    "keqiao_trading_api_listing_list": everyone(200),
    "keqiao_trading_api_listing_detail": everyone(200),
    "keqiao_trading_api_listing_create": api_only(*SIGNED_IN, status=422),
    "keqiao_trading_api_intention_register": api_only(*SIGNED_IN, status=422),
    "keqiao_trading_api_intention_list": api_only("university", "officials"),
    # the holder must record the deposit to accept (400); nobody else decides
    "keqiao_trading_api_intention_decide": api_only("university", status=400),
    # only a listing closed without a buyer is relisted (the demo's is open: 400); nobody else relists
    "keqiao_trading_api_listing_relist": api_only("university", status=400),
    "keqiao_challenges_api_challenge_statistics": api_only("government"),
    "keqiao_challenges_api_challenge_list": everyone(200),
    "keqiao_challenges_api_challenge_detail": everyone(200),
    "keqiao_challenges_api_challenge_create": api_only(*SIGNED_IN, status=422),
    "keqiao_challenges_api_proposal_create": api_only(*SIGNED_IN, status=422),
    "keqiao_challenges_api_proposal_list": api_only(*SIGNED_IN),
    "keqiao_challenges_api_proposal_detail": api_only("university"),
    "keqiao_challenges_api_proposal_withdraw": api_only("university"),
    # only the challenger scores (and not before the deadline); the proposal is sealed to everyone else
    "keqiao_challenges_api_proposal_score": api_only("university", status=403),
    "keqiao_challenges_api_challenge_award": api_only("enterprise", status=400),
    "keqiao_challenges_api_challenge_no_award": api_only("enterprise", status=400),
    "keqiao_api_regions": everyone(200),
    "keqiao_api_classifications": everyone(200),
}

# The admin site, one group: each of its patterns by kind. Staff get the page; every other persona,
# signed in or not, is sent to the admin's sign-in page.
ADMIN = {
    "admin:index": {"staff": 200, "others": 302},
    "admin:login": {"staff": 302, "others": 302},  # the admin's sign-in sends to the platform's
    "admin:logout": {"staff": 405, "others": 302},  # signing out of the admin takes a POST
    "admin:auth_user_password_change": {"staff": 200, "others": 302},
    "admin:password_change": {"staff": 200, "others": 302},
    "admin:password_change_done": {"staff": 200, "others": 302},
    "admin:autocomplete": {"staff": 403, "others": 302},
    "admin:jsi18n": {"staff": 200, "others": 302},
    "admin:view_on_site": {"staff": 302, "others": 302},
    "admin:app_list": {"staff": 200, "others": 302},
    "changelist": {"staff": 200, "others": 302},
    "add": {"staff": 200, "others": 302},
    "change": {"staff": 200, "others": 302},
    "history": {"staff": 200, "others": 302},
    "delete": {"staff": 200, "others": 302},
    "object": {"staff": 302, "others": 302},  # <object_id>/ redirects to its change page
    "catch_all": {"staff": 404, "others": 302},
    # django-otp's device pages: the world has no authenticator device; the admin sends back to the list
    "admin:otp_totp_totpdevice_config": {"staff": 302, "others": 302},
    "admin:otp_totp_totpdevice_qrcode": {"staff": 302, "others": 302},
}

# Rows the admin may not add or delete, even for staff (403): the audit trail, sign-in records, the
# search index's change log, and records that only the platform's workflows create.
ADMIN_NO_ADD = {
    "accounts.organizationevent",
    "achievements.achievementevent",
    "annualreports.annualreport",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "contracts.contract",
    "negotiations.deal",
    "search.indexchange",
    "supervision.supervisionevent",
}
ADMIN_NO_DELETE = {
    "accounts.organizationevent",
    "achievements.achievementevent",
    "contracts.contract",
    "negotiations.deal",
    "search.indexchange",
    "supervision.supervisionevent",
}

# --- expert reviews: the agency organised the closed review of the university's achievement (the
# university is its holder); the bureau organises the open one; no persona is an expert.
ORGANIZERS = ("agency", "bureau", "office")  # verified agencies (the office is one) and the city bureau
PAGES.update(
    {
        "reviews:reviews": {"": page(outcome(200))},
        "reviews:review_new": {"": page(only(*ORGANIZERS), only(*ORGANIZERS, status=400))},
        "reviews:my_reviews": {"": page(outcome(404))},
        "reviews:my_profile": {"": page(outcome(404))},
        "reviews:review": {
            "closed": page(only("agency", "officials", "university")),
            "open": page(only("officials")),
        },
        "reviews:review_pdf": {"closed": page(only("agency", "officials", "university"))},
        "reviews:experts": {"": page(only("officials"))},
        "reviews:expert_invite": {"": page(only("officials"), only("officials", status=400))},
        "reviews:expert": {"": page(only("officials"))},
        "reviews:expert_edit": {"": page(only("officials"))},
    }
)
API.update(
    {
        "keqiao_reviews_api_expert_list": api_only("officials"),
        "keqiao_reviews_api_expert_invite": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_expert_me": api_only(),
        "keqiao_reviews_api_expert_me_update": api_only(),
        "keqiao_reviews_api_expert_action": api_only(
            "officials", status=409
        ),  # confirming a confirmed expert
        "keqiao_reviews_api_review_list": api_only(*SIGNED_IN),
        "keqiao_reviews_api_my_panels": api_only(*SIGNED_IN),
        "keqiao_reviews_api_review_open": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_review_detail": api_only("agency", "officials", "university"),
        "keqiao_reviews_api_review_proposal": api_only("agency"),
        "keqiao_reviews_api_panel_add": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_panel_remove": api_only("agency", status=409),  # the review is closed
        "keqiao_reviews_api_panel_reopen": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_score_submit": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_review_start": api_only("agency", status=409),
        "keqiao_reviews_api_review_close": api_only("agency", status=409),
        "keqiao_reviews_api_review_cancel": api_only(*SIGNED_IN, status=422),
        "keqiao_reviews_api_review_apply": api_only(*SIGNED_IN, status=422),
    }
)
# --- evaluation: readiness assessments (holders; experts and service agencies confirm), valuations
# (private to their organisation, shared into a negotiation room for its parties), pricing dossiers
ASSESSORS = ("agency", "office")  # evaluation.selectors.user_is_assessor: members of verified agencies
PAGES |= {
    "evaluation:achievement_trl": {"published": page(outcome(200), outcome(302))},
    "evaluation:queue": {"": page(outcome(200))},
    "evaluation:assessment": {"submitted": page(only("university", *ASSESSORS)), "draft": page(only())},
    "evaluation:assessment_save": {"submitted": page(POST_ONLY, only("university", *ASSESSORS, status=400))},
    "evaluation:evidence_add": {"submitted": page(POST_ONLY, only("university", *ASSESSORS, status=400))},
    "evaluation:assessment_confirm": {
        "submitted": page(POST_ONLY, only("university", *ASSESSORS, status=400))
    },
    "evaluation:assessment_return": {
        "submitted": page(POST_ONLY, only("university", *ASSESSORS, status=400))
    },
    "evaluation:evidence": {"submitted": page(only("university", *ASSESSORS))},
    "evaluation:evidence_remove": {"submitted": page(POST_ONLY, only("university", *ASSESSORS, status=302))},
    "evaluation:valuations": {"": page(outcome(200))},
    # without an organisation (the platform administrator) there is nothing to value for: sent back
    "evaluation:valuation_new": {"": page(outcome(200, admin=302), outcome(400, admin=302))},
    "evaluation:valuation": {"shared": page(only("university")), "private": page(only("university"))},
    "evaluation:valuation_edit": {"private": page(only("university"), only("university", status=400))},
    "evaluation:valuation_copy": {"shared": page(POST_ONLY, only("university", status=302))},
    "evaluation:valuation_share": {"private": page(POST_ONLY, only("university", status=302))},
    "evaluation:valuation_pdf": {"shared": page(only("university"))},
    "evaluation:valuation_xlsx": {"private": page(only("university"))},
    "evaluation:dossier": {"party": page(only("university"))},
}
API |= {
    "keqiao_evaluation_api_readiness_levels": everyone(200),
    "keqiao_evaluation_api_assessments": api_only(*SIGNED_IN),
    "keqiao_evaluation_api_assessment": api_only("university", *ASSESSORS),
    "keqiao_evaluation_api_assessment_confirm": api_only(*ASSESSORS, university=403),
    "keqiao_evaluation_api_valuations": api_only(*SIGNED_IN),
    "keqiao_evaluation_api_valuation_create": api_only(*SIGNED_IN, status=422),
    "keqiao_evaluation_api_valuation": api_only("university"),
    "keqiao_evaluation_api_valuation_copy": api_only("university", status=201),
    "keqiao_evaluation_api_valuation_share": api_only("university"),
    # the university may already have an assessment in progress on the achievement asked about (409)
    "keqiao_evaluation_api_assessment_start": api_only("university", status=(201, 409), others=403),
    "keqiao_evaluation_api_assessment_save": api_only(*ASSESSORS, status=403, university=409),
    "keqiao_evaluation_api_evidence_add": api_only(*SIGNED_IN, status=422),
    "keqiao_evaluation_api_assessment_submit": api_only(*ASSESSORS, status=403, university=409),
    "keqiao_evaluation_api_assessment_return": api_only(*ASSESSORS, university=403),
    "keqiao_evaluation_api_valuation_update": api_only(*SIGNED_IN, status=422),
}


# --- contract registration: certificates, public verification, verified technology income
PAGES.update(
    {
        "contracts:contract_income": {
            "submitted": page(only("registry"), only("registry", status=400)),
            "registered": page(only("registry"), only("registry", status=400)),
        },
        "contracts:certificate_pdf": {"registered": page(only("enterprise", "registry"))},
        "contracts:certificate_lookup": {"": page(everyone(200))},
        "contracts:certificate_verify": {"registered": page(everyone(200))},
    }
)
API.update(
    {
        "keqiao_contracts_register_api_certificate_verify": everyone(200),
        "keqiao_contracts_register_api_certificate_list": api_only("enterprise", "registry"),
        "keqiao_contracts_register_api_income_years": api_only("enterprise", "registry"),
        # the world's contract is registered: its income is no longer verified (400)
        "keqiao_contracts_register_api_income_year_put": api_only("registry", status=400),
        "keqiao_contracts_register_api_income_deduction_create": api_only("registry", status=400),
    }
)
PAGES.update(
    {
        "contracts:contract_documents": {
            "registered": page(only("enterprise", "registry"), only("enterprise", status=400))
        },
        "contracts:contract_document": {"registered": page(only("enterprise", "registry"))},
        "contracts:contract_review": {"registered": page(only("registry"))},
    }
)
PAGES.update(
    {"contracts:contract_terminate": {"registered": page(outcome(405), only("registry", status=302))}}
)

# --- draft contracts from the model texts: the agreed deal's parties only (the maker is no persona)
PAGES.update(
    {
        "contracts:contract_draft": {"party": page(only("university"))},
        "contracts:contract_draft_file": {"party": page(only("university"))},
    }
)
API.update({"keqiao_deals_api_contract_draft": api_only("university")})
# --- events: the public calendar and event pages; a participant's agenda, calendar file and meetings; the
# organiser's desk (the bureau organises the demo fair; the university, Renshou and the agency took part)
FAIR_PARTICIPANTS = ("university", "county", "agency")
PAGES.update(
    {
        "events:calendar": {"": page(everyone(200))},
        "events:new": {
            "": page(
                only("bureau", "county", "department", "lead", "reviewer", "office", "agency"),
                only("bureau", "county", "department", "lead", "reviewer", "office", "agency", status=400),
            )
        },
        "events:detail": {"fair": page(everyone(200), outcome(400))},
        "events:agenda": {"fair": page(only(*FAIR_PARTICIPANTS), only(*FAIR_PARTICIPANTS, status=400))},
        "events:ics": {"fair": page(only(*FAIR_PARTICIPANTS))},
        # nobody checked in at the upcoming training yet: no certificate for anyone
        "events:certificate": {"training": page(outcome(404))},
        "events:manage": {"fair": page(only("bureau"), only("bureau", status=400))},
    }
)
API.update(
    {
        "keqiao_events_api_event_list": everyone(200),
        "keqiao_events_api_event_detail": everyone(200),
        "keqiao_events_api_event_statistics": everyone(200),
        "keqiao_events_api_participant_register": api_only(*SIGNED_IN, status=422),
        "keqiao_events_api_agenda": api_only(*FAIR_PARTICIPANTS),
        "keqiao_events_api_meeting_create": api_only(*SIGNED_IN, status=422),
        # the meeting is accepted and its outcome recorded: accepting again is refused to the one asked
        "keqiao_events_api_meeting_decide": api_only("university", status=409),
        "keqiao_events_api_meeting_outcome": api_only("university", status=400),
        "keqiao_events_api_schedule_create": api_only("bureau"),
        "keqiao_events_api_checkin_create": api_only("bureau", status=400),
    }
)

# --- innovation registries: a qualification is seen by its enterprise, its confirming department and the
# bureau; enterprises and agencies register qualifications, any verified holder registers a platform
QUALIFICATION_HOLDERS = ("enterprise", "agency", "office", "stranger")
PLATFORM_HOSTS = (*QUALIFICATION_HOLDERS, "university")
PAGES.update(
    {
        "registries:qualifications": {"": page(outcome(200))},
        "registries:qualification_new": {
            "": page(only(*QUALIFICATION_HOLDERS), only(*QUALIFICATION_HOLDERS, status=400))
        },
        "registries:qualification": {"high_tech": page(only("enterprise", "officials"))},
        "registries:qualification_decide": {
            "high_tech": page(POST_ONLY, only("enterprise", "officials", status=400))
        },
        "registries:qualification_evidence": {"high_tech": page(only("enterprise", "officials"))},
        "registries:platforms": {"": page(outcome(200))},
        "registries:platform_new": {"": page(only(*PLATFORM_HOSTS), only(*PLATFORM_HOSTS, status=400))},
        "registries:platform": {"centre": page(only("enterprise", "department", "officials"))},
        "registries:platform_decide": {
            "centre": page(POST_ONLY, only("enterprise", "department", "officials", status=400))
        },
        "registries:platform_evidence": {"centre": page(only("enterprise", "department", "officials"))},
    }
)
API.update(
    {
        "keqiao_registries_api_qualification_list": api_only(*SIGNED_IN),
        "keqiao_registries_api_qualification_detail": api_only("enterprise", "officials"),
        "keqiao_registries_api_qualification_propose": api_only(*SIGNED_IN, status=422),
        # revoking without a reason: 400 for the deciders, 403 for the enterprise that holds it
        "keqiao_registries_api_qualification_decide": api_only("officials", status=400, enterprise=403),
        "keqiao_registries_api_platform_list": api_only(*SIGNED_IN),
        "keqiao_registries_api_platform_detail": api_only("enterprise", "department", "officials"),
        "keqiao_registries_api_platform_propose": api_only(*SIGNED_IN, status=422),
        "keqiao_registries_api_platform_decide": api_only(
            "department", "officials", status=400, enterprise=403
        ),
    }
)
