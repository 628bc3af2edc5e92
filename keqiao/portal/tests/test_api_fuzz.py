"""API fuzzing: schemathesis generates requests for every operation of the OpenAPI document and sends them
to the WSGI application (no server), signed in as an enterprise member and as an S&T bureau official, on
a small demo-like dataset. Gate: no server error (5xx), and every documented answer fits the document.

It runs on PostgreSQL only (stricter than SQLite: integer ranges, NUL, aborted transactions), in the
PostgreSQL pass of scripts/run-tests.sh, bounded by KEQIAO_FUZZ_EXAMPLES generated cases per operation
and persona and a deadline per case. Every request runs in a savepoint that is rolled back, so each case
meets the same dataset and one failure cannot spoil the next. Figures and the command: docs/benchmarks.md.
"""

import datetime
import os
import time
from collections import Counter

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from keqiao.accounts.models import Membership, Organization
from keqiao.achievements import services as achievements
from keqiao.api import api
from keqiao.contracts import services as contracts
from keqiao.demands import services as demands
from keqiao.governance.models import ActionPlan
from keqiao.negotiations import services as negotiations
from keqiao.negotiations.tests.conftest import contract_data
from keqiao.testing.factories import OrganizationFactory, achievement_data, demand_data, member

pytestmark = [pytest.mark.fuzz, pytest.mark.postgres, pytest.mark.django_db]

FUZZ_EXAMPLES = int(os.environ.get("KEQIAO_FUZZ_EXAMPLES", "12"))
PERSONAS = ("member", "official")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
# The coverage phase enumerates boundary values without a bound; the fuzzing phase is bounded below.
schema.config.phases.coverage.enabled = False

# The actions and answers a path names (anything else is a 404, which the fuzzer finds by itself).
WORDS = {
    "action": [
        "submit",
        "approve",
        "return",
        "publish",
        "withdraw",
        "renew",
        "revise",
        "close",
        "solve",
        "accept",
        "decline",
        "terminate",
        "complete",
    ],
    "answer": ["accept", "reject", "confirm", "decline"],
}
STATS = {"cases": Counter(), "statuses": Counter(), "operations": set(), "started": None}


def _build() -> dict:
    """A small platform: a university, an enterprise and the bureau; listings in several states; a
    negotiation with an open offer and a proposed meeting; filed contracts; the shipped action plan."""
    university = OrganizationFactory(name="眉山模糊测试大学", kind=Organization.Kind.UNIVERSITY)
    enterprise = OrganizationFactory(name="眉山模糊测试企业", kind=Organization.Kind.ENTERPRISE)
    bureau_org = OrganizationFactory(name="眉山市科学技术局（模糊测试）", kind=Organization.Kind.CITY_BUREAU)
    owner = member(university, Membership.Role.ADMIN, username="fuzz-owner")
    enterprise_member = member(enterprise, Membership.Role.ADMIN, username="fuzz-member")
    official = member(bureau_org, Membership.Role.STAFF, username="fuzz-official")

    def achievement(title, state):
        a = achievements.achievement_create(
            by=owner, organization=university, data=achievement_data(title=title)
        )
        if state == "draft":
            return a
        a = achievements.achievement_submit(achievement=a, by=owner)
        if state == "submitted":
            return a
        a = achievements.achievement_approve(achievement=a, by=official)
        return achievements.achievement_publish(achievement=a, by=owner)

    published = achievement("竹纤维增强复合材料制备技术", "published")
    submitted = achievement("泡菜低温发酵控制技术", "submitted")
    draft = achievement("川芎有效成分提取工艺", "draft")
    demand = demands.demand_create(by=enterprise_member, organization=enterprise, data=demand_data())
    demand = demands.demand_approve(
        demand=demands.demand_submit(demand=demand, by=enterprise_member), by=official
    )
    own_draft = demands.demand_create(
        by=enterprise_member, organization=enterprise, data=demand_data(title="竹编制品防霉技术需求")
    )
    deal = negotiations.deal_express_interest(
        by=enterprise_member,
        organization=enterprise,
        listing=published,
        mode="transfer",
        message="想了解转让条件。",
    )
    deal = negotiations.deal_accept(deal=deal, by=owner)
    negotiations.message_post(deal=deal, by=enterprise_member, body="请报价。")
    offer = negotiations.offer_make(
        deal=deal, by=owner, price="200000.00", payment_method="lump_sum", mode="transfer"
    )
    meeting = negotiations.meeting_propose(
        deal=deal, by=owner, starts_at=_in_days(7), place="眉山天府新区科创中心", agenda="转让条件"
    )
    contract = contracts.contract_create(
        by=owner, organization=university, data=contract_data(), side="seller"
    )
    contracts.contract_submit(contract=contract, by=owner)
    contracts.contract_create(by=owner, organization=university, data=contract_data(project_name="草稿合同"))
    plan = ActionPlan.objects.order_by("-starts_on").first()
    ids = {
        "achievement_id": [published.pk, submitted.pk, draft.pk],
        "demand_id": [demand.pk, own_draft.pk],
        "deal_id": [deal.pk],
        "offer_id": [offer.pk],
        "meeting_id": [meeting.pk],
        "contract_id": [contract.pk],
        "plan_id": [plan.pk],
        "indicator_id": list(plan.indicators.values_list("pk", flat=True)[:3]),
        "task_id": list(plan.tasks.values_list("pk", flat=True)[:3]),
    }
    return {"ids": ids, "member": enterprise_member, "official": official}


def _in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker, request):
    """The dataset, built once for the module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("fuzzing runs on PostgreSQL (the PostgreSQL pass of scripts/run-tests.sh)")
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = _build()
            data["session"] = {persona: _signed_in(Client(), data[persona]) for persona in PERSONAS}
            STATS["started"] = time.monotonic()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            _report(request)


def _report(request) -> None:
    if not STATS["cases"]:
        return
    seconds = time.monotonic() - STATS["started"]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = (
        f"API fuzzing: {len(STATS['operations'])} operations, "
        f"{sum(STATS['cases'].values())} generated cases "
        f"({', '.join(f'{p} {n}' for p, n in sorted(STATS['cases'].items()))}), {seconds:.0f} s; "
        f"answers: {', '.join(f'{s}: {n}' for s, n in sorted(STATS['statuses'].items()))}"
    )
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


def _signed_in(client, user) -> dict:
    """What a signed-in browser sends: the session and CSRF cookies, and the CSRF token as a header."""
    client.force_login(user)
    token = _get_new_csrf_string()
    return {
        "cookies": {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: token,
        },
        "headers": {"X-CSRFToken": token},
    }


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (request_finished); the test's
    transaction lives on it, so keep it open, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _aim(case, ids: dict) -> None:
    """Point three in four generated ids at records that exist, so operations get past their 404."""
    for name, value in (case.path_parameters or {}).items():
        if name in ids and ids[name] and isinstance(value, int) and value % 4:
            case.path_parameters[name] = ids[name][value % len(ids[name])]
        elif name in WORDS and isinstance(value, str):
            case.path_parameters[name] = WORDS[name][len(value) % len(WORDS[name])]


@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=10_000,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_error(case, persona, dataset, _keep_the_test_connection):
    _aim(case, dataset["ids"])
    STATS["cases"][persona] += 1
    STATS["operations"].add(case.operation.label)
    with transaction.atomic():
        try:
            response = case.call(**dataset["session"][persona])
        finally:
            transaction.set_rollback(True)
    STATS["statuses"][f"{persona}-{response.status_code}"] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
