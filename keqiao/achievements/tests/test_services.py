import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from keqiao.accounts.models import Organization
from keqiao.achievements import choices, services
from keqiao.achievements.models import Achievement, AchievementEvent, RegistrationCounter
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.validators import clean_keywords
from keqiao.search.models import IndexChange
from keqiao.testing.factories import achievement_data

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "returned", "approved", "published", "withdrawn"]


def run_action(action, a, owner, bureau):
    calls = {
        "submit": lambda: services.achievement_submit(achievement=a, by=owner),
        "return": lambda: services.achievement_return(achievement=a, by=bureau, comment="补充"),
        "approve": lambda: services.achievement_approve(achievement=a, by=bureau),
        "publish": lambda: services.achievement_publish(achievement=a, by=owner),
        "withdraw": lambda: services.achievement_withdraw(achievement=a, by=owner),
        "renew": lambda: services.achievement_renew(achievement=a, by=owner),
        "revise": lambda: services.achievement_revise(achievement=a, by=owner),
    }
    return calls[action]()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["submit", "return", "approve", "publish", "withdraw", "renew", "revise"])
def test_transition_table_is_enforced(make_achievement, owner, bureau, state, action):
    """Every (state, action) pair either follows the table or is refused, leaving the row unchanged."""
    a = make_achievement(state)
    events_before = a.events.count()
    allowed = choices.TRANSITIONS.get(a.status, {})
    if action in allowed:
        result = run_action(action, a, owner, bureau)
        assert result.status == allowed[action]
        assert a.events.count() == events_before + 1
        event = a.events.last()
        assert (event.from_status, event.to_status) == (state, allowed[action])
    else:
        with pytest.raises(TransitionNotAllowed):
            run_action(action, a, owner, bureau)
        a.refresh_from_db()
        assert a.status == state
        assert a.events.count() == events_before


def test_create_records_event_and_validates(owner, holder_org):
    a = services.achievement_create(by=owner, organization=holder_org, data=achievement_data())
    assert a.status == "draft"
    assert a.events.get().action == "created"
    assert a.keywords == ["微卫星标记", "遗传多样性", "半滑舌鳎"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"keywords": ["一", "二", "三", "四", "五", "六"]}, "keywords"),
        ({"keywords": ["超" * 21]}, "keywords"),
        ({"price": Decimal("-1")}, "price"),
        ({"price": None, "price_negotiable": False}, "price"),
        (
            {"research_start": datetime.date(2020, 1, 1), "research_end": datetime.date(2019, 1, 1)},
            "research_end",
        ),
        ({"transfer_modes": ["steal"]}, "transfer_modes"),
    ],
)
def test_create_refuses_bad_input(owner, holder_org, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.achievement_create(by=owner, organization=holder_org, data=achievement_data(**overrides))
    assert field in exc.value.message_dict
    assert not Achievement.objects.exists()


def test_keywords_are_split_and_deduplicated():
    assert clean_keywords("竹纤维，聚乳酸, 竹纤维 复合材料") == ["竹纤维", "聚乳酸", "复合材料"]


def test_ip_items_validated(owner, holder_org):
    with pytest.raises(ValidationError):
        services.achievement_create(
            by=owner,
            organization=holder_org,
            data=achievement_data(),
            ip_items=[{"kind": "invention", "number": "ZL201910123457.5", "title": "x"}],
        )
    a = services.achievement_create(
        by=owner,
        organization=holder_org,
        data=achievement_data(),
        ip_items=[{"kind": "invention", "number": "201910123457.4", "title": "x"}],
    )
    assert a.ip_items.get().number == "ZL201910123457.4"


def test_only_members_create_for_their_organisation(outsider, holder_org):
    with pytest.raises(NotPermitted):
        services.achievement_create(by=outsider, organization=holder_org, data=achievement_data())


def test_update_records_changed_fields(make_achievement, owner):
    a = make_achievement("draft")
    services.achievement_update(achievement=a, by=owner, data={"title": "新名称", "trl": 7})
    event = a.events.get(action="edited")
    assert event.changes["title"][1] == "新名称"
    assert event.changes["trl"] == [5, 7]
    assert event.actor == owner


def test_update_without_change_writes_no_event(make_achievement, owner):
    a = make_achievement("draft")
    services.achievement_update(achievement=a, by=owner, data={"title": a.title})
    assert not a.events.filter(action="edited").exists()


def test_outsider_and_bureau_cannot_edit(make_achievement, outsider, bureau):
    a = make_achievement("draft")
    with pytest.raises(NotPermitted):
        services.achievement_update(achievement=a, by=outsider, data={"title": "x"})
    with pytest.raises(NotPermitted):
        services.achievement_update(achievement=a, by=bureau, data={"title": "x"})


@pytest.mark.parametrize("state", ["submitted", "approved", "published"])
def test_cannot_edit_outside_draft_or_returned(make_achievement, owner, state):
    a = make_achievement(state)
    with pytest.raises(TransitionNotAllowed):
        services.achievement_update(achievement=a, by=owner, data={"title": "x"})


def test_submit_requires_verified_organisation(make_achievement, owner, holder_org):
    a = make_achievement("draft")
    Organization.objects.filter(pk=holder_org.pk).update(status=Organization.Status.PENDING)
    with translation.override("en"), pytest.raises(DomainError, match="verified"):
        services.achievement_submit(achievement=a, by=owner)


def test_submit_requires_complete_and_non_secret(make_achievement, owner):
    a = make_achievement("draft", transfer_modes=[])
    with pytest.raises(DomainError):
        services.achievement_submit(achievement=a, by=owner)
    b = make_achievement("draft", secrecy="secret")
    with pytest.raises(DomainError):
        services.achievement_submit(achievement=b, by=owner)
    assert Achievement.objects.filter(status="submitted").count() == 0


def test_only_bureau_reviews(make_achievement, owner, outsider):
    a = make_achievement("submitted")
    for user in (owner, outsider):
        with pytest.raises(NotPermitted):
            services.achievement_approve(achievement=a, by=user)
        with pytest.raises(NotPermitted):
            services.achievement_return(achievement=a, by=user, comment="x")


def test_return_needs_a_comment_and_notifies_owner(
    make_achievement, bureau, owner, django_capture_on_commit_callbacks
):
    a = make_achievement("submitted")
    with pytest.raises(DomainError):
        services.achievement_return(achievement=a, by=bureau, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_return(achievement=a, by=bureau, comment="请补充中试数据")
    assert a.events.last().note == "请补充中试数据"
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "请补充中试数据" in mail.outbox[0].body


def test_registration_numbers_are_sequential_per_year(make_achievement, bureau, settings):
    settings.KEQIAO = {**settings.KEQIAO, "REGISTRATION_OFFICE_CODE": "511"}
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)):
        first = make_achievement("approved")
        second = make_achievement("approved", kind="2")
    assert first.registration_number == "511202610001"
    assert second.registration_number == "511202620002"
    with time_machine.travel(datetime.datetime(2027, 1, 2, 10, tzinfo=datetime.UTC)):
        third = make_achievement("approved", kind="3")
    assert third.registration_number == "511202730001"
    assert len(third.registration_number) == 12
    assert RegistrationCounter.objects.get(year=2026).last_serial == 2


