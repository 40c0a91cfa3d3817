"""Loading facts from the database, the report and the export through the service, and access."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.domain.enums import ItemKind, Role
from app.domain.statistics.facts import AssignmentFact
from app.services import stats
from app.services.actor import Actor
from app.services.errors import Forbidden, ValidationFailed
from tests.stats import known_dataset as K
from app.demo.stats_writer import seed_facts

OFFICE = Actor.system()


def comparable(fact):
    """What the database keeps of a fact today (handling tables arrive with the workflow)."""
    return replace(fact, replies=(), communications=(), feedback=(), extensions=())


@pytest.fixture
def seeded(db_session):
    seed_facts(db_session, K.build_items())
    db_session.commit()  # other connections (make_user) must not wait for this one
    return db_session


def query(**kw):
    return stats.StatisticsQuery(year=K.YEAR, as_of=K.AS_OF, **kw)


def test_facts_round_trip(seeded):
    loaded = stats.load_facts(seeded, OFFICE, year=K.YEAR)
    expected = [comparable(f) for f in K.build_items() if f.year == K.YEAR]
    assert [f.id for f in loaded] == [f.id for f in expected]
    for got, want in zip(loaded, expected, strict=True):
        assert got == want
        assert all(isinstance(a, AssignmentFact) for a in got.assignments)


def test_filters(seeded):
    assert {f.kind for f in stats.load_facts(seeded, OFFICE, year=K.YEAR, kind=ItemKind.CPPCC_PROPOSAL)} == {
        ItemKind.CPPCC_PROPOSAL
    }
    assert len(stats.load_facts(seeded, OFFICE, year=K.YEAR, session_label=K.NPC_SESSION)) == 6  # withdrawn 0004 included: the domain drops it
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
