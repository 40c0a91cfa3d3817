"""An independent, deliberately plain implementation of the indicators, for cross-checks.

It re-reads indicators.py's formulas and computes them straight from the fact records with
loops and sets, sharing no code with app.domain.statistics.compute.
"""

from __future__ import annotations

from datetime import date

from app.domain.enums import AssignmentRole, AssignmentState, Disclosure, ItemState
from app.domain.profile import Profile
from app.domain.statistics.facts import ItemFact

REPLYING = {AssignmentRole.LEAD, AssignmentRole.SPLIT}
GONE = {AssignmentState.REASSIGNED, AssignmentState.CANCELLED}


def in_scope(items: list[ItemFact], year: int, kind=None, department=None) -> list[ItemFact]:
    chosen = [
        i for i in items if i.year == year and i.state != ItemState.WITHDRAWN and (kind is None or i.kind == kind)
    ]
    if department:
        chosen = [i for i in chosen if any(a.department == department and a.state not in GONE for a in i.assignments)]
    return chosen


def obligations(item: ItemFact, as_of: date, extended: bool, department=None):
    """(department, status, communicated) for each reply obligation of the item."""
    out = []
    for a in item.assignments:
        if a.role not in REPLYING or a.state in GONE or (department and a.department != department):
            continue
        approved = [e for e in item.extensions if e.approved and e.department == a.department and e.round == a.round]
        if extended:
            dates = [d for d in [a.due_on] + [e.new_due_on for e in approved] if d]
            deadline = max(dates) if dates else None
        else:
            earlier = [e.previous_due_on for e in approved if e.previous_due_on]
            deadline = min(earlier) if earlier else a.due_on
        sent = sorted(r.sent_on for r in item.replies if r.department == a.department and r.round == a.round)
        if sent:
            status = "on_time" if deadline is None or sent[0] <= deadline else "late"
            talked = any(
                c.department == a.department and c.round == a.round and c.on <= sent[0] for c in item.communications
            )
        else:
            status = "overdue" if deadline is not None and deadline < as_of else "pending"
            talked = False
        out.append((a.department, status, talked))
    return out


def final_replies(item: ItemFact, department=None):
    best = {}
    for r in item.replies:
        if department and r.department != department:
            continue
        if r.department not in best or (r.round, r.sent_on) >= (best[r.department].round, best[r.department].sent_on):
            best[r.department] = r
    return list(best.values())


def ratings(item: ItemFact, which: str, department=None):
    """Satisfaction levels: the latest per (rated department, round); first = round 1, final = last round."""
    latest = {}
    for f in item.feedback:
        key = (f.department, f.round)
        if key not in latest or f.on >= latest[key].on:
            latest[key] = f
    chosen = []
    for dept in {k[0] for k in latest}:
        rounds = sorted(r for d, r in latest if d == dept)
        if which == "first":
            if 1 in rounds:
                chosen.append(latest[(dept, 1)])
        else:
            chosen.append(latest[(dept, rounds[-1])])
    if department is None:
        return [f.level for f in chosen]
    levels = []
    for f in chosen:
        if f.department is not None:
            rated = {f.department}
        else:
            owing = [a for a in item.assignments if a.role in REPLYING and a.state not in GONE]
            rated = {a.department for a in owing if a.round == f.round} or {a.department for a in owing}
        if department in rated:
            levels.append(f.level)
    return levels


def figures(items, profile: Profile, year: int, as_of: date, kind=None, department=None, extended=True) -> dict:
    """Counts and rates (as (numerator, denominator)) of one scope; department=None: item level."""
    chosen = in_scope(items, year, kind)
    if department:
        chosen = [i for i in chosen if any(a.department == department and a.state not in GONE for a in i.assignments)]
    satisfied = {lv.code for lv in profile.satisfaction if lv.counts_as_satisfied}
    f: dict = {}
    obl = [o for i in chosen for o in obligations(i, as_of, extended, department)]
    counted = [o for o in obl if o[1] != "pending"]
    replied = [o for o in counted if o[1] in ("on_time", "late")]
    f["reply_obligations"] = len(counted)
    f["replied_on_time"] = sum(o[1] == "on_time" for o in counted)
    f["replied_late"] = sum(o[1] == "late" for o in counted)
    f["overdue_unreplied"] = sum(o[1] == "overdue" for o in counted)
    f["on_time_rate"] = (f["replied_on_time"], len(counted))
    f["communication_rate"] = (sum(o[2] for o in replied), len(replied))
    classes = []
    publishable = published = 0
    for i in chosen:
        for r in final_replies(i, department):
            if r.result_class:
                classes.append(profile.result_class(i.kind, r.result_class).bucket.value)
            if r.disclosure != Disclosure.NONE:
                publishable += 1
                published += r.published_on is not None
    f["resolved_rate"] = (classes.count("resolved"), len(classes))
    f["publication_rate"] = (published, publishable)
    for which in ("first", "final"):
        levels = [lv for i in chosen for lv in ratings(i, which, department)]
        f[f"{which}_satisfaction_rate"] = (sum(lv in satisfied for lv in levels), len(levels))
    if department is None:
        f["received"] = len(chosen)
        f["received_collective"] = sum(i.submitter_type.is_collective for i in chosen)
        f["key_supervision"] = sum(i.key_supervision for i in chosen)
        f["rehandled_items"] = sum(
            max([i.round] + [a.round for a in i.assignments] + [x.round for x in i.feedback]) > 1 for i in chosen
        )
        f["extensions_approved"] = sum(1 for i in chosen for e in i.extensions if e.approved)
    else:
        mine = [[a for a in i.assignments if a.department == department and a.state not in GONE] for i in chosen]
        for role in AssignmentRole:
            f[f"{role.value}_items"] = sum(any(a.role == role for a in parts) for parts in mine)
        f["total_items"] = sum(any(a.role != AssignmentRole.REFERENCE for a in parts) for parts in mine)
    return f
