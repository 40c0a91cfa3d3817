"""Applies the one transition table (app/domain/lifecycle.py) to items and assignments.

Each transition is checked for state, role, department, reason, guards and the version the
user saw (optimistic locking), and writes its audit row in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import Assignment, Item
from app.domain.lifecycle import GuardContext, Transition, actions_for, find_transition, known_actions
from app.i18n import _
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Conflict, Forbidden, Problem, UserError, ValidationFailed


def entity_of(target: Item | Assignment) -> str:
    return "item" if isinstance(target, Item) else "assignment"


def _department_may_act(actor: Actor, target: Item | Assignment) -> bool:
    if isinstance(target, Assignment):
        return target.department_id == actor.department_id
    return any(
        a.department_id == actor.department_id and a.ended_at is None and a.round == target.round
        for a in target.assignments
    )


def check(
    actor: Actor,
    target: Item | Assignment,
    action: str,
    *,
    context: GuardContext | None = None,
) -> Transition:
    """The transition the actor may take now, or the UserError that says why not."""
    entity = entity_of(target)
    if action not in known_actions(entity):  # type: ignore[arg-type]
        raise UserError(_("Unknown action %(action)s.", action=action))
    transition = find_transition(entity, action, target.state)  # type: ignore[arg-type]
    if transition is None:
        raise Conflict(_("This action is not possible in the current state (%(state)s).", state=_(target.state)))
    if not actor.is_system and actor.role not in transition.roles:
        raise Forbidden(_("Your role may not do this."))
    if transition.own_department and actor.is_department and not _department_may_act(actor, target):
        raise Forbidden(_("Only the assigned department may do this."))
    refusal = transition.refusal(context or GuardContext())
    if refusal:
        raise Conflict(_(refusal))
    return transition


def apply(
    session: Session,
    actor: Actor,
    target: Item | Assignment,
    action: str,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
    context: GuardContext | None = None,
    details: dict[str, Any] | None = None,
) -> Transition:
    """Take the transition; raises a UserError and changes nothing when it is not allowed."""
    transition = check(actor, target, action, context=context)
    if transition.needs_reason and not (reason and reason.strip()):
        raise ValidationFailed(_("A reason is required."), [Problem("reason", _("required"))])
    if expected_version is not None and expected_version != target.version:
        raise Conflict(_("Someone else changed this record in the meantime. Reload the page and try again."))
    before = {"state": target.state, "version": target.version}
    if transition.target is not None:
        target.state = transition.target
    # Always an UPDATE, so the version moves and a concurrent transition fails, even without a state change.
    flag_modified(target, "state")
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("Someone else changed this record in the meantime. Reload the page and try again.")) from None
    after = {"state": target.state, "version": target.version}
    if details:
        after.update(details)
    audit.record(
        session,
        actor,
        entity=entity_of(target),
        entity_id=target.id,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
    return transition


def available(actor: Actor, target: Item | Assignment, context: GuardContext | None = None) -> list[Transition]:
    """The transitions this actor may take on the target now (for showing only the allowed buttons)."""
    result = []
    for transition in actions_for(entity_of(target), target.state, actor.role):  # type: ignore[arg-type]
        try:
            check(actor, target, transition.action, context=context)
        except UserError:
            continue
        result.append(transition)
    return result
