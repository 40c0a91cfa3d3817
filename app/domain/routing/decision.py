"""From matching rules to a routing proposal (pure: no engine, no database).

Decision rule (documented in rules/README.md):
1. Matching rules are ordered by priority, highest first; equal priorities keep file order
   (the rule written earlier wins). This order is total, so the result never depends on chance.
2. The first rule decides the mode and the handling department(s): its lead (主办), its split
   departments (分办) or its reference recipients (参阅).
3. Co-handlers (协办) are the winner's co-handlers, then the lead, split and co departments of
   every other matching handling rule (reference-only rules contribute none), minus the
   departments that already handle the item.
4. Key supervision is proposed when any matching rule asks for it.
5. Conflicts are flagged for the office: a rule of the same priority as the winner proposing
   other handling departments, or a matching rule proposing another mode (e.g. reference vs lead).
6. Fallback rules (`fallback = true`, e.g. "by category") count only when no other rule
   matches; they then decide as above but never add co-handlers to another rule's decision.
7. No matching rule: the item goes to the manual queue, with suggestions when history exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.enums import ItemKind
from app.domain.routing.rules import RoutingRule


@dataclass(frozen=True)
class RoutableItem:
    """What routing looks at. `category` is a category code, `intended` department codes."""

    title: str
    content: str = ""
    kind: ItemKind | None = None
    category: str | None = None
    delegation: str | None = None
    sector: str | None = None
    party: str | None = None
    intended: tuple[str, ...] = ()
    during_session: bool | None = None
    ref: str = ""  # e.g. the item number, for reports


@dataclass(frozen=True)
class Reason:
    """One condition that held. test: kind | category | title_any | title_all | title_none |
    content_* | text_* | delegation | sector | party | intended | during_session."""

    test: str
    values: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"test": self.test, "values": list(self.values)}


@dataclass(frozen=True)
class RuleMatch:
    rule: RoutingRule
    reasons: tuple[Reason, ...]

    @property
    def keywords(self) -> tuple[str, ...]:
        words: dict[str, None] = {}
        for reason in self.reasons:
            if reason.test.endswith(("_any", "_all")):
                words.update(dict.fromkeys(reason.values))
        return tuple(words)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "priority": self.rule.priority,
            "position": self.rule.position,
            "mode": self.rule.then.mode,
            "fallback": self.rule.fallback,
            "departments": list(self.rule.then.departments),
            "reasons": [r.as_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class LosingCandidate:
    rule: str
    priority: int
    mode: str
    handling: tuple[str, ...]
    why: str  # lower_priority | later_in_file | fallback

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "priority": self.priority,
            "mode": self.mode,
            "handling": list(self.handling),
            "why": self.why,
        }


@dataclass(frozen=True)
class Conflict:
    kind: str  # same_priority | mode
    rules: tuple[str, str]  # (winner, other)
    detail: tuple[str, ...]  # departments or modes involved

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rules": list(self.rules), "detail": list(self.detail)}


@dataclass(frozen=True)
class Suggestion:
    department: str
    score: float
    shared_terms: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"department": self.department, "score": round(self.score, 4), "shared_terms": list(self.shared_terms)}


@dataclass(frozen=True)
class Decision:
    status: str  # proposed | manual
    mode: str | None = None  # lead | split | reference
    lead: str | None = None
    co: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    key_supervision: bool = False
    winner: str | None = None
    matches: tuple[RuleMatch, ...] = ()
    losing: tuple[LosingCandidate, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    suggestions: tuple[Suggestion, ...] = field(default=())

    @property
    def handling(self) -> tuple[str, ...]:
        if self.mode == "lead":
            return (self.lead,) if self.lead else ()
        return self.split if self.mode == "split" else self.reference

    def same_proposal(self, other: Decision) -> bool:
        """True when both propose the same departments in the same roles (used by rule diffs)."""
        return (self.status, self.mode, self.lead, set(self.co), set(self.split), set(self.reference)) == (
            other.status,
            other.mode,
            other.lead,
            set(other.co),
            set(other.split),
            set(other.reference),
        ) and self.key_supervision == other.key_supervision

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "mode": self.mode,
            "lead": self.lead,
            "co": list(self.co),
            "split": list(self.split),
            "reference": list(self.reference),
            "key_supervision": self.key_supervision,
            "winner": self.winner,
            "matches": [m.as_dict() for m in self.matches],
            "losing": [c.as_dict() for c in self.losing],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


def order_matches(matches: Sequence[RuleMatch]) -> tuple[RuleMatch, ...]:
    return tuple(sorted(matches, key=lambda m: (-m.rule.priority, m.rule.position)))


def decide(matches: Sequence[RuleMatch], suggestions: Sequence[Suggestion] = ()) -> Decision:
    ordered = order_matches(matches)
    if not ordered:
        return Decision(status="manual", suggestions=tuple(suggestions))
    regular = tuple(m for m in ordered if not m.rule.fallback)
    deciding = regular or ordered  # fallback rules only when nothing else matched
    winner, rest = deciding[0], deciding[1:]
    outcome = winner.rule.then
    handling = set(outcome.handling)
    co: dict[str, None] = {}
    if outcome.mode != "reference":
        co.update(dict.fromkeys(outcome.co))
        for match in rest:
            if match.rule.then.mode != "reference":
                co.update(dict.fromkeys(match.rule.then.departments))
    co_handlers = tuple(code for code in co if code not in handling)

    losing = tuple(
        LosingCandidate(
            rule=m.rule.name,
            priority=m.rule.priority,
            mode=m.rule.then.mode,
            handling=m.rule.then.handling,
            why=_why_lost(m.rule, winner.rule),
        )
        for m in ordered
        if m is not winner
    )
    conflicts = []
    for match in rest:
        other = match.rule.then
        if other.mode != outcome.mode:
            conflicts.append(Conflict("mode", (winner.rule.name, match.rule.name), (outcome.mode, other.mode)))
        elif match.rule.priority == winner.rule.priority and set(other.handling) != handling:
            conflicts.append(
                Conflict(
                    "same_priority",
                    (winner.rule.name, match.rule.name),
                    (*outcome.handling, *other.handling),
                )
            )
    return Decision(
        status="proposed",
        mode=outcome.mode,
        lead=outcome.lead if outcome.mode == "lead" else None,
        co=co_handlers,
        split=outcome.split if outcome.mode == "split" else (),
        reference=outcome.reference if outcome.mode == "reference" else (),
        key_supervision=any(m.rule.then.key_supervision for m in ordered),
        winner=winner.rule.name,
        matches=ordered,
        losing=losing,
        conflicts=tuple(conflicts),
        suggestions=(),
    )


def _why_lost(loser: RoutingRule, winner: RoutingRule) -> str:
    if loser.fallback and not winner.fallback:
        return "fallback"
    return "later_in_file" if loser.priority == winner.priority else "lower_priority"
