"""Supervision rules run through durable-rules agree with the plain-Python reference."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.enums import AssignmentRole, AssignmentState
from app.domain.supervision import OpenDeadline, evaluate, parse_supervision_document
from app.engines.supervision import SupervisionEngine
from app.rules.calendars import library_years
from app.rules.supervision import load_supervision_rules

CALENDAR = WorkingCalendar(library_years())
RULES = load_supervision_rules("beijing")


@pytest.fixture(scope="module")
def engine():
    with SupervisionEngine(RULES) as compiled:
        yield compiled


targets = st.builds(
    OpenDeadline,
    assignment_id=st.integers(1, 10_000),
    item_id=st.just(1),
    item_number=st.just("第0001号"),
    item_title=st.just("关于老旧小区增设电梯无障碍入户模式的提案"),
    item_kind=st.sampled_from(["npc_suggestion", "cppcc_proposal"]),
    department_code=st.sampled_from(["jtw", "jw", "dcq"]),
    deadline=st.sampled_from(["reply", "reply_max", "co_opinion", "feedback", "publication", "reassignment_answer"]),
    due=st.dates(date(2025, 12, 1), date(2027, 2, 1)),
    state=st.sampled_from([s.value for s in AssignmentState]),
    role=st.sampled_from([r.value for r in AssignmentRole]),
    key_supervision=st.booleans(),
    round=st.integers(1, 3),
)


@settings(max_examples=150, deadline=None)
@given(targets, st.integers(-40, 40))
def test_engine_matches_plain_evaluation(engine, target, offset):
    today = target.due + timedelta(days=offset)
    plain = evaluate(RULES, [target], today, CALENDAR)
    durable = evaluate(RULES, [target], today, CALENDAR, matcher=engine.matcher)
    assert [r.rule for r in durable] == [r.rule for r in plain]
    assert [r.key for r in durable] == [r.key for r in plain]


def test_not_in_and_missing_fields_mean_the_same_in_both():
    rules = parse_supervision_document(
        {
            "rule": [
                {
                    "name": "not-sent",
                    "label": "未答复",
                    "outcome": "warn_department",
                    "when": {"state": {"not_in": ["sent", "closed"]}, "round": {"ge": 1}},
                }
            ]
        },
        "test",
    )
    with SupervisionEngine(rules) as compiled:
        for fact, expected in [
            ({"state": "drafting", "round": 1}, ["not-sent"]),
            ({"state": "sent", "round": 1}, []),
            ({"round": 1}, ["not-sent"]),
            ({"state": "drafting"}, []),
        ]:
            assert [r.name for r in compiled.matcher(fact)] == expected
            assert [r.name for r in rules.rules if r.matches(fact)] == expected


def test_an_empty_rule_file_matches_nothing():
    with SupervisionEngine(parse_supervision_document({}, "empty")) as compiled:
        assert compiled.matcher({"deadline": "reply"}) == []
