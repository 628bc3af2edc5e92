"""Agreed-price public notices: publishing, objections and answers, closing, and the contract guard."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.contracts import services as contract_services
from keqiao.contracts.services import contract_initial
from keqiao.trading import services
from keqiao.trading.models import NoticeEvent, PriceNotice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _contract(deal, by, org):
    data = contract_initial(deal) | {
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "industry",
    }
    return contract_services.contract_create(by=by, organization=org, data=data, deal=deal)


def test_publish_takes_the_agreed_terms_and_the_default_period(agreed_deal, owner):
    deal = agreed_deal()
    notice = services.notice_publish(deal=deal, by=owner, pricing_basis="依据资产评估报告（收益法）")
    assert notice.price == 200000 and notice.mode == "transfer" and notice.counterparty == deal.buyer.name
    assert notice.ends_at - notice.published_at == datetime.timedelta(days=15)
    assert NoticeEvent.objects.filter(notice=notice, action="published").exists()
    with pytest.raises(DomainError):
        services.notice_publish(deal=deal, by=owner, pricing_basis="再次公示")


def test_per_organisation_period(agreed_deal, owner, holder_org, colleague):
    with pytest.raises(NotPermitted):
        services.notice_setting_save(organization=holder_org, by=colleague, notice_days=20)
    with pytest.raises(DomainError):
        services.notice_setting_save(organization=holder_org, by=owner, notice_days=2)
    services.notice_setting_save(organization=holder_org, by=owner, notice_days=20)
    notice = services.notice_publish(deal=agreed_deal(), by=owner, pricing_basis="协议定价，参考同类交易")
    assert notice.notice_days == 20


def test_only_the_university_side_publishes(agreed_deal, outsider):
    with pytest.raises(NotPermitted):
        services.notice_publish(deal=agreed_deal(), by=outsider, pricing_basis="x")


def test_objection_answer_and_pass_only_when_all_answered(agreed_deal, owner, rival, outsider):
    notice = services.notice_publish(deal=agreed_deal(), by=owner, pricing_basis="评估值18万元")
    objection = services.objection_file(
        notice=notice, by=rival, reasons="价格明显低于市场价。", files=[SimpleUploadedFile("比价.pdf", PDF)]
    )
    assert objection.attachments.count() == 1
    with pytest.raises(NotPermitted):
        services.objection_answer(objection=objection, by=outsider, answer="x")
    assert services.notices_maintain(now=notice.ends_at) == {"passed": 0}  # unanswered: stays open
    services.objection_answer(objection=objection, by=owner, answer="定价依据评估报告，高于评估值。")
    with pytest.raises(DomainError):
        services.objection_answer(objection=objection, by=owner, answer="再答")
    with pytest.raises(DomainError, match="no longer taken"):  # after the period no new objection
        with time_machine.travel(notice.ends_at, tick=False):
            services.objection_file(notice=notice, by=rival, reasons="补充意见")
    assert services.notices_maintain(now=notice.ends_at - datetime.timedelta(seconds=1)) == {"passed": 0}
    assert services.notices_maintain(now=notice.ends_at) == {"passed": 1}
    assert services.notices_maintain(now=notice.ends_at) == {"passed": 0}
    notice.refresh_from_db()
    assert notice.status == "passed"


def test_objections_to_a_closed_notice_are_refused(agreed_deal, owner, rival):
    notice = services.notice_publish(deal=agreed_deal(), by=owner, pricing_basis="评估值")
    services.notice_withdraw(notice=notice, by=owner, reason="重新谈判")
    with pytest.raises(DomainError, match="no longer taken"):
        services.objection_file(notice=notice, by=rival, reasons="反对")


def test_contract_of_a_noticed_deal_waits_for_the_notice(agreed_deal, owner, holder_org):
    deal = agreed_deal()
    notice = services.notice_publish(deal=deal, by=owner, pricing_basis="评估值")
    contract = _contract(deal, owner, holder_org)
    with pytest.raises(DomainError, match="public notice"):
        contract_services.contract_submit(contract=contract, by=owner)
    services.notices_maintain(now=notice.ends_at)
    contract = contract_services.contract_submit(contract=contract, by=owner)
    assert contract.status == "submitted"


def test_when_required_every_university_deal_needs_a_notice(agreed_deal, owner, holder_org, settings):
    settings.KEQIAO = {**settings.KEQIAO, "PRICE_NOTICE_REQUIRED": True}
    deal = agreed_deal()
    contract = _contract(deal, owner, holder_org)
    with pytest.raises(DomainError, match="public notice"):
        contract_services.contract_submit(contract=contract, by=owner)


def test_public_page_objection_through_the_client(client, agreed_deal, owner, rival):
    notice = services.notice_publish(deal=agreed_deal(), by=owner, pricing_basis="依据资产评估报告")
    page = client.get(notice.get_absolute_url())
    assert page.status_code == 200 and "依据资产评估报告" in page.content.decode()
    response = client.post(notice.get_absolute_url(), {"action": "object", "reasons": "反对"})
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(rival)
    response = client.post(notice.get_absolute_url(), {"action": "object", "reasons": "  "})
    assert response.status_code == 400
    response = client.post(
        notice.get_absolute_url(), {"action": "object", "reasons": "价格偏低，请说明依据。"}
    )
    assert response.status_code == 302
    client.force_login(owner)
    objection = notice.objections.get()
    response = client.post(
        notice.get_absolute_url(),
        {"action": "answer", "objection": objection.pk, "answer": "依据评估报告定价。"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.answer == "依据评估报告定价。"
    assert reverse("trading:notice", args=[notice.pk]) == notice.get_absolute_url()


def test_publish_page_from_the_deal(client, agreed_deal, owner, outsider):
    deal = agreed_deal()
    url = reverse("trading:notice_new", args=[deal.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"pricing_basis": "", "notice_days": "15"})
    assert response.status_code == 400
    response = client.post(url, {"pricing_basis": "依据评估报告", "notice_days": "15"})
    assert response.status_code == 302
    assert PriceNotice.objects.get().deal == deal


def test_the_pricing_basis_cites_a_valuation_shared_into_the_room(agreed_deal, owner, holder_org, client):
    from keqiao.evaluation import services as evaluation_services
    from keqiao.evaluation.tests.conftest import valuation_inputs

    deal = agreed_deal()
    valuation = evaluation_services.valuation_create(
        by=owner, organization=holder_org, title="竹浆纸漂白技术转让估值", inputs=valuation_inputs()
    )
    # Not shared into the room: refused, naming the field.
    with pytest.raises(DomainError) as exc:
        services.notice_publish(deal=deal, by=owner, pricing_basis="收益法估值", valuation_id=valuation.pk)
    assert exc.value.field == "valuation"
    evaluation_services.valuation_share(valuation=valuation, by=owner, deal=deal)
    notice = services.notice_publish(
        deal=deal, by=owner, pricing_basis="收益法估值", valuation_id=valuation.pk
    )
    assert notice.valuation == valuation
    body = client.get(notice.get_absolute_url()).content.decode()
    assert 'id="valuation-cited"' in body and "竹浆纸漂白技术转让估值" in body
    assert client.get(f"/api/v1/trading/notices/{notice.pk}").json()["notice"]["valuation_title"] == (
        "竹浆纸漂白技术转让估值"
    )