def test_failed_approval_does_not_consume_a_serial(make_achievement, bureau, monkeypatch):
    a = make_achievement("submitted")

    def boom(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(services, "_event", boom)
    with pytest.raises(RuntimeError):
        services.achievement_approve(achievement=a, by=bureau)
    monkeypatch.undo()
    a = services.achievement_approve(achievement=a, by=bureau)
    assert a.registration_number.endswith("0001")


def test_publish_sets_expiry_and_marks_index(make_achievement, settings):
    before = IndexChange.objects.count()
    a = make_achievement("published")
    assert a.expires_at - a.published_at == datetime.timedelta(days=365)
    assert IndexChange.objects.count() == before + 1


def test_expiry_and_reminders(make_achievement, owner, django_capture_on_commit_callbacks):
    start = datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        a = make_achievement("published")
    mail.outbox.clear()
    # 20 days before expiry: nothing to do
    with django_capture_on_commit_callbacks(execute=True):
        assert services.achievements_remind(now=start + datetime.timedelta(days=345)) == 0
        # 14 days before: one reminder, and only one however often the job runs
        assert services.achievements_remind(now=start + datetime.timedelta(days=351)) == 1
        assert services.achievements_remind(now=start + datetime.timedelta(days=352)) == 0
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.achievements_expire(now=start + datetime.timedelta(days=364)) == 0
        assert services.achievements_expire(now=start + datetime.timedelta(days=365, seconds=1)) == 1
        assert services.achievements_expire(now=start + datetime.timedelta(days=366)) == 0
    a.refresh_from_db()
    assert a.status == "expired"
    assert a.events.filter(action="expired", actor__isnull=True).exists()
    assert len(mail.outbox) == 2


def test_renew_resets_expiry_and_reminder(make_achievement, owner):
    a = make_achievement("published")
    Achievement.objects.filter(pk=a.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=3), expiry_reminded_at=timezone.now()
    )
    a = services.achievement_renew(achievement=a, by=owner)
    assert a.expiry_reminded_at is None
    assert a.expires_at > timezone.now() + datetime.timedelta(days=364)


def test_revise_keeps_registration_number(make_achievement, owner):
    a = make_achievement("withdrawn")
    number = a.registration_number
    a = services.achievement_revise(achievement=a, by=owner)
    assert a.status == "draft" and a.registration_number == number


