"""Two people act on the same assignment at the same moment: exactly one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Assignment, AuditEntry
from app.i18n import _, locale_scope
from app.services.errors import Conflict
from app.services.workflow import actions
from tests.workflow.factory import TODAY, assigned_item, good_draft, yesterday


@pytest.fixture
def people(make_user):
    return {
        "office": make_user("office_staff").actor,
        "office2": make_user("office_admin").actor,
        "jtw": make_user("dept_handler", "jtw").actor,
        "jtw_head": make_user("dept_leader", "jtw").actor,
    }


def under_review(db_session, p) -> int:
    item = assigned_item(db_session, p["office"], [("jtw", "lead")])
    lead = db_session.scalar(select(Assignment).where(Assignment.item_id == item.id))
    actions.sign_for(db_session, p["jtw"], lead.id, today=TODAY)
    actions.record_communication(
        db_session, p["jtw"], lead.id, method="phone", happened_at=yesterday(), participants="张建华"
    )
    actions.save_reply(db_session, p["jtw"], lead.id, good_draft(), today=TODAY)
    actions.sign_off(db_session, p["jtw_head"], lead.id, today=TODAY)
    actions.submit_for_review(db_session, p["jtw"], lead.id, today=TODAY)
    db_session.commit()
    return lead.id


def race(engine, first, second):
    """Both load the record, wait for each other, then act and commit; returns the two outcomes."""
    loaded = threading.Barrier(2, timeout=20)
    outcomes: dict[str, str] = {}

    def run(name, act):
        with locale_scope("en"), Session(bind=engine, expire_on_commit=False) as session:
            try:
                act(session, loaded)
                session.commit()
                outcomes[name] = "won"
            except Conflict as conflict:
                session.rollback()
                outcomes[name] = conflict.message

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres_only  # row locking under concurrent writers; SQLite serializes writers
def test_accept_and_return_at_once_exactly_one_wins(clean_db, db_session, people):
    lead_id = under_review(db_session, people)
    version = db_session.get(Assignment, lead_id).version

    def accept(session, loaded):
        session.get(Assignment, lead_id)
        loaded.wait()
        actions.accept_reply(session, people["office"], lead_id, expected_version=version, today=TODAY)

    def give_back(session, loaded):
        session.get(Assignment, lead_id)
        loaded.wait()
        actions.return_reply(
            session, people["office2"], lead_id, reason="需补充", expected_version=version, today=TODAY
        )

    outcomes = race(clean_db, accept, give_back)
    assert sorted(o == "won" for o in outcomes.values()) == [False, True], outcomes
    loser = next(o for o in outcomes.values() if o != "won")
    locked = _("Someone else changed this record in the meantime. Reload the page and try again.")
    assert loser == locked

    with Session(bind=clean_db) as check:
        final = check.get(Assignment, lead_id)
        assert final.version == version + 1
        winner_action = "accept_reply" if outcomes["first"] == "won" else "return_reply"
        assert final.state == ("sent" if winner_action == "accept_reply" else "returned")
        rows = check.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "assignment", AuditEntry.entity_id == lead_id)
        ).all()
        assert rows.count("accept_reply") + rows.count("return_reply") == 1  # the loser left no trace


@pytest.mark.postgres_only  # row locking under concurrent writers; SQLite serializes writers
def test_two_handlers_sign_for_at_once(clean_db, db_session, people, make_user):
    other = make_user("dept_handler", "jtw").actor
    item = assigned_item(db_session, people["office"], [("jtw", "lead")])
    lead = db_session.scalar(select(Assignment).where(Assignment.item_id == item.id))
    db_session.commit()

    def sign(actor):
        def act(session, loaded):
            session.get(Assignment, lead.id)
            loaded.wait()
            actions.sign_for(session, actor, lead.id, expected_version=lead.version, today=TODAY)

        return act

    outcomes = race(clean_db, sign(people["jtw"]), sign(other))
    assert sorted(o == "won" for o in outcomes.values()) == [False, True], outcomes


@pytest.mark.postgres_only  # row locking under concurrent writers; SQLite serializes writers
def test_lead_and_co_sign_for_at_once_both_succeed(clean_db, db_session, people, make_user):
    """Different assignments of one item: no false conflict on the item's derived move (in progress)."""
    co_handler = make_user("dept_handler", "cgw").actor
    item = assigned_item(db_session, people["office"], [("jtw", "lead"), ("cgw", "co")])
    found = {a.role: a for a in db_session.scalars(select(Assignment).where(Assignment.item_id == item.id))}
    db_session.commit()

    def sign(actor, assignment):
        def act(session, loaded):
            session.get(Assignment, assignment.id)
            loaded.wait()
            actions.sign_for(session, actor, assignment.id, expected_version=assignment.version, today=TODAY)

        return act

    outcomes = race(clean_db, sign(people["jtw"], found["lead"]), sign(co_handler, found["co"]))
    assert outcomes == {"first": "won", "second": "won"}, outcomes
    with Session(bind=clean_db) as check:
        from app.db.models import Item

        assert check.get(Item, item.id).state == "in_progress"
        begun = check.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "item", AuditEntry.entity_id == item.id)
        ).all()
        assert begun.count("begin_handling") == 1
