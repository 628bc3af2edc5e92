import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keqiao.achievements.models import AchievementEvent
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted, TransitionNotAllowed
from keqiao.evaluation import services, trl
from keqiao.evaluation.models import TrlAssessmentEvent

from .conftest import PDF_BYTES, answers_up_to, pdf

pytestmark = pytest.mark.django_db


def test_criteria_table_covers_nine_levels_and_says_its_source():
    assert [lv.number for lv in trl.LEVELS] == list(range(1, 10))
    assert all(lv.criteria and lv.evidence for lv in trl.LEVELS)
    with translation.override("en"):
        assert "not available" in str(trl.SOURCE_NOTE)
    with translation.override("zh-hans"):
        assert "未能取得标准全文" in str(trl.SOURCE_NOTE)


def test_level_reached_stops_at_first_gap():
    assert trl.level_reached({1: True, 2: True, 3: False, 4: True}) == 2
    assert trl.level_reached({}) == 0
    assert trl.level_reached(dict.fromkeys(range(1, 10), True)) == 9


def test_probability_of_success_grows_with_level():
    ps = [trl.probability_of_success(n) for n in range(1, 10)]
    assert ps == sorted(ps)
    assert ps[-1] == 1.0
    assert trl.probability_of_success(8) == pytest.approx(0.9)


def test_walk_through_gives_level_and_keeps_evidence_hash(make_assessment):
    a = make_assessment("draft", level=6)
    assert a.self_level == 6
    e = a.evidence.get()
    assert e.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert e.level == 6
    assert TrlAssessmentEvent.objects.filter(assessment=a, action="evidence_added").exists()


def test_met_level_without_statement_is_refused_by_field(make_assessment, owner):
    a = make_assessment("empty")
    answers = answers_up_to(3)
    answers[2]["statement"] = ""
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(assessment=a, by=owner, answers=answers, justification="x")
    assert "statement_2" in exc.value.message_dict


def test_nul_byte_is_stripped(make_assessment, owner):
    a = make_assessment("empty")
    a = services.assessment_save(assessment=a, by=owner, answers=answers_up_to(1), justification="a\x00b")
    assert a.justification == "ab"


def test_disguised_evidence_refused(make_assessment, owner):
    a = make_assessment("empty")
    with pytest.raises(DomainError) as exc:
        services.evidence_add(assessment=a, by=owner, level=1, uploaded=pdf("x.pdf", b"MZ not a pdf" * 10))
    assert exc.value.field == "file"


def test_only_one_assessment_in_progress(make_assessment, owner):
    a = make_assessment("draft")
    with pytest.raises(AlreadyExists):
        services.assessment_start(achievement=a.achievement, by=owner)


def test_outsider_cannot_start_or_edit(make_achievement, outsider, make_assessment):
    with pytest.raises(NotPermitted):
        services.assessment_start(achievement=make_achievement("published"), by=outsider)


def test_submit_needs_evidence_for_the_level_reached(make_assessment, owner):
    a = make_assessment("empty")
    services.assessment_save(assessment=a, by=owner, answers=answers_up_to(4), justification="实验室测试完成")
    services.evidence_add(assessment=a, by=owner, level=3, uploaded=pdf())
    with pytest.raises(DomainError) as exc:
        services.assessment_submit(assessment=a, by=owner)
    assert exc.value.code == "no_evidence"


def test_submit_needs_a_level(make_assessment, owner):
    a = make_assessment("empty")
    with pytest.raises(DomainError):
        services.assessment_submit(assessment=a, by=owner)


def test_submitted_assessment_is_frozen_for_the_holder(make_assessment, owner):
    a = make_assessment("submitted")
    with pytest.raises(TransitionNotAllowed):
        services.assessment_save(assessment=a, by=owner, answers=answers_up_to(7), justification="x")
    with pytest.raises(TransitionNotAllowed):
        services.evidence_add(assessment=a, by=owner, level=7, uploaded=pdf())


