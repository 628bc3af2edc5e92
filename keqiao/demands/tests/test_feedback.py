"""What an enterprise and the bureau are told about a demand: one specific message per action, a
confirmation before closing or deciding, and field names in the history."""

import pytest
from django.urls import reverse
from django.utils import translation

from keqiao.demands import services
from keqiao.demands.models import Demand

from .test_views import form_payload

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_saving_and_submitting_a_demand_says_one_thing(client, outsider, other_org):
    client.force_login(outsider)
    response = client.post(
        reverse("demands:create"), form_payload(region=other_org.region_id, submit="1"), follow=True
    )
    d = Demand.objects.get()
    body = response.content.decode()
    assert f"需求《{d.title}》已提交审核，科技局审核后会通知您结果。" in body
    assert "已保存为草稿" not in body and "操作成功" not in body


def test_a_failed_submit_shows_the_error_summary(client, outsider, other_org):
    client.force_login(outsider)
    response = client.post(
        reverse("demands:create"), form_payload(region=other_org.region_id, title=""), **EN
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "data-error-summary" in body and 'href="#id_title"' in body


@pytest.mark.parametrize(
    ("persona", "state", "action", "after"),
    [
        ("bureau", "submitted", "approve", "published"),
        ("bureau", "submitted", "return", "returned"),
        ("outsider", "published", "close", "closed"),
    ],
)
def test_deciding_and_closing_ask_first(client, personas, make_demand, persona, state, action, after):
    d = make_demand(state)
    client.force_login(personas[persona])
    url = reverse("demands:action", args=[d.pk, action])
    asked = client.post(url, {"comment": "请补充指标"}, **EN)
    d.refresh_from_db()
    assert asked.status_code == 200 and d.status == state
    body = asked.content.decode()
    assert f"《{d.title}》" in body and "吗？" in body and 'name="confirmed" value="1"' in body
    client.post(url, {"comment": "请补充指标", "confirmed": "1"})
    d.refresh_from_db()
    assert d.status == after


def test_the_history_names_changed_fields(client, outsider, make_demand):
    d = make_demand("draft")
    services.demand_update(demand=d, by=outsider, data={"title": "竹编产品防霉处理技术需求（修订）"})
    client.force_login(outsider)
    body = client.get(d.get_absolute_url(), **EN).content.decode()
    history = body[body.index('class="timeline"') :]
    with translation.override("zh-hans"):
        assert str(Demand._meta.get_field("title").verbose_name) in history
