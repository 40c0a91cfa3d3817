"""The one transition table for items and assignments.

Every change of state goes through `find_transition`: a transition names the entity, the
action, the states it may start from, the state it leads to, the roles that may take it and
the guards that must hold. Services apply it (app.services.transitions), which adds the role,
department, version and audit checks that need the database.

Item life (domain "Life of an item"): registered → assigned → in_progress → replied →
awaiting_feedback → closed; a dissatisfied rating opens round n+1 (rehandling → replied → …);
side states merged and withdrawn. Assignment life: pending_signature → signed →
(reassignment_requested → reassigned | back to signed) → drafting → opinion_sent (co-handlers)
or signed_off → under_review → returned | sent (lead and split); closed at the end of a round,
cancelled with a merged or withdrawn item.

Moves marked `system=True` are derived: the services take them (as the system actor, which has
an office role) right after the action that makes them due, e.g. the item becomes `replied`
when the last lead or split reply is sent. They are never offered as buttons.

Guards read facts from a GuardContext that the service gathers; the fact names are listed in
`FACTS`. A missing fact counts as the unfavourable answer, so a forgotten fact refuses rather
than lets through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.domain.enums import AssignmentRole as R
from app.domain.enums import AssignmentState as A
from app.domain.enums import ItemState as I
from app.domain.enums import Role
from app.domain.text import N_

Entity = Literal["item", "assignment"]

OFFICE = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF})
DEPARTMENT = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
HANDLER = frozenset({Role.DEPT_HANDLER})
UNIT_HEAD = frozenset({Role.DEPT_LEADER})
# feedback: the office records paper forms; the submitter rates online on the portal (own items only)
FEEDBACK_GIVERS = OFFICE | {Role.DEPUTY}

REPLYING = frozenset({R.LEAD.value, R.SPLIT.value})  # departments that owe the submitter a reply
CO = frozenset({R.CO.value})
HANDLING = frozenset({R.LEAD.value, R.SPLIT.value, R.CO.value})  # everything but reference
REFERENCE = frozenset({R.REFERENCE.value})

INITIAL_STATES: dict[str, str] = {"item": I.REGISTERED.value, "assignment": A.PENDING_SIGNATURE.value}
ITEM_TERMINAL = frozenset({I.CLOSED.value, I.MERGED.value, I.WITHDRAWN.value})
ASSIGNMENT_TERMINAL = frozenset({A.REASSIGNED.value, A.CANCELLED.value, A.CLOSED.value})
ASSIGNMENT_LIVE = frozenset(s.value for s in A) - ASSIGNMENT_TERMINAL
ITEM_BEFORE_REPLY = frozenset({I.REGISTERED.value, I.ASSIGNED.value, I.IN_PROGRESS.value})


def initial_assignment_state(role: R | str) -> str:
    """Every new assignment (lead, co, split, reference; any round) waits to be signed for."""
    R(role)  # refuses an unknown assignment role
    return A.PENDING_SIGNATURE.value


# Facts a guard may read (gathered by the service). Name → meaning.
FACTS: dict[str, str] = {
    "by_system": "the move is taken by the system as a consequence of another action",
    "assignment_role": "lead | co | split | reference of the assignment acted on",
    "within_reassignment_window": "today is inside the reassignment request window of this assignment",
    "co_opinions_pending": "number of co-handler assignments of this round whose opinion is not in",
    "co_opinions_overdue": "number of those whose opinion deadline has passed",
    "co_opinions_waived": "the office waived the missing co-handler opinions for this lead assignment",
    "communication_required": "the profile requires a communication record before a reply",
    "communication_count": "communication records of this assignment in this round",
    "has_reply_draft": "this assignment has a reply draft in this round",
    "draft_returned": "the unit head returned the draft and it has not been revised since",
    "has_opinion": "this co-handler assignment has an opinion text or attachment in this round",
    "any_assignment_signed": "some assignment of the item's current round has been signed for",
    "all_replies_sent": "every live lead and split assignment of the round has sent (and there is one)",
    "reference_only": "the assignments of the current round (not reassigned or cancelled) are all reference ones",
    "feedback_recorded": "feedback for the current round is recorded",
    "feedback_opens_new_round": "the recorded feedback level opens a new round (不满意)",
    "feedback_overdue": "the feedback period after the reply has passed without feedback",
    "merge_target_ok": "the merge target is another live item of the same kind",
}


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


# --------------------------------------------------------------------------- guards


def inside_reassignment_window(ctx: GuardContext) -> str | None:
    if not ctx.get("within_reassignment_window", False):
        return N_("The reassignment request window has closed")
    return None


def co_opinions_in_or_waived(ctx: GuardContext) -> str | None:
    if ctx.get("assignment_role") != R.LEAD.value:
        return None
    if ctx.get("co_opinions_pending", 1) > 0 and not ctx.get("co_opinions_waived", False):
        return N_("Not every co-handler's opinion is in, and the office has not waived them")
    return None


def communication_recorded(ctx: GuardContext) -> str | None:
    if ctx.get("communication_required", True) and ctx.get("communication_count", 0) < 1:
        return N_("A reply needs at least one communication record with the submitter")
    return None


def reply_draft_present(ctx: GuardContext) -> str | None:
    return None if ctx.get("has_reply_draft", False) else N_("There is no reply draft yet")


def draft_revised(ctx: GuardContext) -> str | None:
    if ctx.get("draft_returned", False):
        return N_("The unit head returned the draft: save a revised draft first")
    return None


def opinion_present(ctx: GuardContext) -> str | None:
    return None if ctx.get("has_opinion", False) else N_("Write the opinion or attach it first")


def some_assignment_signed(ctx: GuardContext) -> str | None:
    return None if ctx.get("any_assignment_signed", False) else N_("No department has signed for the item yet")


def every_reply_sent(ctx: GuardContext) -> str | None:
    return None if ctx.get("all_replies_sent", False) else N_("Not every lead and split department has sent its reply")


def only_reference_assignments(ctx: GuardContext) -> str | None:
    return None if ctx.get("reference_only", False) else N_("The item has departments that owe a reply")


def no_feedback_yet(ctx: GuardContext) -> str | None:
    return N_("Feedback for this round is already recorded") if ctx.get("feedback_recorded", True) else None


def feedback_lets_close(ctx: GuardContext) -> str | None:
    if ctx.get("feedback_recorded", False):
        if ctx.get("feedback_opens_new_round", True):
            return N_("The submitter is dissatisfied: the item must be handled again")
        return None
    if ctx.get("feedback_overdue", False):
        return None
    return N_("No feedback yet and the feedback period has not passed")


def feedback_dissatisfied(ctx: GuardContext) -> str | None:
    if ctx.get("feedback_recorded", False) and ctx.get("feedback_opens_new_round", False):
        return None
    return N_("Only a dissatisfied rating opens a new round")


def co_opinions_overdue(ctx: GuardContext) -> str | None:
    if ctx.get("co_opinions_pending", 0) < 1:
        return N_("No co-handler opinion is missing")
    if ctx.get("co_opinions_overdue", 0) < 1:
        return N_("The co-handlers' opinion deadline has not passed yet")
    if ctx.get("co_opinions_waived", False):
        return N_("The missing opinions are already waived")
    return None


def merge_target_valid(ctx: GuardContext) -> str | None:
    return None if ctx.get("merge_target_ok", False) else N_("Choose another live item of the same kind to merge into")


# --------------------------------------------------------------------------- table


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
    # Assignment roles (lead, co, split, reference) this transition applies to; empty: all.
    assignment_roles: frozenset[str] = frozenset()
    # Derived move taken by the services right after another action; never offered as a button.
    system: bool = False

    def refusal(self, context: GuardContext) -> str | None:
        # Derived moves and assignment-role limits are checked here too, so that every caller
        # of the table (app.services.transitions included) applies them through the facts.
        if self.system and not context.get("by_system", False):
            return N_("This step follows from other actions and cannot be taken by hand")
        if self.assignment_roles and context.get("assignment_role") not in self.assignment_roles:
            return N_("This action does not apply to this kind of assignment")
        for guard in self.guards:
            reason = guard(context)
            if reason:
                return reason
        return None

    def applies_to(self, assignment_role: str | None) -> bool:
        return not self.assignment_roles or assignment_role is None or assignment_role in self.assignment_roles


def _t(
    entity: Entity,
    action: str,
    sources: Iterable[str],
    target: str | None,
    roles: Iterable[Role],
    label: str,
    **kw: Any,
) -> Transition:
    return Transition(entity, action, frozenset(sources), target, frozenset(roles), label, **kw)


_LIVE = sorted(ASSIGNMENT_LIVE)

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
    # ---- item level: office actions
    _t("item", "assign", [I.REGISTERED], I.ASSIGNED, OFFICE, N_("Assign")),
    _t(
        "item",
        "withdraw",
        ITEM_BEFORE_REPLY,
        I.WITHDRAWN,
        OFFICE,
        N_("Withdraw"),
        needs_reason=True,
    ),
    _t(
        "item",
        "merge",
        ITEM_BEFORE_REPLY,
        I.MERGED,
        OFFICE,
        N_("Merge into another item"),
        needs_reason=True,
        guards=(merge_target_valid,),
    ),
    _t(
        "item",
        "close_without_reply",
        [I.ASSIGNED, I.IN_PROGRESS],
        I.CLOSED,
        OFFICE,
        N_("Close (reference only)"),
        guards=(only_reference_assignments,),
    ),
    _t(
        "item",
        "request_feedback",
        [I.REPLIED],
        I.AWAITING_FEEDBACK,
        OFFICE,
        N_("Ask the submitter for feedback"),
    ),
    _t(
        "item",
        "record_feedback",
        [I.REPLIED, I.AWAITING_FEEDBACK],
        None,
        FEEDBACK_GIVERS,
        N_("Record feedback"),
        guards=(no_feedback_yet,),
    ),
    _t(
        "item",
        "close",
        [I.REPLIED, I.AWAITING_FEEDBACK],
        I.CLOSED,
        OFFICE,
        N_("Close"),
        guards=(feedback_lets_close,),
    ),
    _t(
        "item",
        "change_result_class",
        [I.REPLIED, I.AWAITING_FEEDBACK, I.REHANDLING, I.CLOSED],
        None,
        OFFICE,
        N_("Change result class"),
        needs_reason=True,
    ),
    # ---- item level: derived moves
    _t(
        "item",
        "begin_handling",
        [I.ASSIGNED],
        I.IN_PROGRESS,
        OFFICE,
        N_("Handling begins"),
        guards=(some_assignment_signed,),
        system=True,
    ),
    _t(
        "item",
        "mark_replied",
        [I.IN_PROGRESS, I.REHANDLING],
        I.REPLIED,
        OFFICE,
        N_("All replies sent"),
        guards=(every_reply_sent,),
        system=True,
    ),
    _t(
        "item",
        "open_new_round",
        [I.REPLIED, I.AWAITING_FEEDBACK],
        I.REHANDLING,
        OFFICE,
        N_("Handle again (new round)"),
        guards=(feedback_dissatisfied,),
        system=True,
    ),
    # ---- assignment level: departments
    _t("assignment", "sign_for", [A.PENDING_SIGNATURE], A.SIGNED, DEPARTMENT, N_("Sign for")),
    _t(
        "assignment",
        "request_reassignment",
        [A.PENDING_SIGNATURE, A.SIGNED],
        A.REASSIGNMENT_REQUESTED,
        DEPARTMENT,
        N_("Request reassignment"),
        needs_reason=True,
        guards=(inside_reassignment_window,),
        assignment_roles=HANDLING,
    ),
    _t(
        "assignment",
        "record_communication",
        [A.SIGNED, A.REASSIGNMENT_REQUESTED, A.DRAFTING, A.SIGNED_OFF, A.UNDER_REVIEW, A.RETURNED],
        None,
        DEPARTMENT,
        N_("Record communication"),
        assignment_roles=HANDLING,
    ),
    _t(
        "assignment",
        "draft_opinion",
        [A.SIGNED, A.DRAFTING],
        A.DRAFTING,
        DEPARTMENT,
        N_("Write opinion"),
        assignment_roles=CO,
    ),
    _t(
        "assignment",
        "send_opinion",
        [A.DRAFTING],
        A.OPINION_SENT,
        DEPARTMENT,
        N_("Send opinion to the lead"),
        guards=(opinion_present,),
        assignment_roles=CO,
    ),
    _t(
        "assignment",
        "draft_reply",
        [A.SIGNED, A.DRAFTING, A.RETURNED],
        A.DRAFTING,
        DEPARTMENT,
        N_("Draft reply"),
        assignment_roles=REPLYING,
    ),
    _t(
        "assignment",
        "sign_off",
        [A.DRAFTING],
        A.SIGNED_OFF,
        UNIT_HEAD,
        N_("Sign off"),
        guards=(reply_draft_present, draft_revised, communication_recorded, co_opinions_in_or_waived),
        assignment_roles=REPLYING,
    ),
    _t(
        "assignment",
        "return_draft",
        [A.DRAFTING],
        A.DRAFTING,
        UNIT_HEAD,
        N_("Return the draft"),
        needs_reason=True,
        guards=(reply_draft_present, draft_revised),
        assignment_roles=REPLYING,
    ),
    _t(
        "assignment",
        "submit_for_review",
        [A.SIGNED_OFF],
        A.UNDER_REVIEW,
        DEPARTMENT,
        N_("Submit to the office"),
        assignment_roles=REPLYING,
    ),
    _t(
        "assignment",
        "acknowledge",
        [A.SIGNED],
        A.CLOSED,
        DEPARTMENT,
        N_("Noted (reference)"),
        assignment_roles=REFERENCE,
    ),
    # ---- assignment level: the office
    _t(
        "assignment",
        "approve_reassignment",
        [A.REASSIGNMENT_REQUESTED],
        A.REASSIGNED,
        OFFICE,
        N_("Approve reassignment"),
        own_department=False,
    ),
    _t(
        "assignment",
        "reject_reassignment",
        [A.REASSIGNMENT_REQUESTED],
        A.SIGNED,
        OFFICE,
        N_("Reject reassignment"),
        own_department=False,
        needs_reason=True,
    ),
    _t(
        "assignment",
        "waive_co_opinions",
        [A.SIGNED, A.DRAFTING, A.RETURNED],
        None,
        OFFICE,
        N_("Let the reply go without the missing opinions"),
        own_department=False,
        needs_reason=True,
        guards=(co_opinions_overdue,),
        assignment_roles=frozenset({R.LEAD.value}),
    ),
    _t(
        "assignment",
        "return_reply",
        [A.UNDER_REVIEW],
        A.RETURNED,
        OFFICE,
        N_("Return for rework"),
        own_department=False,
        needs_reason=True,
        assignment_roles=REPLYING,
    ),
    _t(
        "assignment",
        "accept_reply",
        [A.UNDER_REVIEW],
        A.SENT,
        OFFICE,
        N_("Accept and send"),
        own_department=False,
        assignment_roles=REPLYING,
    ),
    # ---- deadlines (延期 and manual edits; the state does not change, the deadline does)
    _t(
        "assignment",
        "request_extension",
        DEADLINE_OPEN_STATES,
        None,
        DEPARTMENT,
        N_("Request extension"),
        needs_reason=True,
    ),
    _t("assignment", "approve_extension", DEADLINE_OPEN_STATES, None, OFFICE, N_("Approve extension")),
    _t(
        "assignment",
        "reject_extension",
        DEADLINE_OPEN_STATES,
        None,
        OFFICE,
        N_("Reject extension"),
        needs_reason=True,
    ),
    _t("assignment", "edit_deadline", DEADLINE_OPEN_STATES, None, OFFICE, N_("Change deadline"), needs_reason=True),
    # ---- assignment level: derived moves
    _t(
        "assignment",
        "close_round",
        _LIVE,
        A.CLOSED,
        OFFICE,
        N_("Round finished"),
        own_department=False,
        system=True,
    ),
    _t(
        "assignment",
        "cancel",
        _LIVE,
        A.CANCELLED,
        OFFICE,
        N_("Cancelled with the item"),
        own_department=False,
        system=True,
    ),
)


# (entity, action, state) → transition; the table guarantees at most one (see its tests).
_INDEX: dict[tuple[str, str, str], Transition] = {
    (t.entity, t.action, source): t for t in TRANSITIONS for source in t.sources
}
_KNOWN: dict[str, frozenset[str]] = {
    entity: frozenset(t.action for t in TRANSITIONS if t.entity == entity) for entity in ("item", "assignment")
}


def find_transition(entity: Entity, action: str, state: str) -> Transition | None:
    return _INDEX.get((entity, action, str(state)))


def actions_for(entity: Entity, state: str, role: Role, assignment_role: str | None = None) -> list[Transition]:
    """Transitions the role may take from this state (guards and department not yet checked)."""
    return [
        t
        for t in TRANSITIONS
        if t.entity == entity and state in t.sources and role in t.roles and t.applies_to(assignment_role)
    ]


def offered_actions(
    entity: Entity, state: str, role: Role, context: GuardContext, assignment_role: str | None = None
) -> list[Transition]:
    """What a user may do now: not derived, role and assignment role fit, every guard holds."""
    context = _with(context, assignment_role)
    return [t for t in actions_for(entity, state, role, assignment_role) if not t.system and t.refusal(context) is None]


# Actions a user waits for in states where the table does not offer them yet, with why (English msgids).
# (entity, action) -> state -> reason. Shown next to the actions, like the guards' refusals.
WAITING_REASONS: dict[tuple[str, str], dict[str, str]] = {
    ("assignment", "sign_off"): {
        A.SIGNED.value: N_("There is no reply draft yet"),
        A.RETURNED.value: N_("The office returned the reply: a revised draft is needed first"),
    },
    ("assignment", "submit_for_review"): {
        A.DRAFTING.value: N_("The unit head has not signed off the reply yet"),
    },
}


def refused_actions(
    entity: Entity, state: str, role: Role, context: GuardContext, assignment_role: str | None = None
) -> list[tuple[Transition, str]]:
    """What the role could do from this state but may not now, with the guard's reason (an English msgid).

    Pages show these so that a missing button is explained ("say why")."""
    context = _with(context, assignment_role)
    refused = []
    for transition in actions_for(entity, state, role, assignment_role):
        if transition.system:
            continue
        reason = transition.refusal(context)
        if reason:
            refused.append((transition, reason))
    for (for_entity, action), by_state in WAITING_REASONS.items():
        waiting = by_state.get(str(state))
        if for_entity != entity or waiting is None:
            continue
        transition = next(t for t in TRANSITIONS if t.entity == entity and t.action == action)
        if role in transition.roles and transition.applies_to(assignment_role):
            refused.append((transition, waiting))
    return refused


def _with(context: GuardContext, assignment_role: str | None, *, by_system: bool = False) -> GuardContext:
    facts = {**context.facts, "by_system": by_system}
    if assignment_role is not None:
        facts["assignment_role"] = str(assignment_role)
    return GuardContext(facts)


def known_actions(entity: Entity) -> set[str]:
    return set(_KNOWN[entity])


def states_of(entity: Entity) -> frozenset[str]:
    enum = I if entity == "item" else A
    return frozenset(s.value for s in enum)


# --------------------------------------------------------------------------- deciding


class Refused(Exception):
    """A transition may not be taken; `reason` is an English msgid."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def decide(
    entity: Entity,
    action: str,
    state: str,
    role: Role,
    context: GuardContext,
    assignment_role: str | None = None,
    *,
    by_system: bool = False,
) -> Transition:
    """The pure part of applying a transition: state, role, assignment role and guards.

    Derived moves (`system=True`) are taken only by the system (`by_system=True`), never on a
    user's request. Department membership, version and audit need the database and stay in
    the service.
    """
    if action not in _KNOWN[entity]:
        raise Refused(N_("Unknown action"))
    transition = find_transition(entity, action, state)
    if transition is None:
        raise Refused(N_("This action is not possible in the current state"))
    if transition.system and not by_system:
        raise Refused(N_("This step follows from other actions and cannot be taken by hand"))
    if role not in transition.roles:
        raise Refused(N_("Your role may not take this action"))
    if not transition.applies_to(assignment_role):
        raise Refused(N_("This action does not apply to this kind of assignment"))
    reason = transition.refusal(_with(context, assignment_role, by_system=by_system))  # facts only once needed
    if reason:
        raise Refused(reason)
    return transition


