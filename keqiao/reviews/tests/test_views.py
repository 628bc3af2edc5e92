"""Pages through the test client: the organiser's flow, the expert's blind scoring, the holder's result,
the bureau's registry; bad input answered field by field with what was typed kept; pinned query counts."""

import pytest
from django.urls import reverse

from keqiao.reviews import services
from keqiao.reviews.models import Review
from keqiao.testing import pdf as pdf_text

pytestmark = pytest.mark.usefixtures("english")

SCORES = dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), "80")


def test_organiser_opens_a_review_and_sees_proposal_with_exclusions(
    client, agency, agency_org, achievement, experts, make_expert, holder_org
):
    conflicted = make_expert("conflicted", organization=holder_org, full_name="钱同事")
    client.force_login(agency)
    response = client.get(reverse("reviews:review_new") + f"?achievement={achievement.pk}")
    assert response.status_code == 200
    response = client.post(
        reverse("reviews:review_new"),
        {
            "organization": agency_org.pk,
            "achievement": achievement.pk,
            "title": "遗传多样性技术评审",
            "purpose": "",
        },
    )
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    page = client.get(review.get_absolute_url()).content.decode()
    assert f'id="excluded-{conflicted.pk}"' in page
    assert "which holds or co-completed the subject" in page or "持有或共同完成单位" in page
    assert f'id="add-{experts[0].pk}"' in page and f'id="add-{conflicted.pk}"' not in page
    response = client.post(review.get_absolute_url(), {"action": "add", "expert": conflicted.pk})
    assert response.status_code == 400 and not review.panel.exists()


def test_open_form_keeps_input_on_error(client, agency, agency_org, achievement):
    client.force_login(agency)
    response = client.post(
        reverse("reviews:review_new"),
        {"organization": agency_org.pk, "achievement": "99999", "title": "保留的标题"},
    )
    assert response.status_code == 400
    assert "保留的标题" in response.content.decode()
    assert "achievement" in response.context["form"].errors


def test_holders_and_outsiders_cannot_open(client, owner, outsider):
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(reverse("reviews:review_new")).status_code == 404


