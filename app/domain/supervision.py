"""Supervision (督办) rules: which open deadline calls for which reminder, and to whom.

Rules live in rules/<profile>/supervision.toml::

    version = 1

    [[rule]]
    name = "reply-due-soon"                      # unique; part of every reminder's idempotency key
    label = "答复期限前3个工作日提醒"              # shown in digests and on the board
    label_en = "Reply due within 3 working days"   # optional
    outcome = "warn_department"                  # warn_department | escalate_office | flag_leader
    repeat = "once"                              # once (per deadline and due date) | daily | weekly
    priority = 10                                # optional, 0..65535; higher first in digests
    [rule.when]                                  # all tests must hold
    deadline = "reply"                           # a value: equal to it
    role = ["lead", "split"]                     # a list: one of them
    working_days_to_due = { ge = 0, le = 3 }     # a table: eq ne lt le gt ge in not_in
    state = { not_in = ["sent", "closed"] }

    [mail]                                       # optional: where `jianti supervise --mail` sends digests
    office = ["jianyitian@example.gov"]
    leader = "lingdao@example.gov"
    [mail.departments]
    jtw = "jtw-duban@example.gov"

Facts (one per open deadline of an assignment, see `supervision_fact`): deadline, state, role,
item_kind, key_supervision, round, days_to_due, working_days_to_due, days_overdue, overdue.

Meaning (shared with the durable-rules engine in app.engines.rulesengine): a missing fact field makes
every comparison false; `not_in` is the negation of `in` (true when the field is missing).
`evaluate` here is the plain-Python reference; app/engines/supervision.py runs the same rules
through durable-rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import Any

from app.domain.calendar import WorkingCalendar


class Outcome(StrEnum):
    WARN_DEPARTMENT = "warn_department"  # 提醒承办单位
    ESCALATE_OFFICE = "escalate_office"  # 报建议提案处
    FLAG_LEADER = "flag_leader"  # 报领导


OUTCOME_LABELS = {
    Outcome.WARN_DEPARTMENT: ("提醒承办单位", "warn the department"),
    Outcome.ESCALATE_OFFICE: ("报建议提案处督办", "escalate to the office"),
    Outcome.FLAG_LEADER: ("报领导关注", "flag to the leader"),
}


class Repeat(StrEnum):
    ONCE = "once"  # once per deadline and due date (a moved deadline may warn again)
    DAILY = "daily"
    WEEKLY = "weekly"


class SupervisionRuleError(ValueError):
    """The rule file is broken; the message names file, rule and problem."""

    def __init__(self, origin: str, entry: str, problem: str) -> None:
        self.origin, self.entry, self.problem = origin, entry, problem
        super().__init__(f"{origin}: {entry}: {problem}")


#: Fact fields rules may test, and their type ("str", "number", "bool").
FACT_FIELDS: dict[str, str] = {
    "deadline": "str",  # rule name of the deadline: reply, co_opinion, feedback, ...
    "state": "str",  # AssignmentState value
    "role": "str",  # AssignmentRole value
    "item_kind": "str",  # ItemKind value
    "key_supervision": "bool",  # 重点督办
    "round": "number",  # handling round, 1 for the first
    "days_to_due": "number",  # calendar days from today to the due date (negative when overdue)
    "working_days_to_due": "number",  # working days in (today, due]; 0 on the due day; negative past it
    "days_overdue": "number",  # calendar days past the due date, 0 when not overdue
    "overdue": "bool",
}

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
_NUMERIC_OPS = {"lt", "le", "gt", "ge"}


@dataclass(frozen=True)
class FieldTest:
    field: str
    op: str
    value: Any  # a scalar, or a tuple of scalars for in / not_in

    def holds(self, fact: Mapping[str, Any]) -> bool:
        actual = fact.get(self.field)
        if self.op == "not_in":
            return not (actual is not None and actual in self.value)
        if actual is None:
            return False
        if self.op == "in":
            return bool(actual in self.value)
        if self.op == "eq":
            return bool(actual == self.value)
        if self.op == "ne":
            return bool(actual != self.value)
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        return bool(
            {
                "lt": actual < self.value,
                "le": actual <= self.value,
                "gt": actual > self.value,
                "ge": actual >= self.value,
            }[self.op]
        )

    def describe(self) -> str:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.field} {self.op} {json.dumps(value, ensure_ascii=False)}"


@dataclass(frozen=True)
class SupervisionRule:
    name: str
    label: str
    label_en: str
    outcome: Outcome
    repeat: Repeat
    priority: int
    tests: tuple[FieldTest, ...]

    def matches(self, fact: Mapping[str, Any]) -> bool:
        return all(test.holds(fact) for test in self.tests)

    def describe(self) -> str:
        return " and ".join(t.describe() for t in self.tests)


@dataclass(frozen=True)
class MailRecipients:
    """Where digests are mailed (section [mail] of the rule file); empty: not mailed."""

    office: tuple[str, ...] = ()
    leader: tuple[str, ...] = ()
    departments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # department code -> addresses

    def for_digest(self, outcome: Outcome, department_code: str | None) -> tuple[str, ...]:
        if outcome is Outcome.WARN_DEPARTMENT:
            return self.departments.get(department_code or "", ())
        return self.office if outcome is Outcome.ESCALATE_OFFICE else self.leader


@dataclass(frozen=True)
class SupervisionRules:
    origin: str
    rules: tuple[SupervisionRule, ...]
    mail: MailRecipients = field(default_factory=MailRecipients)

    @property
    def version(self) -> str:
        """Content hash: recorded with every reminder so one knows which rules produced it."""
        canonical = json.dumps(
            [[r.name, r.outcome, r.repeat, r.priority, [t.describe() for t in r.tests]] for r in self.rules],
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def ordered(self) -> list[SupervisionRule]:
        """Priority high to low, then the order of the file."""
        return sorted(self.rules, key=lambda r: -r.priority)


# --------------------------------------------------------------------------- parsing


def parse_supervision_document(doc: Mapping[str, Any], origin: str) -> SupervisionRules:
    allowed = {"version", "rule", "mail"}
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise SupervisionRuleError(origin, "file", f"unknown key(s) {', '.join(unknown)}; allowed: version, rule, mail")
    if doc.get("version", 1) != 1:
        raise SupervisionRuleError(origin, "version", "only version = 1 is understood")
    rows = doc.get("rule", [])
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise SupervisionRuleError(origin, "[[rule]]", "must be a list of tables")
    rules: list[SupervisionRule] = []
    names: set[str] = set()
    for index, row in enumerate(rows, start=1):
        rule = _parse_rule(row, origin, index)
        if rule.name in names:
            raise SupervisionRuleError(origin, f"rule #{index} ({rule.name})", "duplicate rule name")
        names.add(rule.name)
        rules.append(rule)
    return SupervisionRules(origin, tuple(rules), _parse_mail(doc.get("mail", {}), origin))


def _addresses(value: Any, origin: str, entry: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and "@" in v for v in values):
        raise SupervisionRuleError(origin, entry, "must be a mail address or a list of mail addresses")
    return tuple(v.strip() for v in values)


def _parse_mail(raw: Any, origin: str) -> MailRecipients:
    if not isinstance(raw, Mapping):
        raise SupervisionRuleError(origin, "[mail]", "must be a table")
    unknown = sorted(set(raw) - {"office", "leader", "departments"})
    if unknown:
        raise SupervisionRuleError(
            origin, "[mail]", f"unknown key(s) {', '.join(unknown)}; allowed: departments, leader, office"
        )
    departments = raw.get("departments", {})
    if not isinstance(departments, Mapping):
        raise SupervisionRuleError(origin, "[mail] departments", "must be a table: department code = address(es)")
    return MailRecipients(
        office=_addresses(raw.get("office", []), origin, "[mail] office"),
        leader=_addresses(raw.get("leader", []), origin, "[mail] leader"),
        departments={code: _addresses(v, origin, f"[mail] departments.{code}") for code, v in departments.items()},
    )


def _parse_rule(row: Mapping[str, Any], origin: str, index: int) -> SupervisionRule:
    entry = f"rule #{index}"
    allowed = {"name", "label", "label_en", "outcome", "repeat", "priority", "when"}
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise SupervisionRuleError(
            origin, entry, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    name = row.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        raise SupervisionRuleError(origin, entry, "'name' must be non-empty text of at most 64 characters")
    name = name.strip()
    if "|" in name:
        raise SupervisionRuleError(origin, entry, "'name' may not contain '|'")
    entry = f"rule #{index} ({name})"
    label = row.get("label")
    if not isinstance(label, str) or not label.strip():
        raise SupervisionRuleError(origin, entry, "'label' must be non-empty text")
    label_en = row.get("label_en", "")
    if not isinstance(label_en, str):
        raise SupervisionRuleError(origin, entry, "'label_en' must be text")
    outcome = _choice(row, "outcome", Outcome, None, origin, entry)
    repeat = _choice(row, "repeat", Repeat, "once", origin, entry)
    priority = row.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 65535:
        raise SupervisionRuleError(origin, entry, "'priority' must be a whole number from 0 to 65535")
    when = row.get("when")
    if not isinstance(when, Mapping) or not when:
        raise SupervisionRuleError(origin, entry, "'when' must be a table with at least one test")
    tests = tuple(test for field, spec in when.items() for test in _parse_tests(field, spec, origin, entry))
    return SupervisionRule(name, label.strip(), label_en.strip(), outcome, repeat, priority, tests)


def _choice(row: Mapping[str, Any], key: str, enum: type[Enum], default: Any, origin: str, entry: str) -> Any:
    raw = row.get(key, default)
    try:
        return enum(raw)
    except ValueError:
        raise SupervisionRuleError(
            origin, entry, f"'{key}' is {raw!r}; expected one of: {', '.join(e.value for e in enum)}"
        ) from None


def _parse_tests(field: str, spec: Any, origin: str, entry: str) -> list[FieldTest]:
    if field not in FACT_FIELDS:
        raise SupervisionRuleError(origin, entry, f"unknown field '{field}'; known: {', '.join(FACT_FIELDS)}")
    where = f"{entry}, when.{field}"
    if isinstance(spec, Mapping):
        if not spec:
            raise SupervisionRuleError(origin, where, "empty table; give e.g. { ge = 0, le = 3 }")
        pairs = list(spec.items())
    elif isinstance(spec, list):
        pairs = [("in", spec)]
    else:
        pairs = [("eq", spec)]
    tests = []
    for op, value in pairs:
        if op not in OPS:
            raise SupervisionRuleError(origin, where, f"unknown test '{op}'; use one of {', '.join(OPS)}")
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                raise SupervisionRuleError(origin, where, f"'{op}' needs a non-empty list")
            for element in value:
                _check_value(field, element, origin, where)
            value = tuple(value)
        else:
            _check_value(field, value, origin, where)
            if op in _NUMERIC_OPS and FACT_FIELDS[field] != "number":
                raise SupervisionRuleError(origin, where, f"'{op}' compares numbers; '{field}' is not a number")
        tests.append(FieldTest(field, op, value))
    return tests


def _check_value(field: str, value: Any, origin: str, where: str) -> None:
    expected = FACT_FIELDS[field]
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "number": isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53,
    }[expected]
    if not ok:
        kind = {"str": "a text", "bool": "true or false", "number": "a whole number"}[expected]
        raise SupervisionRuleError(origin, where, f"'{field}' is compared with {value!r}; it needs {kind}")


# --------------------------------------------------------------------------- facts and reminders


@dataclass(frozen=True)
class OpenDeadline:
    """What supervision needs to know about one open deadline of one assignment."""

    assignment_id: int
    item_id: int
    item_number: str  # e.g. 第0259号 / 2017009, for messages
    item_title: str
    item_kind: str
    department_code: str
    deadline: str  # rule name (reply, co_opinion, feedback, ...)
    due: date
    state: str
    role: str
    key_supervision: bool = False
    round: int = 1
    has_warning: bool = False  # the due date used a fallback calendar year


def supervision_fact(open_deadline: OpenDeadline, today: date, calendar: WorkingCalendar) -> dict[str, Any]:
    due = open_deadline.due
    days_to_due = (due - today).days
    return {
        "deadline": open_deadline.deadline,
        "state": open_deadline.state,
        "role": open_deadline.role,
        "item_kind": open_deadline.item_kind,
        "key_supervision": open_deadline.key_supervision,
        "round": open_deadline.round,
        "days_to_due": days_to_due,
        "working_days_to_due": calendar.working_days_between(today, due),
        "days_overdue": max(0, -days_to_due),
        "overdue": days_to_due < 0,
    }


@dataclass(frozen=True)
class Reminder:
    key: str  # idempotency key: the same key is never sent twice
    rule: str
    rule_label: str
    rule_label_en: str
    outcome: Outcome
    priority: int
    target: OpenDeadline
    fact: Mapping[str, Any]


def reminder_key(rule: SupervisionRule, target: OpenDeadline, today: date) -> str:
    base = f"{rule.name}|a{target.assignment_id}|{target.deadline}|{target.due.isoformat()}"
    if rule.repeat is Repeat.DAILY:
        return f"{base}|{today.isoformat()}"
    if rule.repeat is Repeat.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{base}|{year}-W{week:02d}"
    return base


def evaluate(
    rules: SupervisionRules,
    targets: Iterable[OpenDeadline],
    today: date,
    calendar: WorkingCalendar,
    matcher: Callable[[Mapping[str, Any]], Iterable[SupervisionRule]] | None = None,
) -> list[Reminder]:
    """Every reminder due on `today`, ordered by priority then rule order.

    `matcher(fact) -> list[SupervisionRule]` picks the rules a fact satisfies; the default is the
    plain-Python reference, app/engines/supervision.py passes the durable-rules engine.
    """
    match = matcher or (lambda fact: [r for r in rules.ordered() if r.matches(fact)])
    reminders = []
    for target in targets:
        fact = supervision_fact(target, today, calendar)
        for rule in match(fact):
            reminders.append(
                Reminder(
                    key=reminder_key(rule, target, today),
                    rule=rule.name,
                    rule_label=rule.label,
                    rule_label_en=rule.label_en or rule.label,
                    outcome=rule.outcome,
                    priority=rule.priority,
                    target=target,
                    fact=fact,
                )
            )
    return reminders


@dataclass(frozen=True)
class Digest:
    """Reminders for one recipient: a department (by code), the office, or the leaders."""

    outcome: Outcome
    department_code: str | None  # set for warn_department digests
    reminders: tuple[Reminder, ...]


def digests(reminders: Sequence[Reminder]) -> list[Digest]:
    """One digest per department for department warnings, one for the office, one for leaders."""
    groups: dict[tuple[Outcome, str | None], list[Reminder]] = {}
    for reminder in reminders:
        department = reminder.target.department_code if reminder.outcome is Outcome.WARN_DEPARTMENT else None
        groups.setdefault((reminder.outcome, department), []).append(reminder)
    order = list(Outcome)
    result = []
    for (outcome, department), items in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1] or "")):
        items.sort(key=lambda r: (r.target.due, -r.priority, r.target.item_number))
        result.append(Digest(outcome, department, tuple(items)))
    return result


def digest_text(digest: Digest, department_name: str = "", lang: str = "zh") -> str:
    """Plain-text body of a digest (for mail and the CLI)."""
    zh = lang == "zh"
    outcome_zh, outcome_en = OUTCOME_LABELS[digest.outcome]
    head = (
        f"{department_name or digest.department_code or ''}{outcome_zh}"
        if zh
        else f"{outcome_en}: {department_name or digest.department_code or ''}"
    )
    lines = [head.strip(), ""]
    for reminder in digest.reminders:
        t = reminder.target
        overdue = reminder.fact.get("days_overdue", 0)
        if zh:
            status = f"已超期{overdue}天" if overdue else f"剩余{reminder.fact.get('working_days_to_due')}个工作日"
            lines.append(
                f"- {t.item_number}《{t.item_title}》 {reminder.rule_label}：截止{t.due.isoformat()}，{status}"
            )
        else:
            status = (
                f"{overdue} day(s) overdue"
                if overdue
                else f"{reminder.fact.get('working_days_to_due')} working day(s) left"
            )
            lines.append(
                f"- {t.item_number} {t.item_title} — {reminder.rule_label_en}: due {t.due.isoformat()}, {status}"
            )
        if t.has_warning:
            lines.append(
                "  ⚠ 该截止日期所涉年份尚无节假日安排数据"
                if zh
                else "  ⚠ the due date relies on a year without holiday data"
            )
    lines.append("")
    lines.append(f"共{len(digest.reminders)}项。" if zh else f"{len(digest.reminders)} item(s).")
    return "\n".join(lines)
