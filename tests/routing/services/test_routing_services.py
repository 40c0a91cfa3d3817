from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.base import chunks
from app.db.models import Assignment, AuditEntry, Department
from app.db.models.routing import RoutingRecord, RuleSetVersion
from app.domain.enums import ItemState
from app.services import routing
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.routing import proposals
from tests.routing.services.factories import SESSION_LABEL, make_session


@pytest.fixture
def office(make_user):
    return make_user("office_staff").actor


def codes(session, assignments):
    ids = {d.id: d.code for d in session.scalars(select(Department))}
    return sorted((ids[a.department_id], a.role) for a in assignments)


def test_route_session_stores_a_record_per_item_with_version_and_reasons(db_session, office):
    congress, items = make_session(db_session)
    report = routing.route_session(db_session, office, SESSION_LABEL)
    assert report.count(action="routed") == 5
    records = routing.current_records(db_session, [i.id for i in items])
    parking = records[items[0].id]
    assert parking.status == "proposed" and parking.lead_code == "jtw"
    assert parking.rule_set.active and len(parking.rule_set.content_hash) == 64
    reasons = parking.proposal["matches"][0]["reasons"]
    assert {"test": "title_any", "values": ["停车"]} in reasons
    assert records[items[1].id].lead_code == "zjw"
    assert records[items[4].id].status in ("manual", "proposed")


def test_dry_run_stores_nothing(db_session, office):
    _, items = make_session(db_session)
    report = routing.route_session(db_session, office, SESSION_LABEL, dry_run=True)
    assert report.count(action="would_route") == 5
    assert db_session.scalar(select(RoutingRecord.id)) is None
    # not even the rule-set version the dry run needed: the service rolled its savepoint back
    assert db_session.scalar(select(RuleSetVersion.id)) is None and len(report.rule_set_hash) == 64
    assert db_session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "routing_rule_set")) is None
    assert routing.route_session(db_session, office, SESSION_LABEL).count(action="routed") == 5  # still usable


def test_routing_again_keeps_office_decisions_and_identical_proposals(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    routing.accept(db_session, office, [items[0].id])
    report = routing.route_session(db_session, office, SESSION_LABEL)
    actions = {o.item_id: o.action for o in report.outcomes}
    assert actions[items[0].id] == "kept" and actions[items[1].id] == "kept"
    assert db_session.scalar(select(RoutingRecord).where(RoutingRecord.item_id == items[0].id)).status == "accepted"


def test_a_run_supersedes_changed_proposals_and_audits_them_in_the_items_order(db_session, office, monkeypatch):
    # runs and bulk accepts load current records in chunks and write their rows together:
    # chunks of 2 make five items cross their edges
    monkeypatch.setattr(proposals, "chunks", lambda values: chunks(values, 2))
    congress, items = make_session(db_session)
    ids = [i.id for i in items]
    routing.route_session(db_session, office, SESSION_LABEL)
    first = {item_id: record.id for item_id, record in routing.current_records(db_session, ids).items()}
    assert len(first) == 5
    routing.accept(db_session, office, [items[1].id])
    items[0].title = "关于加强校园食品安全监管的建议"
    items[3].title = "关于加快老旧小区加装电梯的建议"
    db_session.flush()
    last_row = db_session.scalar(select(func.max(AuditEntry.id)))

    report = routing.route_session(db_session, office, SESSION_LABEL)
    assert [(o.item_id, o.action) for o in report.outcomes] == [
        (ids[0], "rerouted"),
        (ids[1], "kept"),
        (ids[2], "kept"),
        (ids[3], "rerouted"),
        (ids[4], "kept"),
    ]
    now = routing.current_records(db_session, ids)
    assert now[ids[0]].lead_code == "scjgj" and now[ids[3]].lead_code == "zjw"
    assert {item_id: record.id for item_id, record in now.items() if item_id not in (ids[0], ids[3])} == {
        item_id: record_id for item_id, record_id in first.items() if item_id not in (ids[0], ids[3])
    }
    for item_id in (ids[0], ids[3]):
        old = db_session.get(RoutingRecord, first[item_id])
        db_session.refresh(old)
        assert not old.current and old.status == "superseded" and now[item_id].id > old.id
    assert db_session.scalar(select(func.count()).where(RoutingRecord.current.is_(True))) == 5
    rows = list(db_session.scalars(select(AuditEntry).where(AuditEntry.id > last_row).order_by(AuditEntry.id)))
    assert [(r.action, r.entity_id) for r in rows] == [
        ("routing_propose", ids[0]),
        ("routing_propose", ids[3]),
        ("route", congress.id),
    ]
    assert rows[0].before == {"record": first[ids[0]], "status": "superseded"}
    assert rows[0].after["record"] == now[ids[0]].id and rows[0].after["status"] == "proposed"
    assert rows[0].after["lead"] == "scjgj" and rows[1].after["record"] == now[ids[3]].id
    assert rows[0].actor_name == office.username and rows[2].after["routed"] == 2

    missing = ids[-1] + 1000
    result = routing.accept(db_session, office, [ids[3], ids[0], ids[0], ids[2], ids[1], missing])
    assert result.done == [ids[3], ids[0], ids[2]]
    assert set(result.skipped) == {ids[1], missing}
    rows = list(db_session.scalars(select(AuditEntry).where(AuditEntry.id > rows[-1].id).order_by(AuditEntry.id)))
    assert [(r.action, r.entity_id) for r in rows] == [("routing_accept", i) for i in result.done]
    assert rows[0].before["status"] == "proposed" and rows[0].after["status"] == "accepted"
    assert all(now[i].status == "accepted" and now[i].decided_by_name == office.username for i in result.done)


def test_department_users_may_not_route(db_session, make_user):
    handler = make_user("dept_handler", "jtw").actor  # before this session writes (SQLite locks)
    make_session(db_session)
    with pytest.raises(Forbidden):
        routing.route_session(db_session, handler, SESSION_LABEL)


def test_override_needs_a_reason_and_is_audited(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    with pytest.raises(ValidationFailed) as info:
        routing.override(db_session, office, items[0].id, mode="lead", lead="市公安局", reason=" ")
    assert [p.place for p in info.value.problems] == ["reason"]
    record = routing.override(
        db_session, office, items[0].id, mode="lead", lead="市公安局", co=["jtw", "gaj"], reason="违法停车为主"
    )
    assert record.status == "overridden" and record.lead_code == "gaj" and record.co_codes == ["jtw"]
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "routing_override"))
    assert entry.reason == "违法停车为主" and entry.before["lead"] == "jtw" and entry.after["lead"] == "gaj"