def test_blind_scoring_then_result_and_pdf(client, agency, make_review, experts, owner, outsider):
    review = make_review("scoring", panel=experts[:2])
    first, second = experts[0].user, experts[1].user
    # the holder sees nothing before closing
    client.force_login(owner)
    assert client.get(review.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(review.get_absolute_url()).status_code == 404
    # bad input: refused field by field, typed values kept
    client.force_login(first)
    response = client.post(
        review.get_absolute_url(), {"action": "score", **SCORES, "economic": "101", "comment": "保留的评语"}
    )
    assert response.status_code == 400
    assert "economic" in response.context["score_form"].errors
    assert "保留的评语" in response.content.decode()
    response = client.post(
        review.get_absolute_url(), {"action": "score", **SCORES, "comment": "技术先进，推广价值高。"}
    )
    assert response.status_code == 302
    # the second expert does not see the first one's score or comment
    client.force_login(second)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "技术先进，推广价值高" not in page and 'id="score-form"' in page
    # the organiser sees who submitted, not what
    client.force_login(agency)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "技术先进，推广价值高" not in page
    client.force_login(second)
    client.post(review.get_absolute_url(), {"action": "score", **SCORES, "comment": "数据可靠。"})
    client.force_login(agency)
    response = client.post(
        review.get_absolute_url(), {"action": "close", "conclusion": "国内领先", "confirmed": "1"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "closed" and review.result["total"] == 80.0
    client.force_login(owner)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "技术先进，推广价值高" in page and 'id="method"' in page
    response = client.get(reverse("reviews:review_pdf", args=[review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text.text(response.content)
    assert "李教授" in text and "王研究员" in text and ("第 1 页" in text or "Page 1 of" in text)
    client.force_login(outsider)
    assert client.get(reverse("reviews:review_pdf", args=[review.pk])).status_code == 404


def test_close_without_confirmation_asks_first(client, agency, make_review, experts):
    review = make_review("submitted", panel=experts[:2])
    client.force_login(agency)
    response = client.post(review.get_absolute_url(), {"action": "close", "conclusion": ""})
    assert response.status_code == 200 and b'name="confirmed"' in response.content
    review.refresh_from_db()
    assert review.status == "scoring"


def test_experts_see_only_their_reviews(client, make_review, experts):
    review = make_review("scoring", panel=experts[:2])
    client.force_login(experts[2].user)
    assert client.get(review.get_absolute_url()).status_code == 404
    page = client.get(reverse("reviews:my_reviews")).content.decode()
    assert review.title not in page
    client.force_login(experts[0].user)
    assert review.title in client.get(reverse("reviews:my_reviews")).content.decode()


def test_non_organiser_cannot_act(client, make_review, experts, bureau):
    review = make_review("open", panel=experts[:2])
    client.force_login(bureau)  # the bureau sees every review but acts only on its own
    assert client.get(review.get_absolute_url()).status_code == 200
    assert client.post(review.get_absolute_url(), {"action": "start", "confirmed": "1"}).status_code == 404
    client.force_login(experts[0].user)
    assert client.post(review.get_absolute_url(), {"action": "start", "confirmed": "1"}).status_code == 404


def test_apply_level_from_the_page(client, agency, make_review, experts, achievement):
    review = make_review("closed", panel=experts[:2])
    client.force_login(agency)
    response = client.post(
        review.get_absolute_url(), {"action": "apply", "level": "dom_advanced", "evaluation": "review"}
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.level == "dom_advanced"


# --- registry -------------------------------------------------------------------------------------------


def test_bureau_invites_confirms_and_filters(client, bureau, owner, agency):
    client.force_login(agency)
    assert client.get(reverse("reviews:experts")).status_code == 404
    client.force_login(bureau)
    response = client.post(
        reverse("reviews:expert_invite"),
        {
            "username": owner.username,
            "organization_name": "四川大学",
            "title": "senior_full",
            "disciplines": "999 240",
        },
    )
    assert response.status_code == 400 and "disciplines" in response.context["form"].errors
    assert "四川大学" in response.content.decode()
    response = client.post(
        reverse("reviews:expert_invite"),
        {
            "username": owner.username,
            "organization_name": "四川大学",
            "title": "senior_full",
            "disciplines": "240",
            "tech_fields": ["agriculture"],
            "available": "on",
        },
    )
    assert response.status_code == 302
    expert = owner.expert
    client.post(expert.get_absolute_url(), {"action": "confirm"})
    owner.refresh_from_db()
    assert owner.is_expert
    page = client.get(reverse("reviews:experts") + "?field=agriculture&status=confirmed").content.decode()
    assert "四川大学" in page
    page = client.get(reverse("reviews:experts") + "?field=nuclear").content.decode()
    assert "四川大学" not in page
    assert "四川大学" in client.get(reverse("reviews:experts") + "?discipline=24").content.decode()
    assert "四川大学" not in client.get(reverse("reviews:experts") + "?discipline=110").content.decode()
    assert client.get(reverse("reviews:experts") + "?discipline=x1").status_code == 200


def test_expert_edits_own_profile(client, experts, holder_org):
    expert = experts[0]
    client.force_login(expert.user)
    response = client.post(
        reverse("reviews:my_profile"),
        {
            "organization_name": expert.organization_name,
            "title": "senior_assoc",
            "disciplines": "240",
            "tech_fields": ["agriculture"],
            "conflict_organizations": [holder_org.pk],
        },
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.title == "senior_assoc" and not expert.available
    assert list(expert.conflict_organizations.all()) == [holder_org]


def test_a_non_expert_has_no_profile_page(client, owner):
    client.force_login(owner)
    assert client.get(reverse("reviews:my_profile")).status_code == 404
    assert client.get(reverse("reviews:my_reviews")).status_code == 404


# --- query counts ------------------------------------------------------------------------------------------


def test_list_query_counts_do_not_grow(
    client, agency, make_review, experts, bureau, django_assert_max_num_queries
):
    for _ in range(3):
        review = make_review("open", panel=experts[:2])
    client.force_login(agency)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reviews:reviews")).status_code == 200
    client.force_login(experts[0].user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reviews:my_reviews")).status_code == 200
    client.force_login(bureau)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reviews:experts")).status_code == 200
    assert review


def test_query_counts_are_constant_in_rows(
    client, agency, make_review, experts, bureau, make_expert, django_assert_num_queries
):
    make_review("open", panel=experts[:2])
    client.force_login(agency)
    client.get(reverse("reviews:reviews"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:reviews"))
    make_review("open", panel=experts[1:3])
    make_review("open", panel=experts[:2])
    with django_assert_num_queries(len(one)):
        client.get(reverse("reviews:reviews"))
    client.force_login(bureau)
    with CaptureQueriesContext(connection) as registry:
        client.get(reverse("reviews:experts"))
    make_expert("more1")
    make_expert("more2")
    with django_assert_num_queries(len(registry)):
        client.get(reverse("reviews:experts"))
    assert services


def test_pages_in_english_have_no_chinese_outside_user_data(
    client, settings, make_review, experts, agency, bureau, owner
):
    import json

    from keqiao.common.language_check import chinese_outside_user_data

    review = make_review("closed", panel=experts[:2])
    open_review = make_review("open", panel=experts[:1])
    pages = [
        (agency, reverse("reviews:reviews")),
        (agency, review.get_absolute_url()),
        (agency, open_review.get_absolute_url()),
        (owner, reverse("reviews:reviews")),
        (experts[0].user, reverse("reviews:my_reviews")),
        (experts[0].user, reverse("reviews:my_profile")),
        (bureau, reverse("reviews:experts")),
        (bureau, reverse("reviews:expert", args=[experts[0].pk])),
        (bureau, reverse("reviews:expert_invite")),
        (agency, reverse("reviews:review_new")),
    ]
    for user, url in pages:
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(url)
        assert response.status_code == 200, url
        hits = chinese_outside_user_data(response.content.decode())
        assert not hits, (url, json.dumps(hits, ensure_ascii=False))


def test_the_workbench_tells_an_expert_what_to_score(client, make_review, experts):
    make_review("scoring", panel=experts[:2])
    client.force_login(experts[0].user)
    page = client.get(reverse("portal:workbench")).content.decode()
    assert reverse("reviews:my_reviews") in page
    client.force_login(experts[2].user)
    assert reverse("reviews:my_reviews") not in client.get(reverse("portal:workbench")).content.decode()
