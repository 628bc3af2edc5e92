"""One rule set for input: what a form refuses, the API refuses too, with 422 naming the field.

Each finding of the hardening review is checked on the API and on the equivalent form (or the service the
form's view calls): lists without limits, a choice not validated in a bulk path, titles of spaces or
invisible characters, markup as a phone number, a 0-yuan offer, unknown JSON keys.
"""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from keqiao.achievements import services as achievement_services
from keqiao.achievements.forms import AchievementForm, IPItemForm
from keqiao.common import validators
from keqiao.common.errors import DomainError
from keqiao.demands.forms import DemandForm
from keqiao.negotiations import services as negotiation_services
from keqiao.negotiations.tests.conftest import make_deal  # noqa: F401 (fixture)
from keqiao.testing.factories import achievement_data, demand_data

pytestmark = pytest.mark.django_db

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@pytest.fixture
def api(client, owner):
    client.force_login(owner)
    return client


def post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload, default=str), content_type="application/json", **headers)


def fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and isinstance(body["detail"], str)
    return [e["field"] for e in body["errors"]]


FORM_DEFAULTS = {
    "keywords": "微卫星标记，遗传多样性",
    "source": "self_funded",
    "attribute": "original",
    "secrecy": "non_secret",
    "level": "not_evaluated",
    "stage": "lab",
    "evaluation": "none",
}


def achievement_form(**overrides) -> AchievementForm:
    data = {**achievement_data(), **FORM_DEFAULTS, **overrides}
    return AchievementForm(data={k: v for k, v in data.items() if v is not None})


def form_errors(form) -> dict:
    assert not form.is_valid()
    return form.errors


# --- lists without limits ---------------------------------------------------------------------------


def test_ten_thousand_completers_are_refused_by_the_api(api):
    response = post(api, "/api/v1/me/achievements", achievement_data(completers=["张三"] * 10_000))
    assert fields(response) == ["completers"]


def test_too_many_completers_are_refused_by_the_form():
    names = "\n".join(f"完成人{i}" for i in range(achievement_services.MAX_COMPLETERS + 1))
    assert "completers" in form_errors(achievement_form(completers=names))
    names = "\n".join(f"完成人{i}" for i in range(achievement_services.MAX_COMPLETERS))
    assert "completers" not in achievement_form(completers=names).errors


def test_a_megabyte_organisation_name_is_refused_by_the_api(api):
    response = post(api, "/api/v1/me/achievements", achievement_data(other_organizations=["眉" * 1_000_000]))
    assert fields(response) == ["other_organizations.0"]


def test_a_megabyte_organisation_name_is_refused_by_the_form():
    with translation.override("en"):
        errors = form_errors(achievement_form(other_organizations="眉山大学\n" + "眉" * 1_000_000))
        assert "Entry 2" in str(errors["other_organizations"])


# --- choices in bulk paths ----------------------------------------------------------------------------


def test_a_bogus_ip_kind_is_refused_by_the_api(api, make_achievement):
    item = {"kind": "bogus", "number": "", "title": "一种竹纤维"}
    response = post(api, "/api/v1/me/achievements", achievement_data(ip_items=[item]))
    assert fields(response) == ["ip_items.0.kind"]
    draft = make_achievement("draft")
    response = api.patch(
        f"/api/v1/me/achievements/{draft.pk}",
        json.dumps({"ip_items": [{"kind": "trade_secret", "title": "配方"}, {**item, "status": "lost"}]}),
        content_type="application/json",
    )
    assert fields(response) == ["ip_items.1.kind", "ip_items.1.status"]
    assert draft.ip_items.count() == 0


def test_a_bogus_ip_kind_is_refused_by_the_service_and_the_form(make_achievement, owner):
    draft = make_achievement("draft")
    with pytest.raises(ValidationError) as refused:
        achievement_services.achievement_update(
            achievement=draft, by=owner, data={}, ip_items=[{"kind": "bogus", "title": "x"}]
        )
    assert list(refused.value.message_dict) == ["ip_items.0.kind"]
    assert draft.ip_items.count() == 0
    assert "kind" in form_errors(IPItemForm(data={"kind": "bogus", "title": "x"}))


def test_more_ip_items_than_the_form_allows_are_refused(api):
    items = [
        {"kind": "trade_secret", "title": f"技术秘密{i}"}
        for i in range(achievement_services.MAX_IP_ITEMS + 1)
    ]
    assert fields(post(api, "/api/v1/me/achievements", achievement_data(ip_items=items))) == ["ip_items"]


# --- titles of nothing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["   ", "\u3000\u3000", ZERO_WIDTH, f" {ZERO_WIDTH} \n", "\u3164\u3164"])
def test_a_title_of_blanks_or_invisible_characters_is_refused_by_the_api(api, title):
    assert fields(post(api, "/api/v1/me/achievements", achievement_data(title=title))) == ["title"]
    assert fields(post(api, "/api/v1/me/demands", demand_data(title=title, deadline=None))) == ["title"]


@pytest.mark.parametrize("title", [ZERO_WIDTH, f"{ZERO_WIDTH} \u3000"])
def test_a_title_of_invisible_characters_is_refused_by_the_forms(title):
    assert "title" in form_errors(achievement_form(title=title))
    data = {**demand_data(title=title), "keywords": "微卫星", "region": ""}
    assert "title" in form_errors(DemandForm(data=data))


