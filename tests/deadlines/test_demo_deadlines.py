"""The deadlines demo seeder over the workflow demo's items: deadlines, an extension request, reminders; idempotent."""

from datetime import date

from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models.deadlines import DeadlineRecord, ExtensionRequest, Reminder
from app.demo import deadlines as demo_deadlines
from app.demo import ensure_accounts, load_context
from app.demo import sessions as demo_sessions
from app.demo import workflow as demo_workflow
from app.rules.profiles import load_profile


def _run(clean_db):
    with session_scope(clean_db) as session:
        ensure_accounts(session)
    for module in (demo_sessions, demo_workflow, demo_deadlines):
        with session_scope(clean_db) as session:
            module.seed(session, load_context(session, load_profile("beijing"), date(2026, 11, 22)))


def test_demo_seeds_a_populated_board_and_runs_again_without_duplicates(clean_db):
    _run(clean_db)
    with session_scope(clean_db) as session:
        counts = (
            session.scalar(select(func.count()).select_from(DeadlineRecord)),
            session.scalar(select(func.count()).select_from(ExtensionRequest)),
            session.scalar(select(func.count()).select_from(Reminder)),
        )
        warned = session.scalar(select(func.count()).select_from(DeadlineRecord).where(DeadlineRecord.has_warning))
    assert counts[0] > 25 and counts[1] == 1 and counts[2] > 5
    assert warned > 0  # deadlines reaching into 2027 carry the fallback warning
    _run(clean_db)
    with session_scope(clean_db) as session:
        again = (
            session.scalar(select(func.count()).select_from(DeadlineRecord)),
            session.scalar(select(func.count()).select_from(ExtensionRequest)),
            session.scalar(select(func.count()).select_from(Reminder)),
        )
    assert again == counts
