"""Roster linking, accounts, online feedback and disclosure through the services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry, Item, User
from app.db.models.deadlines import DeadlineRecord
from app.db.models.roster import PublicReply, SubmitterLink
from app.db.models.stats import ReplyPublication
from app.db.models.workflow import Feedback
from app.services import disclosure, portal, portal_accounts, roster
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound, ValidationFailed
from tests.portal.factory import build


def deputy(session, username):
    return Actor.of(session.scalar(select(User).where(User.username == username)))


def test_links_match_on_name_and_delegation_never_guess(db_session, users):
    world = build(db_session, users)
    links = {(k.item_id, k.position): k for k in db_session.scalars(select(SubmitterLink))}
    assert links[(world.item_a, 0)].status == "linked"
    assert links[(world.item_a, 0)].roster_entry_id == world.zhang_entry
    assert links[(world.item_a, 1)].roster_entry_id == world.li_entry
    wang = links[(world.item_c, 0)]
    assert wang.status == "ambiguous" and wang.roster_entry_id is None
    assert len(wang.candidates.split(",")) == 2
    office = users["office"].actor
    unresolved = roster.unresolved_links(db_session, office)
    assert [link.id for link, _i, _c in unresolved] == [wang.id]
    chosen = int(wang.candidates.split(",")[1])
    roster.resolve_link(db_session, office, wang.id, chosen)
    roster.link_items(db_session, Actor.system())  # a later automatic run keeps the office's choice
    db_session.refresh(wang)
    assert (wang.status, wang.roster_entry_id, wang.by) == ("linked", chosen, "office")
    audit = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "link_submitter", AuditEntry.entity_id == world.item_c)
    ).all()
    assert len(audit) == 1 and audit[0].after["roster_entry_id"] == chosen


def test_deputy_sees_own_items_only(db_session, users):
    world = build(db_session, users)
    zhang = deputy(db_session, world.zhang[0])
    cards = {c.id: c for c in portal.my_items(db_session, zhang)}
    assert set(cards) == {world.item_a, world.item_b}
    assert cards[world.item_a].positions == {"lead"} and cards[world.item_a].may_rate
    assert cards[world.item_b].positions == {"co"} and not cards[world.item_b].may_rate
    with pytest.raises(NotFound):
        portal.my_item(db_session, zhang, world.item_c)


def test_co_signer_cannot_rate_and_other_deputy_cannot_see(db_session, users):
    world = build(db_session, users)
    zhang = deputy(db_session, world.zhang[0])
    with pytest.raises(Forbidden):
        portal.give_feedback(db_session, zhang, world.item_b, level="satisfied")
    with pytest.raises(NotFound):
        portal.give_feedback(db_session, zhang, world.item_c, level="satisfied")
    assert db_session.scalar(select(Feedback.id)) is None


def test_online_dissatisfied_opens_round_two(db_session, users):
    world = build(db_session, users)
    zhang = deputy(db_session, world.zhang[0])
    feedback = portal.give_feedback(
        db_session,
        zhang,
        world.item_a,
        level="dissatisfied",
        handling_level="satisfied",
        result_level="dissatisfied",
        comment="天桥至今未修",
    )
    assert (feedback.source, feedback.given_by) == ("online", "submitter")
    item = db_session.get(Item, world.item_a)
    assert (item.state, item.round) == ("rehandling", 2)
    open_feedback = db_session.scalars(
        select(DeadlineRecord).where(DeadlineRecord.item_id == item.id, DeadlineRecord.rule == "feedback")
    ).all()
    assert open_feedback and all(d.status == "closed" for d in open_feedback)


def test_activation_code_is_one_time_and_throttled(db_session, users):
    world = build(db_session, users)
    office = users["office"].actor
    issued = portal_accounts.issue_accounts(db_session, office, [world.zhang_entry], reissue=True)[0]
    for _ in range(5):
        with pytest.raises(portal_accounts.ActivationFailed):
            portal_accounts.activate(db_session, issued.username, "WRONGCODE1", "new-pass-123", "new-pass-123")
    with pytest.raises(portal_accounts.ActivationFailed):  # locked now, even with the right code
        portal_accounts.activate(db_session, issued.username, issued.code, "new-pass-123", "new-pass-123")
    user = db_session.scalar(select(User).where(User.username == issued.username))
    user.locked_until = None
    portal_accounts.activate(db_session, issued.username, issued.code, "new-pass-123", "new-pass-123")
    with pytest.raises(portal_accounts.ActivationFailed):
        portal_accounts.activate(db_session, issued.username, issued.code, "other-pass-123", "other-pass-123")


def test_publish_strips_personal_data_and_counts(db_session, users):
    world = build(db_session, users)
    office = users["office"].actor
    [p] = disclosure.preview(db_session, office, [world.reply_a])
    assert "13912345678" not in p.text and "wangming@" not in p.text and "王明" not in p.text
    assert "天桥" in p.text
    [public] = disclosure.publish(
        db_session, office, [world.reply_a], published_on=date(2026, 3, 10), digests={world.reply_a: p.digest}
    )
    assert public.text == p.text
    assert db_session.scalar(select(ReplyPublication.published_on)) == date(2026, 3, 10)
    deadline = db_session.scalar(
        select(DeadlineRecord).where(DeadlineRecord.assignment_id == world.lead_a, DeadlineRecord.rule == "publication")
    )
    assert deadline.status == "closed" and deadline.met_on == date(2026, 3, 10)
    with pytest.raises(ValidationFailed):  # all or nothing: one already published refuses the whole batch
        disclosure.publish(db_session, office, [world.reply_b, world.reply_a], published_on=date(2026, 3, 11))
    assert db_session.scalar(select(PublicReply.id).where(PublicReply.reply_id == world.reply_b)) is None


def test_deputy_statistics(db_session, users):
    world = build(db_session, users)
    zhang = deputy(db_session, world.zhang[0])
    portal.give_feedback(db_session, zhang, world.item_a, level="satisfied")
    rows = {r.entry.id: r for r in roster.deputy_statistics(db_session, users["office"].actor)}
    assert (rows[world.zhang_entry].as_lead, rows[world.zhang_entry].as_co) == (1, 1)
    assert rows[world.zhang_entry].replies == 2
    assert rows[world.zhang_entry].feedback == {"satisfied": 1}
    assert rows[world.li_entry].feedback == {}


def test_publication_deadline_is_supervised_after_the_item_closes(db_session, users):
    from app.services.supervision import open_deadline_targets

    world = build(db_session, users)
    zhang = deputy(db_session, world.zhang[0])
    portal.give_feedback(db_session, zhang, world.item_a, level="satisfied")
    assert db_session.get(Item, world.item_a).state == "closed"
    targets, _refs = open_deadline_targets(db_session)
    assert any(t.assignment_id == world.lead_a and t.deadline == "publication" for t in targets)
    disclosure.publish(db_session, users["office"].actor, [world.reply_a], published_on=date(2026, 3, 10))
    targets, _refs = open_deadline_targets(db_session)
    assert not any(t.assignment_id == world.lead_a and t.deadline == "publication" for t in targets)
