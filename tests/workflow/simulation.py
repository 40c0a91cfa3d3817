"""A pure in-memory model of one item's life that follows app.domain.lifecycle.

The property tests drive it with random actions by random roles; the database tests replay
the same kind of sequences through the services and compare. Every state change appends an
audit-like Step, so `replay` can rebuild the states from the trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.enums import Role
from app.domain.lifecycle import (
    ASSIGNMENT_LIVE,
    INITIAL_STATES,
    GuardContext,
    Refused,
    Step,
    Transition,
    decide,
    initial_assignment_state,
    next_state,
)

DEPARTMENTS = ("d1", "d2", "d3", "d4")
FEEDBACK_LEVELS = {"satisfied": False, "basically_satisfied": False, "dissatisfied": True}


@dataclass
class SimAssignment:
    id: int
    department: str
    role: str
    round: int
    state: str
    has_reply_draft: bool = False
    draft_returned: bool = False
    has_opinion: bool = False
    communications: int = 0
    waived: bool = False
    opinion_overdue: bool = False
    within_window: bool = True
    trail: list[Step] = field(default_factory=list)


@dataclass
class SimItem:
    state: str = INITIAL_STATES["item"]
    round: int = 1
    assignments: list[SimAssignment] = field(default_factory=list)
    feedback: dict[int, str] = field(default_factory=dict)  # round -> level
    feedback_overdue: bool = False
    merge_target_ok: bool = True
    communication_required: bool = True
    trail: list[Step] = field(default_factory=lambda: [Step("create", None, INITIAL_STATES["item"])])

    # ---------------------------------------------------------------- facts

    def current(self) -> list[SimAssignment]:
        return [a for a in self.assignments if a.round == self.round]

    def live(self) -> list[SimAssignment]:
        return [a for a in self.assignments if a.state in ASSIGNMENT_LIVE]

    def item_facts(self) -> GuardContext:
        replying = [a for a in self.current() if a.role in ("lead", "split") and a.state != "reassigned"]
        standing = [a for a in self.current() if a.state not in ("reassigned", "cancelled")]
        level = self.feedback.get(self.round)
        return GuardContext(
            {
                "any_assignment_signed": any(
                    a.state not in ("pending_signature", "reassignment_requested", "reassigned", "cancelled")
                    for a in self.current()
                ),
                "all_replies_sent": bool(replying) and all(a.state == "sent" for a in replying),
                "reference_only": bool(standing) and all(a.role == "reference" for a in standing),
                "feedback_recorded": level is not None,
                "feedback_opens_new_round": FEEDBACK_LEVELS.get(level, False) if level else False,
                "feedback_overdue": self.feedback_overdue,
                "merge_target_ok": self.merge_target_ok,
            }
        )

    def assignment_facts(self, a: SimAssignment) -> GuardContext:
        co = [c for c in self.current() if c.role == "co" and c.state in ASSIGNMENT_LIVE]
        pending = [c for c in co if c.state != "opinion_sent"]
        return GuardContext(
            {
                "assignment_role": a.role,
                "within_reassignment_window": a.within_window,
                "co_opinions_pending": len(pending) if a.role == "lead" else 0,
                "co_opinions_overdue": sum(1 for c in pending if c.opinion_overdue) if a.role == "lead" else 0,
                "co_opinions_waived": a.waived,
                "communication_required": self.communication_required,
                "communication_count": a.communications,
                "has_reply_draft": a.has_reply_draft,
                "draft_returned": a.draft_returned,
                "has_opinion": a.has_opinion,
            }
        )

    # ---------------------------------------------------------------- moving

    def _move_item(self, transition: Transition) -> None:
        after = next_state(transition, self.state)
        self.trail.append(Step(transition.action, self.state, after))
        self.state = after

    def _move_assignment(self, a: SimAssignment, transition: Transition) -> None:
        after = next_state(transition, a.state)
        a.trail.append(Step(transition.action, a.state, after))
        a.state = after

    def _system_item(self, action: str) -> bool:
        try:
            transition = decide("item", action, self.state, Role.OFFICE_ADMIN, self.item_facts(), by_system=True)
        except Refused:
            return False
        self._move_item(transition)
        return True

    def _system_assignments(self, action: str, targets: list[SimAssignment]) -> None:
        for a in targets:
            transition = decide(
                "assignment", action, a.state, Role.OFFICE_ADMIN, GuardContext({}), a.role, by_system=True
            )
            self._move_assignment(a, transition)

    def add_assignment(self, department: str, role: str) -> SimAssignment:
        state = initial_assignment_state(role)
        a = SimAssignment(len(self.assignments) + 1, department, role, self.round, state)
        a.trail.append(Step("create", None, state))
        self.assignments.append(a)
        return a

    # ---------------------------------------------------------------- the actions

    def act_on_item(self, action: str, role: Role, *, plan=None, level: str | None = None) -> Transition:
        """Raises Refused; on success applies the action and its derived moves."""
        transition = decide("item", action, self.state, role, self.item_facts())
        if action == "assign":
            for department, assignment_role in plan or [("d1", "lead")]:
                self.add_assignment(department, assignment_role)
        if action == "record_feedback":
            self.feedback[self.round] = level or "satisfied"
        self._move_item(transition)
        if action in ("merge", "withdraw"):
            self._system_assignments("cancel", self.live())
        elif action in ("close", "close_without_reply"):
            self._system_assignments("close_round", self.live())
        elif action == "record_feedback":
            self._after_feedback()
        return transition

    def _after_feedback(self) -> None:
        if self._system_item("open_new_round"):
            finished = [a for a in self.current()]
            self._system_assignments("close_round", [a for a in self.live()])
            self.round += 1
            for a in finished:
                if a.role in ("lead", "split") and a.state != "reassigned":
                    self.add_assignment(a.department, a.role)
        elif self._system_item("close"):
            self._system_assignments("close_round", self.live())

    def act_on_assignment(self, a: SimAssignment, action: str, role: Role, department: str | None) -> Transition:
        transition = decide("assignment", action, a.state, role, self.assignment_facts(a), a.role)
        if transition.own_department and role in (Role.DEPT_HANDLER, Role.DEPT_LEADER) and department != a.department:
            raise Refused("Not your department's assignment")
        if action == "draft_reply":
            a.has_reply_draft, a.draft_returned = True, False
        elif action == "return_draft":
            a.draft_returned = True
        elif action == "draft_opinion":
            a.has_opinion = True
        elif action == "record_communication":
            a.communications += 1
        elif action == "waive_co_opinions":
            a.waived = True
        self._move_assignment(a, transition)
        if action == "approve_reassignment":
            other = next(d for d in DEPARTMENTS if d != a.department)
            self.add_assignment(other, a.role)
        if action == "sign_for":
            self._system_item("begin_handling")
        if action == "accept_reply":
            self._system_item("mark_replied")
        if action == "acknowledge" and not self.live():
            # the last reference department has noted it: nothing more is owed
            transition = decide("item", "close_without_reply", self.state, Role.OFFICE_ADMIN, self.item_facts())
            self._move_item(transition)
        return transition