def test_invisible_characters_are_dropped_from_stored_text(api):
    response = post(api, "/api/v1/me/achievements", achievement_data(title=f"竹{ZERO_WIDTH}纤维 \u200b"))
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "竹纤维"
    form = achievement_form(title=f"竹{ZERO_WIDTH}纤维")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "竹纤维"


# --- phone numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["<script>alert(1)</script>", "<b>028-3888</b>", "javascript:1", "电话", "12", "028-3888 8888; DROP"],
)
def test_markup_as_a_phone_number_is_refused_by_the_api_and_the_forms(api, phone):
    assert fields(post(api, "/api/v1/me/achievements", achievement_data(contact_phone=phone))) == [
        "contact_phone"
    ]
    assert fields(post(api, "/api/v1/me/demands", demand_data(contact_phone=phone, deadline=None))) == [
        "contact_phone"
    ]
    assert "contact_phone" in form_errors(achievement_form(contact_phone=phone))


@pytest.mark.parametrize(
    "phone",
    [
        "028-38888888",
        "(028) 3888 8888",
        "+86 138 0000 0000",
        "028-3812 3456 转 801",
        "028-38123456 ext. 12",
        "０２８－３８８８８８８８",
    ],
)
def test_real_phone_numbers_pass_one_validator(phone):
    assert validators.clean_phone(phone)
    assert "contact_phone" not in achievement_form(contact_phone=phone).errors


# --- amounts --------------------------------------------------------------------------------------------


def test_a_zero_yuan_offer_is_refused_by_the_api(client, owner, make_deal):  # noqa: F811
    deal = make_deal("negotiating")
    client.force_login(owner)
    offer = {"price": "0", "payment_method": "lump_sum", "mode": "transfer"}
    assert fields(post(client, f"/api/v1/deals/{deal.pk}/offers", offer)) == ["price"]
    assert fields(post(client, f"/api/v1/deals/{deal.pk}/offers", {**offer, "price": "0.00"})) == ["price"]
    assert deal.offers.count() == 0


def test_a_zero_yuan_offer_is_refused_by_the_form_and_the_service(client, owner, make_deal):  # noqa: F811
    deal = make_deal("negotiating")
    with pytest.raises(DomainError) as refused:
        negotiation_services.offer_make(
            deal=deal, by=owner, price="0", payment_method="lump_sum", mode="transfer"
        )
    assert refused.value.field == "price"
    client.force_login(owner)
    response = client.post(
        reverse("negotiations:room", args=[deal.pk]),
        {"action": "offer", "offer-price": "0", "offer-payment_method": "lump_sum", "offer-mode": "transfer"},
    )
    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("The amount must be more than zero.") in response.content.decode()
    assert deal.offers.count() == 0


# --- unknown keys, query parameters, the answer's shape ------------------------------------------------


def test_unknown_json_keys_are_refused_naming_them(api, make_achievement):
    response = post(api, "/api/v1/me/achievements", {**achievement_data(), "titel": "typo", "owner_id": 1})
    assert sorted(fields(response)) == ["owner_id", "titel"]
    assert {e["code"] for e in response.json()["errors"]} == {"extra_forbidden"}
    draft = make_achievement("draft")
    response = api.patch(
        f"/api/v1/me/achievements/{draft.pk}",
        json.dumps({"ip_items": [{"kind": "trade_secret", "title": "配方", "secret": "x"}]}),
        content_type="application/json",
    )
    assert fields(response) == ["ip_items.0.secret"]


def test_unknown_multipart_keys_are_refused(client, owner, make_deal):  # noqa: F811
    deal = make_deal("negotiating")
    client.force_login(owner)
    response = client.post(f"/api/v1/deals/{deal.pk}/messages", {"body": "你好", "author_id": "1"})
    assert fields(response) == ["author_id"]
    assert client.post(f"/api/v1/deals/{deal.pk}/messages", {"body": "你好"}).status_code == 201


@pytest.mark.parametrize("url", ["/api/v1/me/achievements", "/api/v1/deals", "/api/v1/contracts"])
def test_an_unknown_status_filter_is_a_422(api, url):
    assert fields(api.get(url, {"status": "bogus"})) == ["status"]
    assert api.get(url, {"status": ""}).status_code == 200


def test_errors_are_translated_and_say_which_field(api):
    response = post(
        api,
        "/api/v1/me/achievements",
        {**achievement_data(title=ZERO_WIDTH, kind="9"), "extra": 1},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"title", "kind", "extra"}
    assert errors["extra"]["loc"] == ["body", "extra"]
    assert "未知字段" in errors["extra"]["message"]
    assert "文字" in errors["title"]["message"]
    assert "请检查" in response.json()["detail"]


def test_null_for_a_field_that_cannot_be_empty_is_a_422_not_a_server_error(client, outsider, make_demand):
    """Found by the API fuzzing: PATCH {"cooperation_modes": null} reached the database (NOT NULL)."""
    demand = make_demand("draft")
    client.force_login(outsider)
    for key in ("cooperation_modes", "title", "keywords", "budget_negotiable"):
        response = client.patch(
            f"/api/v1/me/demands/{demand.pk}", json.dumps({key: None}), content_type="application/json"
        )
        assert fields(response) == [key]
    response = client.patch(
        f"/api/v1/me/demands/{demand.pk}", json.dumps({"deadline": None}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
