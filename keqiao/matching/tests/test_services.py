"""Matching on the platform: matches both ways, privacy, subscriptions, alerts, digests, recommendations."""

import pytest
from django.core import mail
from django.urls import reverse

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.models import Classification
from keqiao.matching import services
from keqiao.matching.index import demand_item, matches_for
from keqiao.matching.models import Recommendation, Subscription
from keqiao.notifications import services as notifications
from keqiao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_achievement, make_demand):
    achievement = make_achievement(
        "published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术", trl=6, transfer_modes=["license"]
    )
    make_achievement(
        "published",
        title="高速铁路路基沉降监测方法",
        summary="监测路基沉降。",
        keywords=["路基", "沉降"],
        tech_field="modern_transport",
    )
    demand = make_demand("published")
    return achievement, demand


def test_matches_both_ways_with_explanations(pair):
    achievement, demand = pair
    rows = matches_for("demand", demand)
    assert rows[0].record == achievement
    assert set(rows[0].match.factors) <= {
        "text",
        "semantic",
        "classification",
        "maturity",
        "price",
        "mode",
        "region",
    }
    assert abs(sum(rows[0].match.factors.values()) - 1) < 1e-6
    assert {"微卫星标记", "遗传多样性", "遗传", "多样性"} & set(rows[0].match.shared_terms)
    back = matches_for("achievement", achievement)
    assert back[0].record == demand


def test_private_budget_never_enters_the_matcher(make_demand):
    d = make_demand("published")  # budget_private=True in the test data
    item = demand_item(d)
    assert item.budget_min is None and item.budget_max is None
    public = make_demand("published", budget_private=False)
    assert demand_item(public).budget_max == 300000.0


def test_match_page_and_api_do_not_leak(client, pair):
    achievement, demand = pair
    body = client.get(achievement.get_absolute_url()).content.decode()
    assert demand.title in body  # the demand is shown as a match on the achievement page
    assert "demand-contact@example.com" not in body and "30 万元" not in body
    data = client.get(f"/api/v1/achievements/{achievement.pk}/matches").json()
    assert data[0]["id"] == demand.pk and data[0]["factors"]
    raw = str(data)
    assert "300000" not in raw and "demand-contact" not in raw
    assert client.get(f"/api/v1/demands/{demand.pk}/matches").json()[0]["id"] == achievement.pk


def test_unpublished_listings_have_no_public_matches(client, make_demand):
    d = make_demand("draft")
    assert client.get(f"/api/v1/demands/{d.pk}/matches").status_code == 404


def test_follow_and_alert_on_new_match(
    client, owner, make_achievement, make_demand, outsider, django_capture_on_commit_callbacks
):
    demand = make_demand("published")
    client.force_login(outsider)
    client.post(reverse("matching:follow"), {"kind": "demand", "value": demand.pk, "frequency": "instant"})
    sub = Subscription.objects.get(user=outsider)
    services.subscription_create(user=outsider, kind="demand", value=str(demand.pk), frequency="instant")
    assert Subscription.objects.filter(user=outsider).count() == 1 and sub.label == demand.title
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        achievement = make_achievement("published", title="微卫星标记遗传多样性快速检测方法")
    note = Notification.objects.get(user=outsider)
    assert achievement.title in note.title and demand.title in note.title
    assert note.url == achievement.get_absolute_url()
    alerts = [m for m in mail.outbox if m.to == [outsider.email]]
    assert len(alerts) == 1 and achievement.title in alerts[0].subject
    assert "/matching/unsubscribe/" in alerts[0].body
    # the same event never notifies twice
    services.alert_new_listing("achievement", achievement)
    assert Notification.objects.filter(user=outsider).count() == 1


