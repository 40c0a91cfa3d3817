"""Routing proposals: route a session's items (or try it), explain a title, compare rule files."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from app.db.base import chunks
from app.db.models import Assignment, CongressSession, Department, Item, ItemIntendedDepartment
from app.db.models.routing import RoutingRecord
from app.domain.enums import AssignmentRole, ItemKind, ItemState
from app.domain.profile import Profile
from app.domain.routing.decision import Decision, RoutableItem
from app.domain.routing.router import Router
from app.domain.routing.suggestions import AssignedExample
from app.i18n import _
from app.services import audit
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, ValidationFailed
from app.services.routing.rulesets import ensure_active, read_rules, router_for, router_for_text
from app.services.sessions import get_session_by_label

HISTORY_LIMIT = 5000  # most recent lead assignments used for suggestions

ROUTABLE_STATES = (ItemState.REGISTERED.value,)
DECIDED = ("accepted", "overridden")


def routable_item(item: Item) -> RoutableItem:
    return RoutableItem(
        title=item.title,
        content=item.content or "",
        kind=ItemKind(item.kind),
        category=item.category.code if item.category else None,
        delegation=item.delegation,
        sector=item.sector,
        party=item.party,
        intended=tuple(i.department.code for i in item.intended_departments),
        during_session=item.during_session,
        ref=item.number,
    )


def _load_items(session: Session, stmt: Select[Item]) -> list[Item]:
    stmt = stmt.options(
        selectinload(Item.category),
        selectinload(Item.intended_departments).selectinload(ItemIntendedDepartment.department),
        selectinload(Item.session),
    )
    return list(session.scalars(stmt))


def session_items(session: Session, congress_session: CongressSession) -> list[Item]:
    return _load_items(
        session,
        select(Item).where(Item.session_id == congress_session.id).order_by(Item.number, Item.id),
    )


def history(session: Session) -> list[AssignedExample]:
    """Titles of items already assigned, with their lead department (for manual-queue suggestions)."""
    stmt = (
        select(Item.title, Department.code)
        .join(Assignment, Assignment.item_id == Item.id)
        .join(Department, Department.id == Assignment.department_id)
        .where(Assignment.role == AssignmentRole.LEAD.value)
        .order_by(Assignment.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return [AssignedExample(title, code) for title, code in session.execute(stmt)]


def current_record(session: Session, item_id: int) -> RoutingRecord | None:
    return session.scalar(
        select(RoutingRecord).where(RoutingRecord.item_id == item_id, RoutingRecord.current.is_(True))
    )


def current_records(session: Session, item_ids: Iterable[int]) -> dict[int, RoutingRecord]:
    """The current record of each of these items that has one (one query per 500 items)."""
    found: dict[int, RoutingRecord] = {}
    for chunk in chunks(list(dict.fromkeys(item_ids))):
        stmt = select(RoutingRecord).where(RoutingRecord.item_id.in_(chunk), RoutingRecord.current.is_(True))
        found.update((r.item_id, r) for r in session.scalars(stmt))
    return found


@dataclass
class ItemOutcome:
    item_id: int
    number: str
    title: str
    decision: Decision
    action: str  # routed | rerouted | kept (office decision kept) | skipped (assigned or closed) | would_route
    previous_status: str | None = None


@dataclass
class RouteReport:
    session_label: str
    rule_set_hash: str
    dry_run: bool
    outcomes: list[ItemOutcome] = field(default_factory=list)
    refused_file_problems: list[Problem] = field(default_factory=list)

    def count(self, **conditions: Any) -> int:
        return sum(all(getattr(o, k) == v for k, v in conditions.items()) for o in self.outcomes)

    @property
    def manual(self) -> int:
        return sum(
            o.decision.status == "manual" for o in self.outcomes if o.action in ("routed", "rerouted", "would_route")
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as the API and `jianti route --json` give it."""
        return {
            "session": self.session_label,
            "rule_set": self.rule_set_hash,
            "dry_run": self.dry_run,
            "refused_rule_file": [p.as_dict() for p in self.refused_file_problems],
            "items": [
                {
                    "item_id": o.item_id,
                    "number": o.number,
                    "title": o.title,
                    "action": o.action,
                    "proposal": o.decision.as_dict(),
                }
                for o in self.outcomes
            ],
        }


def _apply_decision(record: RoutingRecord, decision: Decision) -> None:
    record.proposal = decision.as_dict()
    record.status = "manual" if decision.status == "manual" else "proposed"
    record.mode = decision.mode
    record.lead_code = decision.lead
    record.co_codes = list(decision.co)
    record.split_codes = list(decision.split)
    record.reference_codes = list(decision.reference)
    record.key_supervision = decision.key_supervision
    record.has_conflicts = bool(decision.conflicts)


