"""The index follows the database: publish, withdraw, expire and edits reach every process."""

import pytest
from django.db import connection

from keqiao.achievements import services
from keqiao.achievements.search import achievement_document
from keqiao.search.index import ListingIndex, search_achievements
from keqiao.search.registry import get_definition

pytestmark = pytest.mark.django_db


def ids(query="", **kwargs):
    return search_achievements(query, **kwargs).ids


def test_publish_and_withdraw_update_the_index(make_achievement, owner):
    a = make_achievement("published", title="竹纤维增强聚乳酸复合材料")
    assert ids("聚乳酸") == [a.pk]
    services.achievement_withdraw(achievement=a, by=owner)
    assert ids("聚乳酸") == []


def test_a_second_process_catches_up_from_the_change_log(make_achievement, owner):
    other = ListingIndex(get_definition("achievement"))
    other.refresh()
    assert len(other.engine) == 0
    a = make_achievement("published", title="锂离子电池预锂化技术")
    other.refresh()
    assert [i for i, _ in other.engine.retrieve("预锂化", 5)] == [a.pk]
    services.achievement_withdraw(achievement=a, by=owner)
    other.refresh()
    assert other.engine.retrieve("预锂化", 5) == []


def test_expiry_removes_from_search(make_achievement):
    import datetime

    from django.utils import timezone

    a = make_achievement("published", title="茶叶加工新工艺")
    assert ids("茶叶") == [a.pk]
    services.achievements_expire(now=timezone.now() + datetime.timedelta(days=366))
    assert ids("茶叶") == []


def test_confidential_text_is_not_indexed(make_achievement):
    a = make_achievement("published")
    doc = achievement_document(a)
    assert "ACGT-SECRET" not in " ".join(doc.fields.values())
    assert ids("ACGT-SECRET-0001") == []


def test_facets_filters_and_sort(make_achievement):
    a = make_achievement("published", title="新材料甲", tech_field="new_materials", trl=8)
    b = make_achievement("published", title="新材料乙", tech_field="new_materials", trl=3)
    c = make_achievement("published", title="农业丙", tech_field="agriculture", trl=5)
    page = search_achievements("", filters={"field": ["new_materials"]}, sort="-trl")
    assert page.ids == [a.pk, b.pk]
    assert page.facets["field"] == {"new_materials": 2, "agriculture": 1}  # disjunctive
    assert page.facets["trl"] == {"8": 1, "3": 1}
    assert search_achievements("", filters={"region": ["511402"]}).total == 3
    assert search_achievements("", filters={"holder": ["enterprise"]}).total == 0
    page = search_achievements("", sort="trl", per_page=2, page=2)
    assert page.ids == [a.pk] and page.num_pages == 2
    assert c.pk in ids("", filters={"trl": ["5"]})


def test_word_segmentation_not_substring(make_achievement):
    make_achievement("published", title="高速铁路路基沉降监测", summary="监测路基沉降。", keywords=["路基"])
    # "路路" is a substring of "铁路路基" but not a word: a LIKE search would match it, segmentation does not.
    assert ids("路路") == []
    assert len(ids("铁路")) == 1


def test_snapshot_round_trip_and_catch_up(make_achievement, owner, settings, tmp_path):

    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": str(tmp_path)}
    a = make_achievement("published", title="竹纤维增强聚乳酸复合材料")
    builder = ListingIndex(get_definition("achievement"))
    assert builder.rebuild() == 1
    assert (tmp_path / "achievement.pickle").exists()
    # a change after the snapshot was taken
    b = make_achievement("published", title="锂离子电池预锂化技术")
    services.achievement_withdraw(achievement=a, by=owner)
    reader = ListingIndex(get_definition("achievement"))
    reader.refresh()  # loads the snapshot, then applies the two changes
    assert [i for i, _ in reader.engine.retrieve("预锂化", 5)] == [b.pk]
    assert reader.engine.retrieve("聚乳酸", 5) == []


def test_snapshot_of_another_database_is_ignored(make_achievement, settings, tmp_path):
    from keqiao.search.models import IndexChange

    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": str(tmp_path)}
    make_achievement("published")
    ListingIndex(get_definition("achievement")).rebuild()
    IndexChange.objects.all().delete()  # as if the snapshot came from a database with a longer history
    from keqiao.achievements.models import Achievement, AchievementEvent

    with connection.cursor() as cursor:  # audit rows protect their achievement; this is another database
        cursor.execute(f"DELETE FROM {AchievementEvent._meta.db_table}")  # noqa: S608 - its own table
    Achievement.objects.all().delete()
    reader = ListingIndex(get_definition("achievement"))
    reader.refresh()
    assert len(reader.engine) == 0
