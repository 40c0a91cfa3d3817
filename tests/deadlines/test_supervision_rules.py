"""Supervision rule file, facts, plain evaluation, idempotency keys and digests."""

from datetime import date

import pytest

from app.domain.calendar import WorkingCalendar
from app.domain.supervision import (
    FieldTest,
    OpenDeadline,
    Outcome,
    SupervisionRuleError,
    digest_text,
    digests,
    evaluate,
    parse_supervision_document,
    reminder_key,
    supervision_fact,
)
from app.rules.calendars import library_years
from app.rules.supervision import load_supervision_rules

CALENDAR = WorkingCalendar(library_years())


def target(**changes):
    values = dict(
        assignment_id=7,
        item_id=3,
        item_number="第0259号",
        item_title="关于解决远洋山水小区停车难问题的建议",
        item_kind="npc_suggestion",
        department_code="jtw",
        deadline="reply",
        due=date(2026, 10, 8),
        state="drafting",
        role="lead",
    )
    values.update(changes)
    return OpenDeadline(**values)


def test_fact_counts_working_days_to_the_due_date():
    fact = supervision_fact(target(), date(2026, 9, 28), CALENDAR)
    assert fact["working_days_to_due"] == 3  # 09-29, 09-30, 10-08 (National Day skipped)
    assert fact["days_to_due"] == 10
    assert fact["days_overdue"] == 0 and fact["overdue"] is False
    late = supervision_fact(target(), date(2026, 10, 12), CALENDAR)  # Monday after
    assert late["working_days_to_due"] == -3  # 10-09, 10-10 (make-up Saturday), 10-12
    assert late["days_overdue"] == 4 and late["overdue"] is True


@pytest.fixture(scope="module")
def beijing_rules():
    return load_supervision_rules("beijing")


@pytest.mark.parametrize(
    ("today", "changes", "expected"),
    [
        (date(2026, 9, 28), {}, ["reply-due-in-3"]),
        (date(2026, 9, 17), {}, ["reply-due-in-10"]),
        (date(2026, 9, 1), {}, []),
        (date(2026, 10, 12), {}, ["reply-overdue"]),
        (date(2026, 10, 23), {}, ["reply-overdue-15-days", "reply-overdue"]),
        (date(2026, 9, 28), {"key_supervision": True}, ["key-item-due-soon", "reply-due-in-3"]),
        (date(2026, 10, 12), {"round": 2}, ["rehandling-overdue", "reply-overdue"]),
        (date(2026, 9, 28), {"role": "co", "deadline": "co_opinion"}, ["co-opinion-due-in-3"]),
        (date(2026, 10, 16), {"role": "co", "deadline": "co_opinion"}, ["co-opinion-late-office", "co-opinion-late"]),
        (date(2026, 10, 9), {"deadline": "feedback", "state": "sent"}, ["feedback-not-received"]),
        (date(2026, 9, 28), {"role": "co"}, []),  # a co-handler has no reply deadline warnings
    ],
)
def test_beijing_rules(beijing_rules, today, changes, expected):
    reminders = evaluate(beijing_rules, [target(**changes)], today, CALENDAR)
    assert [r.rule for r in reminders] == expected


def test_reminder_keys_repeat_as_the_rule_says(beijing_rules):
    by_name = {r.name: r for r in beijing_rules.rules}
    t = target()
    once = by_name["reply-due-in-3"]
    assert reminder_key(once, t, date(2026, 9, 28)) == reminder_key(once, t, date(2026, 9, 29))
    assert reminder_key(once, t, date(2026, 9, 28)) != reminder_key(
        once, target(due=date(2026, 10, 9)), date(2026, 9, 28)
    )
    weekly = by_name["reply-overdue"]
    assert reminder_key(weekly, t, date(2026, 10, 12)) == reminder_key(weekly, t, date(2026, 10, 16))
    assert reminder_key(weekly, t, date(2026, 10, 12)) != reminder_key(weekly, t, date(2026, 10, 19))


def test_digests_group_department_warnings_by_department(beijing_rules):
    targets = [
        target(assignment_id=1, department_code="jtw", key_supervision=True),
        target(assignment_id=2, department_code="jw", item_number="第0300号"),
        target(assignment_id=3, department_code="jtw", item_number="第0301号"),
    ]
    result = digests(evaluate(beijing_rules, targets, date(2026, 9, 28), CALENDAR))
    assert [(d.outcome, d.department_code, len(d.reminders)) for d in result] == [
        (Outcome.WARN_DEPARTMENT, "jtw", 2),
        (Outcome.WARN_DEPARTMENT, "jw", 1),
        (Outcome.FLAG_LEADER, None, 1),
    ]
    text = digest_text(result[0], "市交通委")
    assert "市交通委提醒承办单位" in text and "剩余3个工作日" in text and "共2项" in text
    assert "3 working day(s) left" in digest_text(result[0], "Transport", "en")


@pytest.mark.parametrize(
    ("op", "value", "fact_value", "holds"),
    [
        ("eq", "reply", "reply", True),
        ("eq", "reply", None, False),
        ("ne", "reply", None, False),
        ("in", ("a", "b"), "b", True),
        ("not_in", ("a", "b"), None, True),
        ("not_in", ("a", "b"), "a", False),
        ("le", 3, 3, True),
        ("lt", 3, 3, False),
        ("ge", 0, -1, False),
        ("gt", 0, True, False),  # booleans are not numbers
    ],
)
def test_field_test_meaning(op, value, fact_value, holds):
    assert FieldTest("x", op, value).holds({"x": fact_value}) is holds


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"rules": []}, "unknown key"),
        ({"version": 2}, "only version = 1"),
        ({"rule": [{"label": "x", "outcome": "warn_department", "when": {"overdue": True}}]}, "rule #1: 'name'"),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "shout", "when": {"overdue": True}}]},
            r"rule #1 \(a\): 'outcome' is 'shout'",
        ),
        ({"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {}}]}, "'when' must be a table"),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"colour": "red"}}]},
            "unknown field 'colour'",
        ),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"round": "2"}}]},
            "needs a whole number",
        ),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"state": {"le": "x"}}}]},
            "compares numbers",
        ),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"round": {"about": 2}}}]},
            "unknown test 'about'",
        ),
        ({"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"role": []}}]}, "non-empty list"),
        (
            {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"overdue": True}}] * 2},
            "rule #2 \\(a\\): duplicate",
        ),
    ],
)
def test_rule_file_mistakes_name_the_rule(doc, message):
    with pytest.raises(SupervisionRuleError, match=message):
        parse_supervision_document(doc, "rules/x/supervision.toml")


def test_rules_version_changes_with_the_rules(beijing_rules):
    doc = {"rule": [{"name": "a", "label": "x", "outcome": "warn_department", "when": {"days_overdue": {"ge": 1}}}]}
    first = parse_supervision_document(doc, "f").version
    doc["rule"][0]["when"]["days_overdue"]["ge"] = 2
    assert parse_supervision_document(doc, "f").version != first
    assert len(beijing_rules.version) == 16
