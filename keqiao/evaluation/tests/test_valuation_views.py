import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from keqiao.evaluation import services
from keqiao.evaluation.models import Valuation

from .conftest import form_data

pytestmark = pytest.mark.django_db


def test_create_through_the_form_and_see_charts(client, owner, holder_org):
    client.force_login(owner)
    r = client.get(reverse("evaluation:valuation_new"))
    assert r.status_code == 200
    r = client.post(reverse("evaluation:valuation_new"), form_data(organization=str(holder_org.pk)))
    assert r.status_code == 302, r.content.decode()[:2000]
    v = Valuation.objects.get()
    page = client.get(v.get_absolute_url()).content.decode()
    assert 'id="histogram-chart"' in page and 'id="tornado-chart"' in page
    assert "P10" in page and "P90" in page


def test_bad_input_keeps_everything_typed(client, owner, holder_org):
    client.force_login(owner)
    data = form_data(
        organization=str(holder_org.pk),
        discount_kind="fixed",
        discount_mode="-150",
        life_kind="uniform",
        life_low="9",
        life_high="3",
        revenue_high="2345678",
    )
    r = client.post(reverse("evaluation:valuation_new"), data)
    assert r.status_code == 400
    body = r.content.decode()
    assert 'value="-150"' in body and 'value="2345678"' in body and 'value="9"' in body
    assert body.count('class="errorlist"') >= 2
    assert not Valuation.objects.exists()


def test_edit_copy_pdf_xlsx(client, owner, make_valuation):
    v = make_valuation(title='=HYPERLINK("http://x")')
    client.force_login(owner)
    r = client.get(reverse("evaluation:valuation_edit", args=[v.pk]))
    assert r.status_code == 200 and 'value="2500000"' in r.content.decode()
    r = client.post(reverse("evaluation:valuation_copy", args=[v.pk]))
    assert r.status_code == 302 and Valuation.objects.count() == 2
    r = client.get(reverse("evaluation:valuation_pdf", args=[v.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.get(reverse("evaluation:valuation_xlsx", args=[v.pk]))
    wb = load_workbook(io.BytesIO(r.content))
    cell = wb["summary"]["B1"]
    assert cell.value.startswith("=") and cell.data_type == "s" and cell.quotePrefix
    assert wb["histogram"].max_row == 21


def test_pdf_text_is_chinese_with_page_numbers(client, owner, make_valuation):
    from keqiao.testing.pdf import text as pdf_text

    v = make_valuation()
    client.force_login(owner)
    text = pdf_text(client.get(reverse("evaluation:valuation_pdf", args=[v.pk])).content)
    assert "估值报告" in text or "估值" in text
    assert "第 1 页" in text


def test_strangers_get_404(client, outsider, bureau, make_valuation):
    v = make_valuation()
    for user in (outsider, bureau):
        client.force_login(user)
        for name in ("valuation", "valuation_edit", "valuation_pdf", "valuation_xlsx"):
            assert client.get(reverse(f"evaluation:{name}", args=[v.pk])).status_code == 404, name
        assert client.post(reverse("evaluation:valuation_copy", args=[v.pk])).status_code == 404


def test_shared_into_room_party_sees_but_cannot_edit(client, outsider, make_valuation, make_deal):
    deal = make_deal("negotiating")
    v = make_valuation()
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    client.force_login(outsider)
    assert client.get(v.get_absolute_url()).status_code == 200
    assert client.get(reverse("evaluation:valuation_edit", args=[v.pk])).status_code == 404
    assert client.post(reverse("evaluation:valuation_share", args=[v.pk]), {"deal": ""}).status_code == 404


def test_share_through_the_page(client, owner, make_valuation, make_deal):
    deal = make_deal("negotiating")
    v = make_valuation()
    client.force_login(owner)
    r = client.post(reverse("evaluation:valuation_share", args=[v.pk]), {"deal": str(deal.pk)})
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.deal == deal


def test_list_query_count(client, owner, make_valuation, django_assert_num_queries):
    for _ in range(3):
        make_valuation()
    client.force_login(owner)
    client.get(reverse("evaluation:valuations"))
    with django_assert_num_queries(7):
        r = client.get(reverse("evaluation:valuations"))
    assert r.content.decode().count('href="/evaluation/valuations/') >= 4


def test_dossier_for_parties_only(client, owner, outsider, stranger, make_valuation, make_deal):
    from keqiao.testing.pdf import text as pdf_text

    deal = make_deal("agreed")
    v = make_valuation()
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    url = reverse("evaluation:dossier", args=[deal.pk])
    client.force_login(outsider)
    r = client.get(url)
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "200,000.00" in text and "百分位" in text and "专家意见" in text and "技术就绪度" in text
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_room_shows_shared_valuations_and_dossier_link_to_parties(
    client, outsider, broker, make_valuation, make_deal
):
    from keqiao.negotiations import services as deal_services

    deal = make_deal("agreed")
    v = make_valuation()
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    client.force_login(outsider)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'id="deal-valuations"' in page and v.title in page and 'id="pricing-dossier"' in page
    other = make_deal("negotiating")
    deal_services.broker_invite(deal=other, by=outsider, broker=broker)
    services.valuation_share(valuation=v, by=v.author, deal=other)
    client.force_login(broker)
    page = client.get(other.get_absolute_url()).content.decode()
    assert 'id="deal-valuations"' not in page and v.title not in page


def test_dossier_cites_the_closed_expert_review_of_the_achievement(client, outsider, bureau, make_deal):
    from keqiao.reviews import services as review_services
    from keqiao.testing.factories import UserFactory
    from keqiao.testing.pdf import text as pdf_text

    deal = make_deal("agreed")
    experts = []
    for name in ("李教授", "王研究员"):
        user = UserFactory(full_name=name)
        data = {"organization_name": "四川农业大学", "title": "senior_full", "tech_fields": ["agriculture"]}
        expert = review_services.expert_invite(by=bureau, user=user, data=data | {"disciplines": ["240"]})
        experts.append(review_services.expert_confirm(expert=expert, by=bureau))
    bureau_org = bureau.memberships.first().organization
    review = review_services.review_open(
        by=bureau, organization=bureau_org, subject=deal.achievement, title="泡菜保脆技术专家评审"
    )
    url = reverse("evaluation:dossier", args=[deal.pk])
    client.force_login(outsider)
    assert "未经专家评审" in pdf_text(client.get(url).content)
    for expert in experts:
        review_services.review_add_expert(review=review, by=bureau, expert=expert)
    review = review_services.review_start(review=review, by=bureau)
    for p in review.panel.select_related("expert__user"):
        scores = dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), 80)
        review_services.panelist_submit(panelist=p, by=p.expert.user, scores=scores, comment="数据可靠。")
    review_services.review_close(review=review, by=bureau, conclusion="达到国内领先水平。")
    text = pdf_text(client.get(url).content)
    assert "李教授" in text and "王研究员" in text and "达到国内领先水平" in text and "80.0" in text


def test_amounts_of_one_valuation_read_in_one_unit_in_chinese():
    from django.utils import translation

    from keqiao.evaluation.charts import yuan

    with translation.override("zh-hans"):
        assert [yuan(x) for x in (-32_230, 96_533, 353_000)] == ["-3.2 万", "9.7 万", "35.3 万"]
        assert yuan(8_606) == "8,606"
        assert translation.pgettext("valuation result", "Mean") == "平均值"
    with translation.override("en"):
        assert yuan(353_000) == "353,000"
