"""The one transition table for items and assignments.

Every change of state goes through `find_transition`: a transition names the entity, the
action, the states it may start from, the state it leads to, the roles that may take it and
the guards that must hold. Services apply it (app.services.transitions), which adds the role,
department, version and audit checks that need the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.domain.enums import AssignmentState as A
from app.domain.enums import ItemState as I
from app.domain.enums import Role
from app.domain.text import N_

Entity = Literal["item", "assignment"]

OFFICE = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF})
DEPARTMENT = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
HANDLER = frozenset({Role.DEPT_HANDLER})
UNIT_HEAD = frozenset({Role.DEPT_LEADER})


@dataclass(frozen=True)
class GuardContext:
    """Facts a guard may look at, gathered by the service from the database."""

    facts: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.facts[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.facts.get(key, default)


# A guard returns None when the transition may go ahead, or the reason (an English msgid) why not.
Guard = Callable[[GuardContext], str | None]


@dataclass(frozen=True)
class Transition:
    entity: Entity
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (e.g. recording a communication)
    roles: frozenset[Role]
    label: str  # English msgid shown on buttons
    # Department roles may act only on their own department's assignment.
    own_department: bool = True
    needs_reason: bool = False
    guards: tuple[Guard, ...] = ()

    def refusal(self, context: GuardContext) -> str | None:
        for guard in self.guards:
            reason = guard(context)
            if reason:
                return reason
        return None


def _t(entity: Entity, action: str, sources: Iterable[str], target: str | None, roles, label: str, **kw) -> Transition:
    return Transition(entity, action, frozenset(sources), target, frozenset(roles), label, **kw)


# Assignment states in which its deadlines can still be extended or changed.
DEADLINE_OPEN_STATES = (
    A.PENDING_SIGNATURE,
    A.SIGNED,
    A.REASSIGNMENT_REQUESTED,
    A.DRAFTING,
    A.SIGNED_OFF,
    A.UNDER_REVIEW,
    A.RETURNED,
)

TRANSITIONS: tuple[Transition, ...] = (
    # ---- item level
    _t("item", "assign", [I.REGISTERED], I.ASSIGNED, OFFICE, N_("Assign")),
    _t(
        "item",
        "withdraw",
        [I.REGISTERED, I.ASSIGNED, I.IN_PROGRESS],
        I.WITHDRAWN,
        OFFICE,
        N_("Withdraw"),
        needs_reason=True,
    ),
    # ---- assignment level
    _t("assignment", "sign_for", [A.PENDING_SIGNATURE], A.SIGNED, DEPARTMENT, N_("Sign for")),
    # ---- deadlines (延期 and manual edits; the state does not change, the deadline does)
    _t("assignment", "request_extension", DEADLINE_OPEN_STATES, None, DEPARTMENT, N_("Request extension"), needs_reason=True),
    _t("assignment", "approve_extension", DEADLINE_OPEN_STATES, None, OFFICE, N_("Approve extension")),
    _t("assignment", "reject_extension", DEADLINE_OPEN_STATES, None, OFFICE, N_("Reject extension"), needs_reason=True),
    _t("assignment", "edit_deadline", DEADLINE_OPEN_STATES, None, OFFICE, N_("Change deadline"), needs_reason=True),
)


def find_transition(entity: Entity, action: str, state: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.entity == entity and transition.action == action and state in transition.sources:
            return transition
    return None


def actions_for(entity: Entity, state: str, role: Role) -> list[Transition]:
    """Transitions the role may take from this state (guards and department not yet checked)."""
    return [t for t in TRANSITIONS if t.entity == entity and state in t.sources and role in t.roles]


def known_actions(entity: Entity) -> set[str]:
    return {t.action for t in TRANSITIONS if t.entity == entity}