def test_field_query_and_organization_subscriptions(owner, colleague, outsider, holder_org, make_achievement):
    services.subscription_create(user=outsider, kind="field", value="agriculture")
    services.subscription_create(user=colleague, kind="query", value="微卫星 良种")
    services.subscription_create(user=owner, kind="organization", value=str(holder_org.pk))
    a = make_achievement("published")
    services.alert_new_listing("achievement", a)
    assert Notification.objects.filter(user=outsider).exists()
    assert Notification.objects.filter(user=colleague).exists()
    # the creator is not told about their own listing
    assert not Notification.objects.filter(user=owner).exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [("field", "astrology"), ("query", "。。。"), ("query", "的 了"), ("bogus", "x"), ("demand", "abc")],
)
def test_bad_subscriptions_refused(owner, kind, value):
    with pytest.raises(DomainError):
        services.subscription_create(user=owner, kind=kind, value=value)


def test_daily_follower_hears_in_the_daily_digest(owner, outsider, make_achievement):
    services.subscription_create(user=outsider, kind="query", value="路基", frequency="daily")
    mail.outbox.clear()
    a = make_achievement("published", title="路基沉降监测", keywords=["路基"])
    services.alert_new_listing("achievement", a)
    note = Notification.objects.get(user=outsider)
    assert note.frequency == "daily" and note.emailed_at is None and not mail.outbox
    assert notifications.send_digests(frequency="weekly") == 0
    assert notifications.send_digests(frequency="daily") == 1
    assert notifications.send_digests(frequency="daily") == 0
    assert len(mail.outbox) == 1 and "/matching/subscriptions/" in mail.outbox[0].body


def test_unsubscribe_link_turns_what_one_follows_to_the_platform_only(owner):
    services.subscription_create(user=owner, kind="query", value="路基", frequency="daily")
    services.subscription_create(user=owner, kind="field", value="agriculture", frequency="instant")
    notifications.unsubscribe_all(notifications.unsubscribe_token(owner))
    assert set(Subscription.objects.filter(user=owner).values_list("frequency", flat=True)) == {"never"}


def test_recommendation_flow(client, personas, pair, bureau):
    achievement, demand = pair
    from keqiao.accounts.models import User

    broker = User.objects.create_user(username="broker1", password="x", is_broker=True, email="b@example.com")
    with pytest.raises(NotPermitted):
        services.recommendation_push(
            broker=personas["owner"], achievement=achievement, demand=demand, direction="demand", note="x"
        )
    with pytest.raises(DomainError):
        services.recommendation_push(
            broker=broker, achievement=achievement, demand=demand, direction="demand", note="  "
        )
    rec = services.recommendation_push(
        broker=broker,
        achievement=achievement,
        demand=demand,
        direction="demand",
        note="这项成果正好解决贵公司的检测问题。",
    )
    with pytest.raises(DomainError):
        services.recommendation_push(
            broker=broker, achievement=achievement, demand=demand, direction="demand", note="again"
        )
    recipient = personas["outsider"]  # admin of the demand's organisation
    assert Notification.objects.filter(user=recipient, verb="recommendation").exists()
    with pytest.raises(NotPermitted):
        services.recommendation_respond(recommendation=rec, by=personas["owner"], acted=True)
    client.force_login(recipient)
    assert "这项成果正好解决" in client.get(reverse("matching:recommendations")).content.decode()
    client.post(
        reverse("matching:recommendations"), {"recommendation": rec.pk, "answer": "act", "note": "已联系"}
    )
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.ACTED and rec.responded_by == recipient
    assert Notification.objects.filter(user=broker, verb="recommendation_outcome").exists()


def test_dismissing_a_recommendation_is_confirmed_first(client, personas, pair):
    from keqiao.accounts.models import User

    achievement, demand = pair
    broker = User.objects.create_user(username="broker2", password="x", is_broker=True, email="c@example.com")
    rec = services.recommendation_push(
        broker=broker,
        achievement=achievement,
        demand=demand,
        direction="demand",
        note="请看看这项成果。",
    )
    client.force_login(personas["outsider"])
    fields = {"recommendation": rec.pk, "answer": "dismiss", "note": "方向不符"}
    asked = client.post(reverse("matching:recommendations"), fields)
    rec.refresh_from_db()
    assert asked.status_code == 200 and rec.status == Recommendation.Status.SENT
    assert "方向不符" in asked.content.decode()  # the reply typed is carried into the confirmation
    client.post(reverse("matching:recommendations"), fields | {"confirmed": "1"})
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.DISMISSED and rec.response_note == "方向不符"