def next_state(transition: Transition, state: str) -> str:
    return state if transition.target is None else transition.target


# --------------------------------------------------------------------------- replay


@dataclass(frozen=True)
class Step:
    """One audit-like entry: the action and the state before and after it (before None: created).

    Rows that carry no state (after None, e.g. a deadline set on an assignment) are skipped.
    """

    action: str
    before: str | None
    after: str | None


class ReplayError(ValueError):
    def __init__(self, index: int, step: Step, problem: str) -> None:
        self.index, self.step, self.problem = index, step, problem
        super().__init__(f"entry #{index} ({step.action}: {step.before} → {step.after}): {problem}")


# Records taken over from a previous system (last year's finished handling) enter in their final state.
ARCHIVE_IMPORT = "archive_import"


def replay(entity: Entity, steps: Iterable[Step], start: str | None = None) -> str | None:
    """Replay an audit trail and return the state it leads to (None when there are no entries).

    Every entry must start where the previous one ended and follow a transition of the table;
    the first entry creates the entity in its initial state, unless `start` gives the state the
    entity was created in without an entry (e.g. items registered by an import batch).
    """
    state: str | None = start
    for index, step in enumerate(steps, start=1):
        if step.after is None:
            continue  # not a state change (deadlines, files, ... recorded on the same entity)
        if step.before is None:
            if state is not None:
                raise ReplayError(index, step, "created twice")
            if step.after != INITIAL_STATES[entity] and step.action != ARCHIVE_IMPORT:
                raise ReplayError(index, step, f"created in {step.after}, expected {INITIAL_STATES[entity]}")
            state = step.after
            continue
        if state is None:
            raise ReplayError(index, step, "the trail does not start with the creation")
        if step.before != state:
            raise ReplayError(index, step, f"starts from {step.before} but the state was {state}")
        transition = find_transition(entity, step.action, step.before)
        if transition is None:
            raise ReplayError(index, step, "no such transition in the table")
        if step.after != next_state(transition, step.before):
            raise ReplayError(index, step, f"the table leads to {next_state(transition, step.before)}")
        state = step.after
    return state