def test_override_validates_mode_and_departments(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    with pytest.raises(ValidationFailed) as info:
        routing.override(db_session, office, items[0].id, mode="split", split=["市教委", "市停车办"], reason="x")
    places = sorted(p.place for p in info.value.problems)
    assert places == ["split", "split"]


def test_assign_creates_one_assignment_per_department_with_deadlines(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    routing.override(db_session, office, items[0].id, mode="lead", lead="jtw", co=["gaj", "hd"], reason="补充协办")
    routing.set_key_supervision(db_session, office, items[0].id, True)
    created = routing.assign(db_session, office, items[0].id, assigned_on=date(2026, 7, 1))
    assert codes(db_session, created) == [("gaj", "co"), ("hd", "co"), ("jtw", "lead")]
    lead = next(a for a in created if a.role == "lead")
    co = next(a for a in created if a.role == "co")
    assert lead.due_on == date(2026, 10, 8)  # 3 months -> 10-01 holiday -> 10-08
    assert co.due_on == date(2026, 8, 3)  # 1 month -> Sat 08-01 -> Mon 08-03
    assert lead.state == "pending_signature"
    db_session.refresh(items[0])
    assert items[0].state == ItemState.ASSIGNED.value and items[0].key_supervision is True
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "assign"))
    assert entry.after["state"] == "assigned" and len(entry.after["assignments"]) == 3