def test_agency_confirms_and_listing_uses_confirmed_level(make_assessment, assessor):
    a = make_assessment("submitted", level=6)
    a = services.assessment_confirm(assessment=a, by=assessor, level=6)
    ach = a.achievement
    ach.refresh_from_db()
    assert ach.confirmed_trl == 6 and ach.trl == 5 and ach.effective_trl == 6
    assert ach.trl_confirmed_by == assessor
    assert ach.trl_confirmed_org == "眉山技术转移服务中心（测试）"
    assert ach.trl_confirmed_at is not None
    assert set(a.answers.values_list("verdict", flat=True)) == {"agreed"}
    assert AchievementEvent.objects.filter(achievement=ach, action="trl_confirmed").exists()


def test_expert_corrects_level_with_comment(make_assessment, expert):
    a = make_assessment("submitted", level=6)
    with pytest.raises(ValidationError) as exc:
        services.assessment_confirm(assessment=a, by=expert, level=5)
    assert "comment" in exc.value.message_dict
    a = services.assessment_confirm(
        assessment=a, by=expert, level=5, comment="中试报告未见第三方签章。", level_comments={6: "缺少签章"}
    )
    assert a.confirmed_level == 5
    row6 = a.answers.get(level=6)
    assert row6.verdict == "corrected" and row6.comment == "缺少签章"
    assert a.answers.get(level=5).verdict == "agreed"


def test_confirm_level_out_of_range_refused(make_assessment, expert):
    a = make_assessment("submitted")
    with pytest.raises(ValidationError) as exc:
        services.assessment_confirm(assessment=a, by=expert, level=10, comment="x")
    assert "level" in exc.value.message_dict


def test_holder_and_plain_users_cannot_confirm(make_assessment, owner, outsider, colleague):
    a = make_assessment("submitted")
    for user in (owner, outsider, colleague):
        with pytest.raises(NotPermitted):
            services.assessment_confirm(assessment=a, by=user, level=6)


def test_expert_of_the_holder_cannot_confirm_own(make_assessment, owner):
    owner.is_expert = True
    owner.save()
    a = make_assessment("submitted")
    with pytest.raises(NotPermitted):
        services.assessment_confirm(assessment=a, by=owner, level=6)


def test_draft_cannot_be_confirmed_and_confirmed_cannot_be_returned(make_assessment, assessor):
    a = make_assessment("draft")
    with pytest.raises(TransitionNotAllowed):
        services.assessment_confirm(assessment=a, by=assessor, level=6)
    a = services.assessment_submit(assessment=a, by=a.created_by)
    services.assessment_confirm(assessment=a, by=assessor, level=6)
    with pytest.raises(TransitionNotAllowed):
        services.assessment_return(assessment=a, by=assessor, comment="x")


def test_return_needs_comment_and_reopens_for_holder(make_assessment, assessor, owner):
    a = make_assessment("submitted")
    with pytest.raises(DomainError):
        services.assessment_return(assessment=a, by=assessor, comment="")
    a = services.assessment_return(assessment=a, by=assessor, comment="请补充第三方检测报告")
    assert a.status == "draft"
    services.assessment_save(assessment=a, by=owner, answers=answers_up_to(5), justification="调整")


def test_search_and_matching_use_confirmed_level(make_assessment, assessor):
    from keqiao.achievements.search import achievement_document
    from keqiao.matching.index import achievement_item

    a = make_assessment("submitted", level=7)
    services.assessment_confirm(assessment=a, by=assessor, level=7)
    ach = a.achievement
    ach.refresh_from_db()
    assert achievement_item(ach).trl == 7
    doc = achievement_document(ach)
    assert doc.facets["trl"] == ("7",) and doc.sort_values["trl"] == 7.0


def test_public_api_shows_the_confirmed_level(client, make_assessment, assessor):
    a = make_assessment("submitted", level=6)
    services.assessment_confirm(assessment=a, by=assessor, level=6)
    data = client.get(f"/api/v1/achievements/{a.achievement_id}").json()
    assert data["trl"] == 5 and data["confirmed_trl"] == 6
    assert data["trl_confirmed_org"] == "眉山技术转移服务中心（测试）"
