"""The evaluation pages in English carry no Chinese outside user data, and in Chinese no untranslated
English of the page's own text."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from keqiao.common.language_check import chinese_outside_user_data
from keqiao.evaluation import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(make_assessment, make_valuation, make_deal, assessor):
    a = make_assessment("submitted", level=5)
    deal = make_deal("agreed")
    v = make_valuation(achievement=a.achievement)
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    return {
        "owner": [
            reverse("evaluation:achievement_trl", args=[a.achievement_id]),
            a.get_absolute_url(),
            reverse("evaluation:valuations"),
            reverse("evaluation:valuation_new"),
            v.get_absolute_url(),
            reverse("evaluation:valuation_edit", args=[v.pk]),
        ],
        "assessor": [reverse("evaluation:queue"), a.get_absolute_url()],
    }


def test_pages_in_english_have_no_chinese_outside_user_data(client, owner, assessor, pages):
    for who, user in (("owner", owner), ("assessor", assessor)):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in pages[who]:
            response = client.get(url)
            assert response.status_code == 200, url
            hits = chinese_outside_user_data(response.content.decode())
            assert not hits, (url, json.dumps(hits, ensure_ascii=False))