def route_session(
    session: Session, actor: Actor, label: str, *, dry_run: bool = False, profile: Profile | None = None
) -> RouteReport:
    """Propose departments for every registered item of a session.

    Items already assigned are skipped (re-routing them is `reroute_item(..., reassign=True)`);
    items whose current proposal the office accepted or overrode keep that decision; other
    items get a new record with the active rule-set version (superseding an older proposal).
    A dry run keeps nothing, not even a rule-set version stored for a changed rule file: it runs
    in a savepoint that is rolled back, so callers need not roll back themselves.
    """
    if not dry_run:
        return _route_session(session, actor, label, dry_run=False, profile=profile)
    savepoint = session.begin_nested()
    try:
        return _route_session(session, actor, label, dry_run=True, profile=profile)
    finally:
        savepoint.rollback()


def _route_session(
    session: Session, actor: Actor, label: str, *, dry_run: bool, profile: Profile | None
) -> RouteReport:
    require_office(actor)
    congress_session = get_session_by_label(session, label)
    active = ensure_active(session, actor, profile)
    router = router_for(active.version, profile)
    past = history(session)
    items = session_items(session, congress_session)
    records = current_records(session, [i.id for i in items])
    report = RouteReport(label, active.version.content_hash, dry_run, refused_file_problems=active.refused)
    # new records are written together after the loop (one flush for the run, not one per item)
    proposed: list[_Proposal] = []
    for item in items:
        record = records.get(item.id)
        if item.state not in ROUTABLE_STATES or (record is not None and record.status == "assigned"):
            report.outcomes.append(ItemOutcome(item.id, item.number, item.title, _decision_of(record), "skipped"))
            continue
        if record is not None and record.status in DECIDED:
            report.outcomes.append(
                ItemOutcome(item.id, item.number, item.title, _decision_of(record), "kept", record.status)
            )
            continue
        decision = router.route(routable_item(item), past)
        if dry_run:
            report.outcomes.append(ItemOutcome(item.id, item.number, item.title, decision, "would_route"))
            continue
        if record is not None and record.rule_set_id == active.version.id and record.proposal == decision.as_dict():
            report.outcomes.append(ItemOutcome(item.id, item.number, item.title, decision, "kept", record.status))
            continue
        if record is not None:
            _supersede(record)
        proposed.append(_Proposal(item, decision, _new_record(actor, item, decision, active.version.id), record))
        action = "rerouted" if record is not None else "routed"
        report.outcomes.append(
            ItemOutcome(item.id, item.number, item.title, decision, action, record.status if record else None)
        )
    if not dry_run:
        # one flush for the run (it updates the superseded rows before inserting the new ones),
        # then the proposals' audit rows in one INSERT, in the items' order, before the run's own row
        session.add_all([p.record for p in proposed])
        session.flush()
        audit.record_many(
            session, actor, [_proposal_change(p.item, p.decision, p.record, p.superseding) for p in proposed]
        )
        audit.record(
            session,
            actor,
            entity="session",
            entity_id=congress_session.id,
            action="route",
            after={
                "rule_set": active.version.content_hash,
                "routed": report.count(action="routed") + report.count(action="rerouted"),
                "manual": report.manual,
            },
        )
    return report


@dataclass
class _Proposal:
    item: Item
    decision: Decision
    record: RoutingRecord  # new, current
    superseding: RoutingRecord | None


def _supersede(record: RoutingRecord) -> None:
    record.current = False
    if record.status != "assigned":
        record.status = "superseded"


def _new_record(actor: Actor, item: Item, decision: Decision, rule_set_id: int) -> RoutingRecord:
    record = RoutingRecord(
        item_id=item.id,
        rule_set_id=rule_set_id,
        round=item.round,
        current=True,
        created_by_name=actor.username,
        co_codes=[],
        split_codes=[],
        reference_codes=[],
    )
    _apply_decision(record, decision)
    return record


def _proposal_change(
    item: Item,
    decision: Decision,
    record: RoutingRecord,
    superseding: RoutingRecord | None,
    reason: str | None = None,
) -> audit.Change:
    """The audit row of a stored proposal (`record` flushed, so it has its id)."""
    return audit.Change(
        entity="item",
        entity_id=item.id,
        action="routing_propose",
        before={"record": superseding.id, "status": superseding.status} if superseding else None,
        after={
            "record": record.id,
            "status": record.status,
            "rule": decision.winner,
            "lead": decision.lead,
            "co": list(decision.co),
            "split": list(decision.split),
            "reference": list(decision.reference),
        },
        reason=reason,
    )


def _store(
    session: Session,
    actor: Actor,
    item: Item,
    decision: Decision,
    rule_set_id: int,
    superseding: RoutingRecord | None,
    reason: str | None = None,
) -> RoutingRecord:
    """One new proposal for one item, superseding its current record."""
    if superseding is not None:
        _supersede(superseding)
        session.flush()
    record = _new_record(actor, item, decision, rule_set_id)
    session.add(record)
    session.flush()
    change = _proposal_change(item, decision, record, superseding, reason)
    audit.record(
        session,
        actor,
        entity=change.entity,
        entity_id=change.entity_id,
        action=change.action,
        before=change.before,
        after=change.after,
        reason=change.reason,
    )
    return record


