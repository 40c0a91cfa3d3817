"""Computes the annual statistics from fact records, following indicators.py to the letter."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import compress
from typing import Any

from app.domain.enums import AssignmentRole, Disclosure, ItemKind, ItemState
from app.domain.profile import Profile, ResultClass
from app.domain.statistics.facts import (
    ENDED_ASSIGNMENT_STATES,
    REPLYING_ROLES,
    AssignmentFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)
from app.domain.statistics.settings import StatisticsSettings

FIRST, FINAL = "first", "final"


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


Value = int | Rate


@dataclass(frozen=True)
class StatisticsScope:
    year: int
    as_of: date  # cut-off for "overdue": deadlines before this day that have no reply
    kind: ItemKind | None = None  # None: both kinds
    session: str | None = None  # session label
    department: str | None = None  # department code: the view of one department's user


def select_items(items: Iterable[ItemFact], scope: StatisticsScope) -> list[ItemFact]:
    """Items of the scope. Withdrawn items are never counted; a department sees only its parts."""
    chosen = [
        item
        for item in items
        if item.year == scope.year
        and item.state is not ItemState.WITHDRAWN
        and (scope.kind is None or item.kind is scope.kind)
        and (scope.session is None or item.session == scope.session)
    ]
    if scope.department is not None:
        chosen = [part for item in chosen if (part := department_part(item, scope.department)) is not None]
    return chosen


def department_part(item: ItemFact, department: str) -> ItemFact | None:
    """The item as one department may see it: only its own assignments, replies and ratings."""
    if not any(a.department == department and a.effective for a in item.assignments):
        return None
    return replace(
        item,
        assignments=tuple(a for a in item.assignments if a.department == department),
        replies=tuple(r for r in item.replies if r.department == department),
        communications=tuple(c for c in item.communications if c.department == department),
        extensions=tuple(e for e in item.extensions if e.department == department),
        feedback=tuple(f for f in item.feedback if f.department in (None, department)),
    )


# --------------------------------------------------------------------------- one item


@dataclass(frozen=True, slots=True)
class Obligation:
    """A reply owed by a lead or split department in one round, and what became of it."""

    item: ItemFact
    department: str
    role: AssignmentRole
    round: int
    assigned_on: date
    original_due_on: date | None
    extended_due_on: date | None
    deadline: date | None  # the one the settings judge by
    reply: ReplyFact | None  # the first reply sent for this department and round
    status: str  # on_time | late | overdue | pending
    communicated: bool
    days_late: int | None

    @property
    def counts(self) -> bool:
        return self.status != "pending"


@dataclass(frozen=True, slots=True)
class FinalReply:
    department: str
    reply: ReplyFact
    result: ResultClass | None


@dataclass(frozen=True, slots=True)
class Rating:
    feedback: FeedbackFact
    departments: tuple[str, ...]  # departments the rating is attributed to


#: Every counter a tally keeps, in a fixed order: tallies are plain lists indexed by position.
COUNTERS: tuple[str, ...] = (
    "received", "received_during_session", "received_between_sessions", "received_collective",
    "received_individual", "key_supervision", "assigned_items", "closed_items", "rehandled_items",
    "extensions_approved", "extended_items", "feedback_by_office",
    "lead_items", "co_items", "split_items", "reference_items", "total_items",
    "reply_obligations", "replied_on_time", "replied_late", "overdue_unreplied", "replied", "communicated",
    "final_replies", "resolved_replies", "publishable_replies", "published_replies",
    "first_feedback", "first_satisfied", "final_feedback", "final_satisfied",
)  # fmt: skip
INDEX = {name: position for position, name in enumerate(COUNTERS)}

#: The counters each rate is made of.
RATE_PARTS = {
    "on_time_rate": ("replied_on_time", "reply_obligations"),
    "communication_rate": ("communicated", "replied"),
    "resolved_rate": ("resolved_replies", "final_replies"),
    "first_satisfaction_rate": ("first_satisfied", "first_feedback"),
    "final_satisfaction_rate": ("final_satisfied", "final_feedback"),
    "publication_rate": ("published_replies", "publishable_replies"),
}
_STATUS_COUNTER = {
    "on_time": INDEX["replied_on_time"],
    "late": INDEX["replied_late"],
    "overdue": INDEX["overdue_unreplied"],
}
_ROLE_COUNTER = {role: INDEX[f"{role.value}_items"] for role in AssignmentRole}

Contribution = tuple[tuple[int, int], ...]  # (counter index, amount), non-zero amounts only


def counters_for(codes: Iterable[str]) -> frozenset[int]:
    """Positions of the counters that the given indicators are computed from."""
    return frozenset(INDEX[part] for code in codes for part in RATE_PARTS.get(code, (code,)))


@dataclass(slots=True)
class ItemAnalysis:
    item: ItemFact
    roles: dict[str, set[AssignmentRole]]  # effective roles per department, any round
    obligations: list[Obligation]
    final_replies: list[FinalReply]
    first_ratings: list[Rating]
    final_ratings: list[Rating]
    rehandled: bool  # the item reached round 2 or later
    rehandled_departments: set[str]  # departments with an effective replying assignment in round 2+
    # what the item adds to a tally, worked out once (an item lands in several tallies)
    contribution: Contribution = ()
    levels: dict[str, dict[str, int]] = field(default_factory=dict)  # first|final -> level -> count
    classes: list[tuple[ItemKind, str]] = field(default_factory=list)
    department_contributions: dict[str, Contribution] = field(default_factory=dict)


def analyse(item: ItemFact, profile: Profile, settings: StatisticsSettings, as_of: date) -> ItemAnalysis:
    roles: dict[str, set[AssignmentRole]] = defaultdict(set)
    owing = []
    for assignment in item.assignments:
        if assignment.state not in ENDED_ASSIGNMENT_STATES:
            roles[assignment.department].add(assignment.role)
            if assignment.role in REPLYING_ROLES:
                owing.append(assignment)

    first_reply: dict[tuple[str, int], ReplyFact] = {}
    last_reply: dict[str, ReplyFact] = {}
    for reply in item.replies:
        key = (reply.department, reply.round)
        if key not in first_reply or reply.sent_on < first_reply[key].sent_on:
            first_reply[key] = reply
        known = last_reply.get(reply.department)
        if known is None or (reply.round, reply.sent_on) >= (known.round, known.sent_on):
            last_reply[reply.department] = reply

    obligations = [
        _obligation(item, assignment, first_reply.get((assignment.department, assignment.round)), settings, as_of)
        for assignment in owing
    ]
    final_replies = [
        FinalReply(dept, reply, profile.result_class(item.kind, reply.result_class) if reply.result_class else None)
        for dept, reply in sorted(last_reply.items())
    ]
    first_ratings, final_ratings = _ratings(item, owing) if item.feedback else ([], [])
    analysis = ItemAnalysis(
        item,
        roles,
        obligations,
        final_replies,
        first_ratings,
        final_ratings,
        rehandled=item.rounds > 1,
        rehandled_departments={a.department for a in owing if a.round > 1},
    )
    _count_item(analysis, settings)
    _count_departments(analysis, settings)
    return analysis


def _obligation(
    item: ItemFact, assignment: AssignmentFact, reply: ReplyFact | None, settings: StatisticsSettings, as_of: date
) -> Obligation:
    original = extended = assignment.due_on
    for e in item.extensions:
        if e.approved and e.department == assignment.department and e.round == assignment.round:
            if e.previous_due_on is not None and (original is None or e.previous_due_on < original):
                original = e.previous_due_on
            if e.new_due_on is not None and (extended is None or e.new_due_on > extended):
                extended = e.new_due_on
    deadline = extended if settings.on_time_deadline == "extended" else original

    communicated = False
    if reply is not None:
        communicated = any(
            c.department == assignment.department and c.round == assignment.round and c.on <= reply.sent_on
            for c in item.communications
        )
        if deadline is None or reply.sent_on <= deadline:
            status, days_late = "on_time", None
        else:
            status, days_late = "late", (reply.sent_on - deadline).days
    elif deadline is not None and deadline < as_of:
        status, days_late = "overdue", (as_of - deadline).days
    else:
        status, days_late = "pending", None
    return Obligation(
        item,
        assignment.department,
        assignment.role,
        assignment.round,
        assignment.assigned_on,
        original,
        extended,
        deadline,
        reply,
        status,
        communicated,
        days_late,
    )


def _ratings(item: ItemFact, owing: list[Any]) -> tuple[list[Rating], list[Rating]]:
    """First-round and final ratings: one per rated reply (or item), the latest of its round."""
    latest: dict[tuple[str | None, int], FeedbackFact] = {}
    for fb in item.feedback:
        key = (fb.department, fb.round)
        if key not in latest or fb.on >= latest[key].on:
            latest[key] = fb
    final: dict[str | None, FeedbackFact] = {}
    for (dept, rnd), fb in latest.items():
        if dept not in final or rnd > final[dept].round:
            final[dept] = fb

    def attributed(fb: FeedbackFact) -> tuple[str, ...]:
        if fb.department is not None:
            return (fb.department,)
        of_round = {a.department for a in owing if a.round == fb.round}
        return tuple(sorted(of_round or {a.department for a in owing}))

    order = sorted(latest, key=lambda k: (k[0] or "", k[1]))
    first = [Rating(latest[k], attributed(latest[k])) for k in order if k[1] == 1]
    last = [Rating(final[d], attributed(final[d])) for d in sorted(final, key=lambda d: d or "")]
    return first, last


# --------------------------------------------------------------------------- counting


def _count_obligation(counts: list[int], ob: Obligation) -> None:
    if ob.status == "pending":
        return
    counts[INDEX["reply_obligations"]] += 1
    counts[_STATUS_COUNTER[ob.status]] += 1
    if ob.reply is not None:
        counts[INDEX["replied"]] += 1
        counts[INDEX["communicated"]] += ob.communicated


def _count_final_reply(counts: list[int], fr: FinalReply, settings: StatisticsSettings) -> None:
    if fr.result is not None:
        counts[INDEX["final_replies"]] += 1
        counts[INDEX["resolved_replies"]] += fr.result.bucket in settings.resolved_buckets
    if settings.publication_denominator == "all" or fr.reply.disclosure is not Disclosure.NONE:
        counts[INDEX["publishable_replies"]] += 1
        counts[INDEX["published_replies"]] += fr.reply.published_on is not None


_RATING_COUNTERS = {
    FIRST: (INDEX["first_feedback"], INDEX["first_satisfied"]),
    FINAL: (INDEX["final_feedback"], INDEX["final_satisfied"]),
}


def _count_rating(counts: list[int], round_name: str, rating: Rating, settings: StatisticsSettings) -> None:
    feedback_at, satisfied_at = _RATING_COUNTERS[round_name]
    counts[feedback_at] += 1
    counts[satisfied_at] += rating.feedback.level in settings.satisfied_levels


def _nonzero(counts: list[int]) -> Contribution:
    return tuple(compress(enumerate(counts), counts))


def _count_item(a: ItemAnalysis, settings: StatisticsSettings) -> None:
    """Item-level figures: the item and all its parts count."""
    item, c = a.item, [0] * len(COUNTERS)
    c[INDEX["received"]] = 1
    c[INDEX["received_during_session" if item.during_session else "received_between_sessions"]] = 1
    c[INDEX["received_collective" if item.is_collective else "received_individual"]] = 1
    c[INDEX["key_supervision"]] = item.key_supervision
    c[INDEX["assigned_items"]] = bool(a.roles)
    c[INDEX["closed_items"]] = item.state is ItemState.CLOSED
    c[INDEX["rehandled_items"]] = a.rehandled
    approved = sum(1 for e in item.extensions if e.approved)
    c[INDEX["extensions_approved"]] = approved
    c[INDEX["extended_items"]] = approved > 0
    c[INDEX["feedback_by_office"]] = sum(1 for fb in item.feedback if fb.given_by is FeedbackGiver.OFFICE)
    for ob in a.obligations:
        _count_obligation(c, ob)
    for fr in a.final_replies:
        _count_final_reply(c, fr, settings)
        if fr.result is not None:
            a.classes.append((item.kind, fr.result.code))
    a.levels = {FIRST: defaultdict(int), FINAL: defaultdict(int)}
    for round_name, ratings in ((FIRST, a.first_ratings), (FINAL, a.final_ratings)):
        for rating in ratings:
            _count_rating(c, round_name, rating, settings)
            a.levels[round_name][rating.feedback.level] += 1
    a.contribution = _nonzero(c)


def _count_departments(a: ItemAnalysis, settings: StatisticsSettings) -> None:
    """Each department's share of the item."""
    item = a.item
    not_counted = set() if settings.total_includes_reference else {AssignmentRole.REFERENCE}
    counts: dict[str, list[int]] = {}
    for department, roles in a.roles.items():
        c = counts[department] = [0] * len(COUNTERS)
        for role in roles:
            c[_ROLE_COUNTER[role]] = 1
        handled = bool(roles - not_counted)
        c[INDEX["total_items"]] = handled
        c[INDEX["key_supervision"]] = item.key_supervision and handled
        c[INDEX["rehandled_items"]] = department in a.rehandled_departments
    for extension in item.extensions:
        if extension.approved and extension.department in counts:
            counts[extension.department][INDEX["extensions_approved"]] += 1
    for ob in a.obligations:
        _count_obligation(counts[ob.department], ob)
    for fr in a.final_replies:
        if fr.department in counts:
            _count_final_reply(counts[fr.department], fr, settings)
    for round_name, ratings in ((FIRST, a.first_ratings), (FINAL, a.final_ratings)):
        for rating in ratings:
            for department in rating.departments:
                if department in counts:
                    _count_rating(counts[department], round_name, rating, settings)
    a.department_contributions = {department: _nonzero(c) for department, c in counts.items()}


# --------------------------------------------------------------------------- tallies


@dataclass
class Tally:
    """Counters behind one row of figures (a kind, a group or a department)."""

    counts: list[int] = field(default_factory=lambda: [0] * len(COUNTERS))
    levels: dict[str, Counter[Any]] = field(default_factory=lambda: {FIRST: Counter(), FINAL: Counter()})
    result_classes: Counter[tuple[ItemKind, str]] = field(
        default_factory=Counter
    )  # (kind, class code) over final replies

    def add(self, contribution: Contribution) -> None:
        counts = self.counts
        for index, amount in contribution:
            counts[index] += amount

    def add_item(self, analysis: ItemAnalysis) -> None:
        self.add(analysis.contribution)
        for round_name, levels in analysis.levels.items():
            if levels:
                self.levels[round_name].update(levels)
        if analysis.classes:
            self.result_classes.update(analysis.classes)

    def count(self, name: str) -> int:
        return int(self.counts[INDEX[name]])

    def values(self, codes: Iterable[str]) -> dict[str, Value]:
        return {
            code: Rate(self.count(RATE_PARTS[code][0]), self.count(RATE_PARTS[code][1]))
            if code in RATE_PARTS
            else self.count(code)
            for code in codes
        }
