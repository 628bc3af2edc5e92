"""What the parties and the registration office are told in the room and on a contract: a specific
message per action, a confirmation before irreversible steps, the agreed terms under their own label with
the amount in the unit the label states, and field names in the timeline."""

import html
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    body = response.content.decode()
    if '<ul class="messages">' not in body:
        return []
    block = body.split('<ul class="messages">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in block.split("</li>") if li.strip()]


def test_terminating_needs_a_confirmation_that_keeps_the_reason(client, make_deal, outsider):
    deal = make_deal("negotiating")
    client.force_login(outsider)
    data = {"action": "terminate", "terminate-reason": "预算未获批准"}
    asked = client.post(deal.get_absolute_url(), data)
    deal.refresh_from_db()
    assert asked.status_code == 200 and deal.status == "negotiating"
    body = asked.content.decode()
    assert "未达成一致的情况下终止" in body and "预算未获批准" in body  # the reason is posted again
    done = client.post(deal.get_absolute_url(), {**data, "confirmed": "1"}, follow=True)
    deal.refresh_from_db()
    assert deal.status == "terminated"
    assert _messages(done) == [f"关于《{deal.listing.title}》的洽谈已终止（未达成一致），双方均已收到通知。"]


def test_withdrawing_interest_asks_first(client, make_deal, outsider):
    deal = make_deal("interest")
    client.force_login(outsider)
    assert client.post(deal.get_absolute_url(), {"action": "withdraw"}).status_code == 200
    deal.refresh_from_db()
    assert deal.status == "interest"
    client.post(deal.get_absolute_url(), {"action": "withdraw", "confirmed": "1"})
    deal.refresh_from_db()
    assert deal.status == "withdrawn"


def test_the_agreed_deal_shows_its_terms_in_yuan(client, make_deal, owner):
    deal = make_deal("agreed")
    client.force_login(owner)
    zh = client.get(deal.get_absolute_url()).content.decode()
    terms = zh[zh.index('id="agreed-terms"') :].split("</p>", 1)[0]
    assert "约定条件" in terms and "按 200,000.00 元的报价" in terms and "原因" not in terms
    assert "200,000.00" in deal.status_note  # the note written at the agreement, in the unit it states


def test_the_timeline_names_offer_fields_and_formats_the_price(client, make_deal, owner):
    deal = make_deal("offered")
    client.force_login(owner)
    body = client.get(deal.get_absolute_url()).content.decode()
    timeline = body[body.index('id="timeline"') :]
    with translation.override("zh-hans"):
        price, payment = str(_("price (yuan)")), str(_("payment terms"))
    assert f"{price}: 200,000.00" in timeline
    assert "payment:" not in timeline and payment in timeline


def test_the_office_confirms_registering_and_returning_a_contract(client, make_contract, bureau):
    contract = make_contract("submitted")
    client.force_login(bureau)
    url = contract.get_absolute_url()
    asked = client.post(url, {"action": "approve"})
    contract.refresh_from_db()
    assert asked.status_code == 200 and contract.status == "submitted"
    assert f"确定认定登记合同《{contract.project_name}》吗？" in asked.content.decode()
    returning = {"action": "return", "return-comment": "请补充合同附件信息"}
    assert client.post(url, returning).status_code == 200
    contract.refresh_from_db()
    assert contract.status == "submitted"
    done = client.post(url, {**returning, "confirmed": "1"}, follow=True)
    contract.refresh_from_db()
    assert contract.status == "returned"
    assert _messages(done) == [f"合同《{contract.project_name}》已连同您的意见退回申报单位。"]