def test_feature_only_by_bureau(make_achievement, owner, bureau):
    a = make_achievement("published")
    with pytest.raises(NotPermitted):
        services.achievement_set_featured(achievement=a, by=owner, featured=True)
    services.achievement_set_featured(achievement=a, by=bureau, featured=True)
    assert Achievement.objects.get(pk=a.pk).featured


def test_import_caps_keywords_and_publishes(holder_org, bureau):
    ids = services.achievements_import(
        rows=[
            {
                "organization": holder_org,
                "title": "导入成果",
                "summary": "摘要",
                "tech_field": "agriculture",
                "keywords": ["一", "二", "三", "四", "五", "六", "超" * 30],
                "transfer_modes": ["license"],
            }
        ],
        by=bureau,
    )
    a = Achievement.objects.get(pk=ids[0])
    assert a.keywords == ["一", "二", "三", "四", "五"]
    assert a.status == "published" and a.expires_at
    assert AchievementEvent.objects.filter(achievement=a, action="imported").exists()
    assert IndexChange.objects.filter(object_id=a.pk).exists()
    assert a.registration_number is None  # numbers are issued only when asked for


def import_row(org, **overrides):
    row = {
        "organization": org,
        "title": "导入成果",
        "summary": "摘要",
        "tech_field": "agriculture",
        "keywords": ["导入"],
        "transfer_modes": ["license"],
    }
    return {**row, **overrides}


def test_import_issues_registration_numbers_like_the_approval(holder_org, bureau, make_achievement, settings):
    settings.KEQIAO = {**settings.KEQIAO, "REGISTRATION_OFFICE_CODE": "511"}
    at = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    with time_machine.travel(at):
        approved = make_achievement("approved")  # takes serial 0001 of 2026
        ids = services.achievements_import(
            rows=[
                import_row(holder_org, title="二月", published_at=at - datetime.timedelta(days=20)),
                import_row(holder_org, title="草稿", status="draft"),
                import_row(holder_org, title="去年", kind="2", published_at=at - datetime.timedelta(days=90)),
                import_row(holder_org, title="一月", kind="2", published_at=at - datetime.timedelta(days=40)),
            ],
            by=bureau,
            issue_registration_numbers=True,
            batch_size=2,
        )
        later = make_achievement("approved", kind="3")
    got = {a.title: a for a in Achievement.objects.filter(pk__in=ids)}
    assert approved.registration_number == "511202610001"
    # in order of publication within each year, by the counter the approval uses, without gaps
    assert got["一月"].registration_number == "511202620002"
    assert got["二月"].registration_number == "511202610003"
    assert got["去年"].registration_number == "511202520001"
    assert got["草稿"].registration_number is None and got["草稿"].approved_at is None
    assert later.registration_number == "511202630004"
    assert got["二月"].approved_at == got["二月"].published_at
    event = AchievementEvent.objects.get(achievement=got["一月"], action="imported")
    assert event.changes == {"registration_number": [None, "511202620002"]}
    assert RegistrationCounter.objects.get(year=2025).last_serial == 1


def test_failed_import_gives_its_registration_numbers_back(holder_org, bureau):
    with pytest.raises(ValidationError):
        services.achievements_import(
            rows=[import_row(holder_org), import_row(holder_org, price_negotiable=False)],
            by=bureau,
            issue_registration_numbers=True,
        )
    assert not Achievement.objects.exists()
    assert not RegistrationCounter.objects.filter(last_serial__gt=0).exists()


def test_import_refuses_more_numbers_than_the_year_has(holder_org, bureau, settings):
    settings.KEQIAO = {**settings.KEQIAO, "REGISTRATION_OFFICE_CODE": "511"}
    year = timezone.localdate().year
    RegistrationCounter.objects.create(office_code="511", year=year, last_serial=9998)
    with pytest.raises(DomainError):
        services.achievements_import(
            rows=[import_row(holder_org), import_row(holder_org)], by=bureau, issue_registration_numbers=True
        )
    assert RegistrationCounter.objects.get(year=year).last_serial == 9998


def test_submit_notifies_the_bureau(make_achievement, owner, bureau, django_capture_on_commit_callbacks):
    a = make_achievement("draft")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_submit(achievement=a, by=owner)
    assert [m.to for m in mail.outbox] == [[bureau.email]]
    assert a.title in mail.outbox[0].subject
    # the bureau's notice carries no confidential details
    assert "ACGT-SECRET" not in mail.outbox[0].body


def test_negotiable_price_drops_the_figure(owner, holder_org):
    a = services.achievement_create(
        by=owner, organization=holder_org, data=achievement_data(price_negotiable=True, price=Decimal("100"))
    )
    assert a.price is None and a.price_negotiable
