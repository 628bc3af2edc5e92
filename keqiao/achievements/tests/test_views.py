"""Client tests of every achievement view, per persona, plus the permission matrix and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqiao.achievements import services
from keqiao.achievements.models import Achievement
from keqiao.testing.factories import achievement_data

pytestmark = pytest.mark.django_db

SECRET = "ACGT-SECRET-0001"
SECRET_EMAIL = "secret-contact@example.com"


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- permission matrix -------------------------------------------------------------------------------
# (state, persona) -> expected status of the detail page; private markers visible or not.
DETAIL_MATRIX = {
    "draft": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "anonymous": 404},
    "submitted": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "anonymous": 404},
    "returned": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "anonymous": 404},
    "approved": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "anonymous": 404},
    "published": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 200, "anonymous": 200},
    "withdrawn": {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "anonymous": 404},
}
PRIVATE_PERSONAS = {"owner", "colleague", "bureau"}


@pytest.mark.parametrize("state", list(DETAIL_MATRIX))
@pytest.mark.parametrize("persona", ["owner", "colleague", "bureau", "outsider", "anonymous"])
def test_detail_permission_matrix(client, personas, make_achievement, state, persona):
    a = make_achievement(state)
    response = client_for(client, personas[persona]).get(a.get_absolute_url())
    assert response.status_code == DETAIL_MATRIX[state][persona]
    if response.status_code == 200:
        body = response.content.decode()
        assert a.title in body
        assert (SECRET in body) == (persona in PRIVATE_PERSONAS)
        assert (SECRET_EMAIL in body) == (persona in PRIVATE_PERSONAS)


# (action, persona) -> allowed? for an achievement in the state the action needs.
ACTION_MATRIX = {
    ("submit", "draft"): {"owner", "colleague"},
    ("approve", "submitted"): {"bureau"},
    ("return", "submitted"): {"bureau"},
    ("publish", "approved"): {"owner", "colleague", "bureau"},
    ("withdraw", "published"): {"owner", "colleague", "bureau"},
    ("renew", "published"): {"owner", "colleague", "bureau"},
    ("revise", "withdrawn"): {"owner", "colleague"},
    ("feature", "published"): {"bureau"},
}
EXPECTED_STATUS = {
    "submit": "submitted",
    "approve": "approved",
    "return": "returned",
    "publish": "published",
    "withdraw": "withdrawn",
    "renew": "published",
    "revise": "draft",
    "feature": "published",
}


@pytest.mark.parametrize(("action", "state"), list(ACTION_MATRIX))
@pytest.mark.parametrize("persona", ["owner", "colleague", "bureau", "outsider", "anonymous"])
def test_action_permission_matrix(client, personas, make_achievement, action, state, persona):
    a = make_achievement(state)
    events = a.events.count()
    response = client_for(client, personas[persona]).post(
        reverse("achievements:action", args=[a.pk, action]),
        {"comment": "请补充材料", "note": "", "confirmed": "1"},
    )
    a.refresh_from_db()
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif persona in ACTION_MATRIX[(action, state)]:
        assert response.status_code == 302
        assert a.status == EXPECTED_STATUS[action]
        assert a.events.count() == events + 1
        assert a.events.last().actor == personas[persona]
    else:
        assert response.status_code in (302, 403, 404)
        assert a.status == state
        assert a.events.count() == events
    if persona == "outsider" and state != "published":
        assert response.status_code == 404


def test_unknown_action_is_404(client, owner, make_achievement):
    a = make_achievement("draft")
    client.force_login(owner)
    assert client.post(reverse("achievements:action", args=[a.pk, "explode"])).status_code == 404


def test_actions_require_post(client, owner, make_achievement):
    a = make_achievement("draft")
    client.force_login(owner)
    assert client.get(reverse("achievements:action", args=[a.pk, "submit"])).status_code == 405


# --- registration form ---------------------------------------------------------------------------------


def form_payload(**overrides):
    data = {
        "title": "一种竹纤维增强聚乳酸复合材料",
        "kind": "1",
        "source": "self_funded",
        "attribute": "original",
        "secrecy": "non_secret",
        "level": "not_evaluated",
        "stage": "lab",
        "trl": "5",
        "evaluation": "none",
        "keywords": "竹纤维，聚乳酸，复合材料",
        "tech_field": "new_materials",
        "transfer_modes": ["license"],
        "price": "300000",
        "summary": "以竹纤维增强聚乳酸，提高韧性。",
        "confidential_details": "配方",
        "ip-TOTAL_FORMS": "2",
        "ip-INITIAL_FORMS": "0",
        "ip-MIN_NUM_FORMS": "0",
        "ip-MAX_NUM_FORMS": "20",
        "ip-0-kind": "invention",
        "ip-0-number": "ZL201910123457.4",
        "ip-0-title": "竹纤维复合材料",
        "ip-0-status": "granted",
    }
    data.update(overrides)
    return data


def test_create_form_saves_draft(client, owner, holder_org):
    client.force_login(owner)
    assert client.get(reverse("achievements:create")).status_code == 200
    response = client.post(reverse("achievements:create"), form_payload())
    a = Achievement.objects.get()
    assert response.status_code == 302 and response.url == a.get_absolute_url()
    assert a.status == "draft" and a.organization == holder_org
    assert a.keywords == ["竹纤维", "聚乳酸", "复合材料"]
    assert a.ip_items.get().number == "ZL201910123457.4"


def test_create_and_submit_in_one_step(client, owner):
    client.force_login(owner)
    client.post(reverse("achievements:create"), form_payload(submit="1"))
    assert Achievement.objects.get().status == "submitted"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"keywords": "一 二 三 四 五 六"}, "至多"),
        ({"price": "-5"}, ""),
        ({"ip-0-number": "ZL201910123457.5"}, ""),
        ({"title": "长" * 201}, ""),
        ({"tech_field": ""}, ""),
    ],
)
def test_bad_input_is_refused_and_nothing_lost(client, owner, overrides, message):
    client.force_login(owner)
    payload = form_payload(**overrides)
    response = client.post(reverse("achievements:create"), payload)
    assert response.status_code == 400
    assert not Achievement.objects.exists()
    body = response.content.decode()
    assert "errorlist" in body
    # what the user typed is still in the form
    assert "以竹纤维增强聚乳酸，提高韧性。" in body
    assert payload["title"][:50] in body


def test_english_error_messages(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("achievements:create"), form_payload(keywords="a b c d e f"), HTTP_ACCEPT_LANGUAGE="en"
    )
    client.cookies["django_language"] = "en"
    response = client.post(reverse("achievements:create"), form_payload(keywords="a b c d e f"))
    assert "Give at most 5 keywords." in response.content.decode()


def test_chinese_error_messages_by_default(client, owner):
    client.force_login(owner)
    response = client.post(reverse("achievements:create"), form_payload(keywords="a b c d e f"))
    assert "关键词" in response.content.decode()


def test_edit_only_by_members_in_editable_state(client, owner, outsider, bureau, make_achievement):
    a = make_achievement("draft")
    client.force_login(outsider)
    assert client.get(reverse("achievements:edit", args=[a.pk])).status_code == 404
    client.force_login(bureau)
    assert client.get(reverse("achievements:edit", args=[a.pk])).status_code == 302
    client.force_login(owner)
    assert client.get(reverse("achievements:edit", args=[a.pk])).status_code == 200
    response = client.post(reverse("achievements:edit", args=[a.pk]), form_payload(title="改过的名称"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.title == "改过的名称"
    assert a.events.filter(action="edited").exists()


def test_edit_refused_while_submitted(client, owner, make_achievement):
    a = make_achievement("submitted")
    client.force_login(owner)
    response = client.post(reverse("achievements:edit", args=[a.pk]), form_payload(title="x"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.title != "x"


def test_my_achievements_lists_only_own(client, owner, outsider, make_achievement, other_org):
    mine = make_achievement("draft")
    theirs = services.achievement_create(
        by=outsider, organization=other_org, data=achievement_data(title="别人的草稿")
    )
    client.force_login(owner)
    body = client.get(reverse("achievements:mine")).content.decode()
    assert mine.title in body and theirs.title not in body
    assert client.get(reverse("achievements:mine") + "?status=draft&page=99").status_code == 200


def test_review_queue_only_for_bureau(client, owner, bureau, make_achievement):
    a = make_achievement("submitted")
    client.force_login(owner)
    assert client.get(reverse("achievements:review_queue")).status_code == 404
    client.force_login(bureau)
    response = client.get(reverse("achievements:review_queue"))
    assert response.status_code == 200 and a.title in response.content.decode()


# --- public showcase --------------------------------------------------------------------------------------


def test_list_search_facets_and_private_data(client, make_achievement):
    published = make_achievement("published")
    draft = make_achievement("draft", title="尚未发布的草稿成果")
    response = client.get(reverse("achievements:list"), {"q": "微卫星"})
    body = response.content.decode()
    assert response.status_code == 200
    assert published.get_absolute_url() in body
    assert "<mark>微卫星</mark>" in body
    assert draft.title not in body
    assert SECRET not in body and SECRET_EMAIL not in body
    assert 'data-facet="field"' in body


def test_list_htmx_returns_partial(client, make_achievement):
    make_achievement("published")
    response = client.get(reverse("achievements:list"), {"q": "遗传"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'id="result-count"' in response.content.decode()


def test_list_with_bad_parameters_does_not_fail(client, make_achievement):
    make_achievement("published")
    response = client.get(reverse("achievements:list"), {"page": "abc", "sort": "drop table", "trl": "99"})
    assert response.status_code == 200


def test_search_does_not_match_confidential_text(client, make_achievement):
    make_achievement("published")
    body = client.get(reverse("achievements:list"), {"q": SECRET}).content.decode()
    assert "微卫星" not in body


def _published_batch(make_achievement, n):
    for i in range(n):
        make_achievement("published", title=f"成果{i} 微卫星标记技术")


@pytest.mark.parametrize("n", [3, 12])
def test_list_query_count_is_bounded(client, make_achievement, n):
    _published_batch(make_achievement, n)
    client.get(reverse("achievements:list"))  # builds the index
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("achievements:list"), {"q": "微卫星"})
    assert response.status_code == 200
    # index catch-up (1), regions for facet labels (1), the page of achievements (1)
    assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]


OWNER_DETAIL_QUERIES = (
    16  # the owner's panels (interests, timeline, actions…), 2 for the marks, 1 for patents
)


@pytest.mark.parametrize("n_ip", [0, 5])
def test_detail_query_count_is_bounded(client, owner, make_achievement, make_demand, n_ip):
    a = make_achievement("published")
    make_demand("published")  # so that the matches panel has a demand to load
    from keqiao.achievements.models import IPItem

    IPItem.objects.bulk_create(
        IPItem(achievement=a, kind="trade_secret", title=f"秘密{i}") for i in range(n_ip)
    )
    client.get(a.get_absolute_url())  # builds the matcher once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(a.get_absolute_url()).status_code == 200
    # the achievement with IP items and attachments (3), matcher catch-up (1), the matched demands (1),
    # the patent records of its IP section (1)
    assert len(ctx.captured_queries) == 6, [q["sql"] for q in ctx.captured_queries]
    # the owner also sees which matched pairs are already recommended (1) or negotiated (1); the count
    # does not grow with the matches or the IP items
    client.force_login(owner)
    client.get(a.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(a.get_absolute_url()).status_code == 200
    assert len(ctx.captured_queries) == OWNER_DETAIL_QUERIES, [q["sql"] for q in ctx.captured_queries]


def test_home_and_holder_pages(client, make_achievement, holder_org):
    a = make_achievement("published")
    body = client.get(reverse("portal:home")).content.decode()
    assert a.title in body
    response = client.get(reverse("portal:holder", args=[holder_org.pk]))
    assert response.status_code == 200 and a.title in response.content.decode()
    assert SECRET not in response.content.decode()


def test_holder_page_hidden_for_unverified(client, other_org):
    other_org.status = "pending"
    other_org.save()
    assert client.get(reverse("portal:holder", args=[other_org.pk])).status_code == 404


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert 'lang="en"' in body


def test_chinese_by_default_whatever_the_browser_says(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in body and "科桥" in body


def test_yuan_formatting_per_language():
    from django.utils import translation

    from keqiao.common.templatetags.keqiao import yuan

    with translation.override("zh-hans"):
        assert yuan("200000.00") == "20 万元"
        assert yuan("5000") == "5000.00 元"
    with translation.override("en"):
        assert yuan("200000.00") == "¥200,000"


def test_failed_submit_keeps_one_draft_and_says_why(client, owner, holder_org):
    holder_org.status = "pending"
    holder_org.save()
    client.force_login(owner)
    response = client.post(reverse("achievements:create"), form_payload(submit="1"), follow=True)
    assert Achievement.objects.count() == 1
    a = Achievement.objects.get()
    assert a.status == "draft"
    assert response.redirect_chain[-1][0] == a.get_absolute_url()
