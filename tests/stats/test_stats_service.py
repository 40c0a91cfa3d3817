"""Loading facts from the database, the report and the export through the service, and access."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.demo.stats_writer import seed_facts
from app.domain.enums import ItemKind, Role
from app.domain.statistics import Rate
from app.domain.statistics.facts import AssignmentFact
from app.services import stats
from app.services.actor import Actor
from app.services.errors import Forbidden, ValidationFailed
from tests.stats import known_dataset as K

OFFICE = Actor.system()


@pytest.fixture
def seeded(db_session):
    seed_facts(db_session, K.build_items())
    db_session.commit()  # other connections (make_user) must not wait for this one
    return db_session


def query(**kw):
    return stats.StatisticsQuery(year=K.YEAR, as_of=K.AS_OF, **kw)


def test_facts_round_trip(seeded):
    loaded = stats.load_facts(seeded, OFFICE, year=K.YEAR)
    expected = [f for f in K.build_items() if f.year == K.YEAR]
    assert [f.id for f in loaded] == [f.id for f in expected]
    for got, want in zip(loaded, expected, strict=True):
        assert got == want
        assert all(isinstance(a, AssignmentFact) for a in got.assignments)


def test_report_from_the_database_gives_the_hand_worked_answers(seeded):
    report = stats.statistics_report(seeded, OFFICE, query())
    plain = {c: (v.numerator, v.denominator) if isinstance(v, Rate) else v for c, v in report.summary[None].items()}
    assert {c: plain[c] for c in K.EXPECTED_SUMMARY} == K.EXPECTED_SUMMARY
    assert [(r.department, r.rank, r.score) for r in report.appraisal] == K.EXPECTED_RANKING


def test_independent_sql_agrees(seeded):
    """按期办复率, 沟通率, 满意率 and 上网率 counted with plain SQL straight from the tables."""
    from sqlalchemy import text

    sql = {
        "on_time": """
            SELECT COUNT(*) FILTER (WHERE r.sent_at IS NOT NULL AND DATE(r.sent_at) <= a.due_on),
                   COUNT(*) FILTER (WHERE r.sent_at IS NOT NULL OR a.due_on < :as_of)
            FROM assignments a JOIN items i ON i.id = a.item_id JOIN congress_sessions s ON s.id = i.session_id
            LEFT JOIN replies r ON r.assignment_id = a.id
            WHERE s.year = :year AND i.state <> 'withdrawn' AND a.role IN ('lead', 'split')
              AND a.state NOT IN ('reassigned', 'cancelled')""",
        "communicated": """
            SELECT COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM communications c WHERE c.assignment_id = a.id
                                                  AND DATE(c.happened_at) <= DATE(r.sent_at))), COUNT(*)
            FROM assignments a JOIN items i ON i.id = a.item_id JOIN congress_sessions s ON s.id = i.session_id
            JOIN replies r ON r.assignment_id = a.id
            WHERE s.year = :year AND i.state <> 'withdrawn' AND r.sent_at IS NOT NULL""",
        "first_satisfied": """
            SELECT COUNT(*) FILTER (WHERE f.level IN ('satisfied', 'basically_satisfied')), COUNT(*)
            FROM feedback f JOIN items i ON i.id = f.item_id JOIN congress_sessions s ON s.id = i.session_id
            WHERE s.year = :year AND i.state <> 'withdrawn' AND f.round = 1""",
    }
    day = "DATE({})" if seeded.get_bind().dialect.name == "sqlite" else "CAST({} AS DATE)"
    got = {}
    for name, statement in sql.items():
        for column in ("r.sent_at", "c.happened_at"):
            statement = statement.replace(f"DATE({column})", day.format(column))
        got[name] = tuple(seeded.execute(text(statement), {"year": K.YEAR, "as_of": K.AS_OF}).one())
    expected = K.EXPECTED_SUMMARY
    assert got == {
        "on_time": expected["on_time_rate"],
        "communicated": expected["communication_rate"],
        "first_satisfied": expected["first_satisfaction_rate"],
    }


def test_filters(seeded):
    assert {f.kind for f in stats.load_facts(seeded, OFFICE, year=K.YEAR, kind=ItemKind.CPPCC_PROPOSAL)} == {
        ItemKind.CPPCC_PROPOSAL
    }
    assert (
        len(stats.load_facts(seeded, OFFICE, year=K.YEAR, session_label=K.NPC_SESSION)) == 6
    )  # withdrawn 0004 included: the domain drops it
    assert [f.number for f in stats.load_facts(seeded, OFFICE, year=2025)] == ["0005"]


def test_department_user_loads_only_its_own_parts(seeded, make_user):
    user = make_user(Role.DEPT_HANDLER.value, "gaj")
    facts = stats.load_facts(seeded, user.actor, year=K.YEAR)
    assert [f.number for f in facts] == ["0001", "2026002"]
    assert {a.department for f in facts for a in f.assignments} == {"gaj"}
    report = stats.statistics_report(seeded, user.actor, query())
    assert [row.code for row in report.departments] == ["gaj"]
    assert report.scope.department == "gaj"


def test_export_through_the_service(seeded):
    buffer = BytesIO()
    report = stats.export_workbook(seeded, OFFICE, query(kind=ItemKind.NPC_SUGGESTION), buffer)
    buffer.seek(0)
    wb = load_workbook(buffer)
    assert wb["汇总"]["B5"].value == report.summary[None]["received"] == 5
    assert "件别：人大代表建议" in wb["汇总"]["A2"].value


def test_bad_kind_and_year():
    with pytest.raises(ValidationFailed) as caught:
        stats.parse_kind("both")
    assert caught.value.problems[0].place == "kind"
    assert stats.parse_kind("NPC") is ItemKind.NPC_SUGGESTION and stats.parse_kind(None) is None


def test_record_publication_is_office_only_and_audited(seeded, make_user):
    from sqlalchemy import select

    from app.db.models import Assignment, AuditEntry, Department

    handler = make_user(Role.DEPT_HANDLER.value, "jw")
    assignment_id = seeded.scalar(
        select(Assignment.id).join(Department).where(Department.code == "jw", Assignment.role == "lead")
    )
    stats.record_publication(seeded, OFFICE, assignment_id=assignment_id, published_on=K.AS_OF, location="政府网站")
    facts = {f.number: f for f in stats.load_facts(seeded, OFFICE, year=K.YEAR)}
    assert facts["0003"].id == 3
    actions = seeded.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == assignment_id)).all()
    assert "record_publication" in actions
    with pytest.raises(Forbidden):
        stats.record_publication(seeded, handler.actor, assignment_id=assignment_id, published_on=K.AS_OF)