@pytest.mark.parametrize(("persona", "status"), [("owner", 404), ("bureau", 404), ("anonymous", 302)])
def test_broker_pages_need_a_broker(client, personas, persona, status):
    if personas[persona]:
        client.force_login(personas[persona])
    assert client.get(reverse("matching:broker")).status_code == status


def test_broker_desk_lists_demands_and_matches(client, pair):
    achievement, demand = pair
    from keqiao.accounts.models import User

    broker = User.objects.create_user(username="broker2", password="x", is_broker=True)
    client.force_login(broker)
    body = client.get(reverse("matching:broker")).content.decode()
    assert demand.title in body and achievement.title in body


def test_suggestions(client):
    response = client.post(
        reverse("matching:suggest"),
        {
            "title": "锂离子电池正极材料的制备",
            "problem": "采用高温固相法合成锂离子电池正极材料，研究烧结温度对电化学性能的影响。",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-fill="id_tech_field"' in body and 'data-fill="id_keywords"' in body
    # the discipline the model ranks first, and up to two others to choose from
    assert 2 <= body.count('data-fill="id_discipline"') <= 3
    empty = client.post(reverse("matching:suggest"), {"title": "。"})
    assert "data-fill" not in empty.content.decode()
    api = client.post(
        "/api/v1/suggest",
        data='{"text": "锂离子电池正极材料的烧结工艺与电化学性能"}',
        content_type="application/json",
    ).json()
    assert api["tech_field"] and len(api["keywords"]) <= 5
    alternatives = api["discipline_alternatives"]
    assert 1 <= len(alternatives) <= 2 and api["discipline_code"] not in alternatives
    assert len(set(alternatives)) == len(alternatives)
    assert Classification.objects.filter(scheme="gbt13745", code__in=alternatives).count() == len(
        alternatives
    )
    nothing = client.post("/api/v1/suggest", data='{"text": "。"}', content_type="application/json").json()
    assert nothing["discipline_alternatives"] == [] and nothing["discipline_code"] is None


def test_dense_model_is_used_when_configured(settings, monkeypatch, tmp_path):
    from keqiao.matching import index as glue

    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": str(tmp_path)}
    created = []

    class FakeDense:
        def __init__(self, model_dir):
            created.append(model_dir)

    monkeypatch.setattr("keqiao.matching.index.DenseSemanticModel", FakeDense)
    assert isinstance(glue._semantic_model(), FakeDense) and created == [str(tmp_path)]
    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": ""}
    assert glue._semantic_model() is None


def test_email_can_be_resumed_after_unsubscribing(client, owner):
    notifications.unsubscribe_all(notifications.unsubscribe_token(owner))
    client.force_login(owner)
    assert "email_again" in client.get(reverse("matching:subscriptions")).content.decode()
    client.post(reverse("matching:subscriptions"), {"email_again": "1"})
    owner.refresh_from_db()
    assert not owner.email_opt_out


def test_follow_an_organisation_from_its_page(client, outsider, holder_org):
    client.force_login(outsider)
    page = client.get(reverse("portal:holder", args=[holder_org.pk])).content.decode()
    assert 'name="kind" value="organization"' in page
    client.post(reverse("matching:follow"), {"kind": "organization", "value": holder_org.pk})
    assert Subscription.objects.filter(user=outsider, kind="organization", value=str(holder_org.pk)).exists()


def test_api_matches_carry_grade_and_relevance(client, pair):
    achievement, demand = pair
    data = client.get(f"/api/v1/demands/{demand.pk}/matches").json()
    assert data and data[0]["id"] == achievement.pk
    assert data[0]["grade"] in ("strong", "good", "possible") and data[0]["grade_label"]
    assert 0.0 < data[0]["relevance"] <= 1.0 and 0.0 < data[0]["score"] <= 1.0
    assert all("↔" in c for c in data[0]["shared_concepts"])
