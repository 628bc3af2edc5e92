"""The main pages rendered in English carry no Chinese outside user data (marked data-user / lang="zh")."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from keqiao.common.language_check import chinese_outside_user_data

pytestmark = pytest.mark.django_db


def test_checker_leaves_out_user_data():
    html = (
        '<p>Title <span data-user>竹编</span> <b lang="zh-Hans">泡菜<i>脆</i></b></p>'
        '<p title="标题">x</p><script>var a="中文"</script><p>中文</p>'
    )
    assert chinese_outside_user_data(html) == ["<p title='标题'>", "中文"]


# Pages whose templates do not yet mark all their user data (titles, names, descriptions): they still
# show it unmarked, so the check cannot tell it from untranslated text. Remove a page once it is marked.
PAGES = [
    "home",
    "search",
    "achievement",
    "demand",
    "workbench",
    "negotiations",
    "contracts",
    "statistics",
    "plan dashboard",
    "supervision matrix",
    "annual reports",
    "notifications",
]


def _url(name, make_achievement, make_demand) -> str:
    from keqiao.governance.models import ActionPlan

    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    urls = {
        "home": lambda: make_achievement("published") and "/",
        "search": lambda: make_achievement("published") and "/achievements/?q=" + "遗传多样性",
        "achievement": lambda: make_achievement("published").get_absolute_url(),
        "demand": lambda: make_demand("published").get_absolute_url(),
        "workbench": lambda: reverse("portal:workbench"),
        "negotiations": lambda: reverse("negotiations:bureau_list"),
        "contracts": lambda: reverse("contracts:contracts"),
        "statistics": lambda: reverse("contracts:statistics"),
        "plan dashboard": lambda: reverse("governance:plan", args=[plan.pk]),
        "supervision matrix": lambda: reverse("supervision:matrix") + f"?plan={plan.pk}",
        "annual reports": lambda: reverse("annualreports:index"),
        "notifications": lambda: reverse("notifications:list"),
    }
    return urls[name]()


@pytest.mark.parametrize(
    "page",
    PAGES,
)
def test_main_pages_in_english_have_no_chinese_outside_user_data(
    client, bureau, make_achievement, make_demand, page
):
    url = _url(page, make_achievement, make_demand)
    client.force_login(bureau)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200, (page, url, response.status_code)
    hits = chinese_outside_user_data(response.content.decode())
    assert not hits, json.dumps(hits, ensure_ascii=False)
