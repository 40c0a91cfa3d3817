"""The demo's last year: the overrides give the 违停 suggestion, 市交通委's reply editor on 9002 shows its
own past reply, and the seeder runs again without duplicates."""

from datetime import date

from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models import Assignment, Item
from app.db.models.workflow import Reply
from app.demo import ensure_accounts, load_context
from app.demo import memory as demo_memory
from app.demo import routing as demo_routing
from app.demo import sessions as demo_sessions
from app.demo import workflow as demo_workflow
from app.rules.profiles import load_profile
from app.services.routing import rule_suggestions, similar_past
from app.services.workflow import past_replies


def _run(clean_db):
    with session_scope(clean_db) as session:
        ensure_accounts(session)
    for module in (demo_sessions, demo_routing, demo_workflow, demo_memory):
        with session_scope(clean_db) as session:
            module.seed(session, load_context(session, load_profile("beijing"), date(2026, 11, 22)))


def test_demo_last_year_feeds_suggestions_routing_evidence_and_past_replies(clean_db):
    _run(clean_db)
    with session_scope(clean_db) as session:
        ctx = load_context(session, load_profile("beijing"), date(2026, 11, 22))
        staff, jtw = ctx.actor("staff"), ctx.actor("jtw")
        report = rule_suggestions.suggest_rules(session, staff)
        found = [s for s in report.suggestions if s.pattern.keyword == "违停" and s.pattern.to_named_district]
        assert found and len(found[0].items) >= 8 and found[0].count("agrees") >= 8
        bus = session.scalar(select(Item).where(Item.number == "9002"))
        lead = session.scalar(select(Assignment).where(Assignment.item_id == bus.id, Assignment.role == "lead"))
        found = past_replies.past_replies(session, jtw, lead.id)
        assert found and found[0].title == "关于优化回龙观地区通勤公交线路的建议" and found[0].satisfaction_label
        parking_item = session.scalar(
            select(Item).where(Item.number == "0101", Item.session_id == ctx.sessions["npc"].id)
        )
        evidence = similar_past.similar_past_items(session, staff, parking_item.id)
        assert any(p.overridden and p.session_label == "市十六届人大三次会议" for p in evidence)
        replies = session.scalar(select(func.count()).select_from(Reply))
    _run(clean_db)
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count()).select_from(Reply)) == replies
