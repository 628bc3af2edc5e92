"""Audit rows are append-only and chained by hash: the ORM refuses to change or delete them, and what SQL
typed by hand does to them (an edit, a deleted or moved row, a recomputed chain, a cut tail) is found by
`verify_audit`, at the row where it happened."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError

from keqiao.accounts.models import OrganizationEvent, User
from keqiao.achievements.models import Achievement, AchievementEvent
from keqiao.common import audit
from keqiao.common.models import AuditRow

pytestmark = pytest.mark.django_db

TABLE = OrganizationEvent._meta.db_table


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def chain(holder_org, owner):
    """Six organisation events, appended one by one as the services do."""
    return [
        OrganizationEvent.objects.create(organization=holder_org, actor=owner, action="note", note=f"第{i}条")
        for i in range(6)
    ]


def _verify(**kwargs):
    return audit.verify_table(OrganizationEvent, **kwargs)


def _run(*args) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return json.loads(out.getvalue().strip().splitlines()[-1]), code


def test_a_chain_of_rows_verifies_and_its_head_is_the_last_row(chain):
    first, last = chain[0], chain[-1]
    assert first.prev_hash == "" and all(
        b.prev_hash == a.row_hash for a, b in zip(chain, chain[1:], strict=False)
    )
    assert all(len(e.row_hash) == 64 for e in chain)
    report = _verify()
    assert report.ok and report.rows == 6
    assert (report.head_id, report.head_hash) == (last.pk, last.row_hash)
    summary, code = _run("--table", TABLE)
    assert code == 0 and summary["ok"] and summary["rows"] == 6
    assert summary["tables"][TABLE]["head_hash"] == last.row_hash


def test_the_hash_is_over_the_stored_values(chain):
    # what the database gives back (aware times in UTC, ids, JSON) hashes as what was sealed
    event = OrganizationEvent.objects.get(pk=chain[2].pk)
    values = {f.attname: getattr(event, f.attname) for f in audit.hashed_fields(OrganizationEvent)}
    assert audit.digest(values, event.prev_hash) == event.row_hash


def test_the_canonical_form_is_fixed():
    """Changing it would break every chain already written: this is the format of ADR 0008."""
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    values = {
        "action": "verified",
        "actor_id": 7,
        "changes": {"b": [1, None, 0.5], "a": "x"},
        "created_at": datetime.datetime(2026, 3, 12, 10, 0, 0, 123456, tzinfo=beijing),
        "note": "核验通过",
        "organization_id": 3,
        "period": None,  # NULL: left out
    }
    text = (
        '{"action":"verified","actor_id":7,"changes":{"a":"x","b":[1,null,0.5]},'
        '"created_at":"2026-03-12T02:00:00.123456+00:00","note":"核验通过","organization_id":3,"prev_hash":"abc"}'
    )
    assert audit.digest(values, "abc") == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_an_edited_note_is_found_at_its_row(chain):
    _sql(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["改过的", chain[3].pk])  # noqa: S608
    report = _verify()
    assert not report.ok and report.problems == 1
    assert report.first_break["id"] == chain[3].pk and report.first_break["kind"] == "edited"
    summary, code = _run("--table", TABLE)
    assert code == 1 and summary["ok"] is False
    assert summary["tables"][TABLE]["first_break"]["id"] == chain[3].pk


def test_an_edited_time_or_actor_is_found(chain, colleague):
    _sql(f"UPDATE {TABLE} SET actor_id = %s WHERE id = %s", [colleague.pk, chain[1].pk])  # noqa: S608
    assert _verify().first_break == {"id": chain[1].pk, "kind": "edited", "detail": audit.KINDS["edited"]}


def test_a_deleted_middle_row_is_found_at_the_row_after_it(chain):
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[2].pk])  # noqa: S608
    report = _verify()
    assert report.rows == 5 and report.problems == 1
    assert report.first_break["id"] == chain[3].pk and report.first_break["kind"] == "deleted"


def test_a_deleted_first_row_is_found(chain):
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[0].pk])  # noqa: S608
    assert _verify().first_break["id"] == chain[1].pk and _verify().first_break["kind"] == "deleted"


def test_a_moved_row_is_reported_as_reordered(chain):
    moved = chain[-1].pk + 100
    _sql(f"UPDATE {TABLE} SET id = %s WHERE id = %s", [moved, chain[2].pk])  # noqa: S608
    report = _verify()
    assert report.first_break["id"] == chain[3].pk and report.first_break["kind"] == "reordered"


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(chain):
    event = chain[2]
    values = {f.attname: getattr(event, f.attname) for f in audit.hashed_fields(OrganizationEvent)}
    values["note"] = "改过的"
    forged = audit.digest(values, event.prev_hash)
    _sql(f"UPDATE {TABLE} SET note = %s, row_hash = %s WHERE id = %s", ["改过的", forged, event.pk])  # noqa: S608
    report = _verify()
    assert report.first_break["id"] == chain[3].pk and report.first_break["kind"] == "deleted"


def test_a_recomputed_chain_or_a_cut_tail_is_found_against_a_recorded_head(chain, tmp_path):
    recorded, _code = _run("--table", TABLE)
    anchors = tmp_path / "heads.log"
    anchors.write_text("some earlier line\n" + json.dumps(recorded) + "\n")
    # whoever rewrites a row and recomputes the whole chain from there passes the walk...
    _sql(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["改过的", chain[1].pk])  # noqa: S608
    rows = list(OrganizationEvent.objects.order_by("pk"))
    prev = ""
    for row in rows:
        values = {f.attname: getattr(row, f.attname) for f in audit.hashed_fields(OrganizationEvent)}
        row_hash = audit.digest(values, prev)
        _sql(f"UPDATE {TABLE} SET prev_hash = %s, row_hash = %s WHERE id = %s", [prev, row_hash, row.pk])  # noqa: S608
        prev = row_hash
    assert _verify().ok
    # ...but not the head recorded before
    summary, code = _run("--table", TABLE, "--anchors", str(anchors))
    assert code == 1 and summary["tables"][TABLE]["first_break"]["kind"] == "rewritten"
    # rows cut from the end leave a valid chain, without the recorded head
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].pk])  # noqa: S608
    report = _verify(anchor=recorded["tables"][TABLE])
    assert report.first_break == {"id": chain[-1].pk, "kind": "truncated", "detail": audit.KINDS["truncated"]}


def test_the_orm_refuses_to_change_or_delete_audit_rows(chain):
    event = chain[0]
    refused = [
        lambda: OrganizationEvent.objects.filter(pk=event.pk).update(note="x"),
        lambda: OrganizationEvent.objects.all().delete(),
        lambda: OrganizationEvent.objects.bulk_update([event], ["note"]),
        lambda: OrganizationEvent.objects.update_or_create(pk=event.pk, defaults={"note": "x"}),
        lambda: OrganizationEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias),
        event.save,
        event.delete,
        lambda: OrganizationEvent(pk=10_000, organization=event.organization, action="x").save(),
        lambda: OrganizationEvent.objects.bulk_create(
            [OrganizationEvent(organization=event.organization, action="x")], ignore_conflicts=True
        ),
    ]
    for attempt in refused:
        with pytest.raises(audit.AppendOnlyError):
            attempt()
    event.refresh_from_db()
    assert event.note == "第0条" and OrganizationEvent.objects.count() == 6 and _verify().ok


def test_what_an_audit_row_points_to_cannot_be_deleted(make_achievement, owner):
    achievement = make_achievement("draft")
    assert achievement.events.exists()
    with pytest.raises(ProtectedError):
        achievement.delete()
    with pytest.raises(ProtectedError):
        Achievement.objects.filter(pk=achievement.pk).delete()
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=owner.pk).delete()  # someone who acted is deactivated instead
    assert Achievement.objects.filter(pk=achievement.pk).exists()


def test_every_foreign_key_of_an_audit_table_protects():
    for model in audit.audit_models():
        for f in model._meta.concrete_fields:
            if f.is_relation:
                assert f.remote_field.on_delete.__name__ == "PROTECT", f"{model._meta.label}.{f.name}"


def test_the_hashed_fields_of_each_audit_table_are_pinned():
    """A field added to an audit table must be nullable (rows written before it hash as before): change
    this list knowingly."""
    listing = ["action", "actor_id", "changes", "created_at", "from_status", "note", "to_status"]
    expected = {
        "accounts_organizationevent": ["action", "actor_id", "created_at", "note", "organization_id"],
        "achievements_achievementevent": sorted([*listing, "achievement_id"]),
        "annualreports_annualreportevent": sorted([*listing, "report_id"]),
        "annualreports_planprojectevent": sorted([*listing, "project_id"]),
        "contracts_contractevent": sorted([*listing, "contract_id"]),
        "demands_demandevent": sorted([*listing, "demand_id"]),
        "negotiations_dealevent": sorted([*listing, "deal_id"]),
        "supervision_supervisionevent": sorted([*listing, "department_id", "period", "task_id"]),
        "evaluation_trlassessmentevent": sorted([*listing, "assessment_id"]),
        "evaluation_valuationevent": sorted([*listing, "valuation_id"]),
        "reviews_expertevent": sorted([*listing, "expert_id"]),
        "registries_platformevent": sorted([*listing, "platform_id"]),
        "registries_qualificationevent": sorted([*listing, "qualification_id"]),
        "reviews_reviewevent": sorted([*listing, "panelist_id", "review_id"]),
        "trading_auctionevent": sorted([*listing, "auction_id"]),
        "trading_noticeevent": sorted([*listing, "notice_id"]),
        "trading_listingevent": sorted([*listing, "listing_id"]),
        "challenges_challengeevent": sorted([*listing, "challenge_id"]),
        "events_eventlog": sorted([*listing, "event_id"]),
    }
    found = {m._meta.db_table: [f.attname for f in audit.hashed_fields(m)] for m in audit.audit_models()}
    assert found == expected
    assert all(issubclass(m, AuditRow) for m in audit.audit_models())


def test_bulk_appends_are_chained(make_achievement, owner):
    achievement = make_achievement("draft")
    before = AchievementEvent.objects.count()
    made = AchievementEvent.objects.bulk_create(
        [
            AchievementEvent(
                achievement=achievement,
                actor=owner,
                action="imported",
                to_status="draft",
                changes={1: ("a", None), "n": 0.1},  # read back as {"1": ["a", null], "n": 0.1}
            )
            for _ in range(5)
        ],
        batch_size=2,
    )
    assert AchievementEvent.objects.count() == before + 5
    assert [m.pk for m in made] == sorted(m.pk for m in made)
    assert audit.verify_table(AchievementEvent).ok
    assert AchievementEvent.objects.get(pk=made[0].pk).changes == {"1": ["a", None], "n": 0.1}


def test_rows_can_be_recorded_at_a_given_time(holder_org):
    when = datetime.datetime(2025, 3, 12, 2, 0, tzinfo=datetime.UTC)
    with audit.recorded_at(when):
        event = OrganizationEvent.objects.create(organization=holder_org, action="verified")
    later = OrganizationEvent.objects.create(organization=holder_org, action="note")
    assert event.created_at == when and later.created_at > when
    assert _verify().ok


def test_an_append_costs_one_query_more_than_the_insert(holder_org, django_assert_num_queries):
    OrganizationEvent.objects.create(organization=holder_org, action="first")
    with django_assert_num_queries(2):  # the head (with the lock on PostgreSQL), the insert
        OrganizationEvent.objects.create(organization=holder_org, action="second")


def test_verify_audit_covers_every_audit_table_and_refuses_an_unknown_one(chain, make_achievement):
    make_achievement("published")
    summary, code = _run()
    assert code == 0 and summary["ok"]
    assert set(summary["tables"]) == {m._meta.db_table for m in audit.audit_models()}
    assert summary["tables"]["achievements_achievementevent"]["rows"] >= 4
    summary, code = _run("--table", "achievements.AchievementEvent")
    assert list(summary["tables"]) == ["achievements_achievementevent"]
    with pytest.raises(CommandError, match="Not an audit table"):
        call_command("verify_audit", "--table", "achievements_achievement", stdout=io.StringIO())