def test_assign_needs_an_office_decision_and_is_refused_twice(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    with pytest.raises(Conflict):
        routing.assign(db_session, office, items[1].id)
    routing.accept(db_session, office, [items[1].id])
    routing.assign(db_session, office, items[1].id)
    with pytest.raises(Conflict):
        routing.assign(db_session, office, items[1].id)


def test_office_reply_deadline_replaces_the_computed_one_with_a_reason(db_session, office):
    from datetime import timedelta

    from app.clock import office_today
    from app.db.models.deadlines import DeadlineRecord

    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    wanted = office_today() + timedelta(days=40)
    with pytest.raises(ValidationFailed):
        routing.set_reply_deadline(db_session, office, items[1].id, wanted, "")
    routing.set_reply_deadline(db_session, office, items[1].id, wanted, "代表要求提前答复")
    routing.accept(db_session, office, [items[1].id])
    created = routing.assign(db_session, office, items[1].id)
    lead = next(a for a in created if a.role == "lead")
    assert lead.due_on == wanted
    reply = db_session.scalar(
        select(DeadlineRecord).where(DeadlineRecord.assignment_id == lead.id, DeadlineRecord.rule == "reply")
    )
    assert reply.due_on == wanted and reply.override_kind == "manual" and reply.override_reason == "代表要求提前答复"
    assert reply.computed_due != wanted


def test_office_reply_deadline_may_not_pass_the_longest_limit(db_session, office):
    from datetime import timedelta

    from app.clock import office_today

    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    routing.set_reply_deadline(db_session, office, items[1].id, office_today() + timedelta(days=400), "延后")
    routing.accept(db_session, office, [items[1].id])
    with pytest.raises(ValidationFailed) as info:
        routing.assign(db_session, office, items[1].id)
    assert info.value.problems[0].place == "reply_due_on"


def test_rerouting_an_assigned_item_is_refused_unless_reassigning(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    routing.accept(db_session, office, [items[1].id])
    routing.assign(db_session, office, items[1].id)
    with pytest.raises(Conflict):
        routing.reroute_item(db_session, office, items[1].id)
    with pytest.raises(Conflict):
        routing.override(db_session, office, items[1].id, mode="lead", lead="jw", reason="x")
    with pytest.raises(ValidationFailed):
        routing.reroute_item(db_session, office, items[1].id, reassign=True)
    record = routing.reroute_item(db_session, office, items[1].id, reassign=True, reason="单位申请调整")
    assert record.current and record.status == "proposed"
    old = db_session.scalar(
        select(RoutingRecord).where(RoutingRecord.item_id == items[1].id, RoutingRecord.current.is_(False))
    )
    assert old.status == "assigned"
    report = routing.route_session(db_session, office, SESSION_LABEL)
    assert {o.item_id: o.action for o in report.outcomes}[items[1].id] == "skipped"


def test_bulk_accept_skips_manual_items_and_bulk_assign_reports_refusals(db_session, office):
    _, items = make_session(db_session)
    routing.route_session(db_session, office, SESSION_LABEL)
    result = routing.accept(db_session, office, [i.id for i in items])
    assert set(result.done) >= {items[0].id, items[1].id, items[2].id, items[3].id}
    assigned = routing.assign_many(db_session, office, [i.id for i in items])
    assert set(assigned.done) == set(result.done)
    assert set(assigned.skipped) == {i.id for i in items} - set(result.done)
    assert db_session.scalar(select(Assignment.id).where(Assignment.item_id == items[0].id)) is not None


def test_a_changed_rule_file_is_a_new_version_and_a_broken_one_is_refused(db_session, office, tmp_path):
    first = routing.load_rule_set(db_session, office)
    assert first.created and first.version.active
    again = routing.load_rule_set(db_session, office)
    assert not again.created and again.version.id == first.version.id
    changed = tmp_path / "changed"
    changed.mkdir()
    text = first.version.content.replace('name = "停车"', 'name = "停车管理"')
    (changed / "routing.toml").write_text(text, encoding="utf-8")
    second = routing.load_rule_set(db_session, office, directory=changed)
    assert second.created and second.version.id != first.version.id
    db_session.refresh(first.version)
    assert not first.version.active and second.version.active
    assert second.version.loaded_by_name == office.username
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "routing.toml").write_text(
        text.replace('then.lead = "市交通委"', 'then.lead = "市停车办"', 1), encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as info:
        routing.load_rule_set(db_session, office, directory=broken)
    assert "unknown department '市停车办'" in info.value.problems[0].reason
    assert "routing.toml: rule #" in info.value.problems[0].place
    assert routing.active_version(db_session, routing.rulesets.current_profile()).id == second.version.id
    assert db_session.scalar(select(RuleSetVersion).where(RuleSetVersion.active.is_(True))).id == second.version.id


def test_explain_a_title_without_storing(db_session, office):
    decision, digest = routing.explain_title(
        db_session, office, "关于加强校园食品安全监管的建议", kind="npc_suggestion"
    )
    assert decision.lead == "scjgj" and decision.winner == "食品安全" and len(digest) == 64
    assert db_session.scalar(select(RoutingRecord.id)) is None
    with pytest.raises(ValidationFailed):
        routing.explain_title(db_session, office, "x", category="太空")


def test_diff_lists_items_whose_proposal_changes(db_session, office, tmp_path):
    make_session(db_session)
    active = routing.load_rule_set(db_session, office).version
    new = tmp_path / "new"
    new.mkdir()
    (new / "routing.toml").write_text(
        active.content.replace('("停车", "车位")', "").replace('"停车", "车位", "P+R"', '"车位", "P+R"'),
        encoding="utf-8",
    )
    report = routing.diff_rules(db_session, office, new, label=SESSION_LABEL)
    assert report.compared == 5
    assert [line.number for line in report.changed] == ["0001"]
    assert report.changed[0].old.lead == "jtw" and report.changed[0].new.lead != "jtw"