def reroute_item(
    session: Session, actor: Actor, item_id: int, *, reassign: bool = False, reason: str | None = None
) -> RoutingRecord:
    """A new proposal for one item. An assigned item is refused unless the office chooses to
    reassign it (then a reason is required); an office decision (accepted/overridden) is replaced."""
    require_office(actor)
    items = _load_items(session, select(Item).where(Item.id == item_id))
    if not items:
        raise NotFound(_("No such item."))
    item = items[0]
    record = current_record(session, item.id)
    assigned = item.state != ItemState.REGISTERED.value or (record is not None and record.status == "assigned")
    if assigned and not reassign:
        raise Conflict(_("This item is already assigned; choose to reassign it to route it again."))
    if assigned and not (reason and reason.strip()):
        raise ValidationFailed(_("A reason is required."), [Problem("reason", _("required"))])
    active = ensure_active(session, actor)
    decision = router_for(active.version).route(routable_item(item), history(session))
    return _store(session, actor, item, decision, active.version.id, record, reason=reason if assigned else None)


def _decision_of(record: RoutingRecord | None) -> Decision:
    if record is None:
        return Decision(status="manual")
    return Decision(
        status="manual" if record.status == "manual" else "proposed",
        mode=record.mode,
        lead=record.lead_code,
        co=tuple(record.co_codes or ()),
        split=tuple(record.split_codes or ()),
        reference=tuple(record.reference_codes or ()),
        key_supervision=record.key_supervision,
        winner=(record.proposal or {}).get("winner"),
    )


# --------------------------------------------------------------------------- explain


def explain_title(
    session: Session,
    actor: Actor,
    title: str,
    *,
    content: str = "",
    category: str | None = None,
    kind: str | None = None,
    profile: Profile | None = None,
) -> tuple[Decision, str]:
    """Route a title without storing anything; returns the decision and the rule-set hash used."""
    active = ensure_active(session, actor, profile)
    profile = profile or router_for(active.version).profile
    problems = []
    category_code = None
    if category:
        found = profile.find_category(category)
        if found is None:
            problems.append(Problem("category", _("unknown category"), category))
        else:
            category_code = found.code
    item_kind = None
    if kind:
        try:
            item_kind = ItemKind(kind)
        except ValueError:
            problems.append(Problem("kind", _("must be npc_suggestion or cppcc_proposal"), kind))
    if not title.strip():
        problems.append(Problem("title", _("required")))
    if problems:
        raise ValidationFailed(_("Nothing to explain."), problems)
    item = RoutableItem(title=title, content=content, kind=item_kind, category=category_code)
    return router_for(active.version).route(item, history(session)), active.version.content_hash


# --------------------------------------------------------------------------- diff


@dataclass
class DiffLine:
    item_id: int
    session_label: str
    number: str
    title: str
    old: Decision
    new: Decision


@dataclass
class DiffReport:
    old_hash: str
    new_hash: str
    compared: int
    changed: list[DiffLine]


def diff_rules(
    session: Session,
    actor: Actor,
    new_directory: Path,
    *,
    label: str | None = None,
    profile: Profile | None = None,
) -> DiffReport:
    """Route past items with the active rules and with the rules in `new_directory`; list every
    item whose proposal would change. Nothing is stored."""
    profile = profile or router_for(ensure_active(session, actor, profile).version).profile
    data, parsed = read_rules(new_directory, profile)
    return diff_rule_text(session, actor, data.decode("utf-8"), parsed.source, label=label, profile=profile)


def diff_rule_text(
    session: Session,
    actor: Actor,
    text: str,
    source: str,
    *,
    label: str | None = None,
    profile: Profile | None = None,
    only_ids: Collection[int] | None = None,
) -> DiffReport:
    """`diff_rules` for a rule file's text (e.g. the active file with a suggested snippet appended);
    a broken text is refused with its problems. Nothing is stored.

    only_ids: route only these items (the caller knows the others cannot change, e.g. an appended
    rule that needs a word they lack); `compared` then counts the items routed."""
    active = ensure_active(session, actor, profile)
    old_router = router_for(active.version, profile)
    profile = profile or old_router.profile
    new_router: Router = router_for_text(profile, text, source)
    stmt = select(Item).order_by(Item.session_id, Item.number, Item.id)
    if label:
        stmt = stmt.where(Item.session_id == get_session_by_label(session, label).id)
    if only_ids is not None:
        stmt = stmt.where(Item.id.in_(list(only_ids)))
    items = _load_items(session, stmt)
    past = history(session)
    changed = []
    for item in items:
        routable = routable_item(item)
        old, new = old_router.route(routable, past), new_router.route(routable, past)
        if not old.same_proposal(new):
            changed.append(DiffLine(item.id, item.session.label, item.number, item.title, old, new))
    return DiffReport(active.version.content_hash, new_router.ruleset.content_hash, len(items), changed)
