"""Make the database's departments and categories match the active profile."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, Category, Department
from app.domain.profile import Profile
from app.services import audit
from app.services.actor import Actor


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    categories_added: list[str] = field(default_factory=list)
    categories_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(vars(self).values())


def sync_departments(session: Session, actor: Actor, profile: Profile) -> SyncReport:
    """Adds, renames and deactivates departments; never deletes one (its items keep pointing at it)."""
    report = SyncReport()
    existing = {d.code: d for d in session.scalars(select(Department))}
    wanted = {d.code: d for d in profile.departments}
    for code, spec in wanted.items():
        dept = existing.get(code)
        if dept is None:
            session.add(Department(code=code, name=spec.name, short_name=spec.short_name, kind=spec.kind.value))
            report.added.append(code)
            audit.record(
                session,
                actor,
                entity="department",
                entity_id=None,
                action="add",
                after={"code": code, "name": spec.name, "short_name": spec.short_name},
            )
            continue
        before = {"name": dept.name, "short_name": dept.short_name, "kind": dept.kind, "active": dept.active}
        if (dept.name, dept.short_name, dept.kind) != (spec.name, spec.short_name, spec.kind.value):
            dept.name, dept.short_name, dept.kind = spec.name, spec.short_name, spec.kind.value
            report.renamed.append(code)
        if not dept.active:
            dept.active = True
            report.reactivated.append(code)
        after = {"name": dept.name, "short_name": dept.short_name, "kind": dept.kind, "active": dept.active}
        if after != before:
            audit.record(
                session, actor, entity="department", entity_id=dept.id, action="update", before=before, after=after
            )
    for code, dept in existing.items():
        if code not in wanted and dept.active:
            dept.active = False
            report.deactivated.append(code)
            audit.record(
                session,
                actor,
                entity="department",
                entity_id=dept.id,
                action="deactivate",
                before={"active": True},
                after={"active": False},
            )
    _sync_categories(session, profile, report)
    session.flush()
    return report


def _sync_categories(session: Session, profile: Profile, report: SyncReport) -> None:
    existing = {c.code: c for c in session.scalars(select(Category).where(Category.profile == profile.name))}
    by_code: dict[str, Category] = {}
    for spec in profile.categories:  # parents come before their children in the file
        kinds = ",".join(sorted(k.value for k in spec.kinds))
        parent = by_code.get(spec.parent) if spec.parent else None
        cat = existing.get(spec.code)
        if cat is None:
            cat = Category(profile=profile.name, code=spec.code, name=spec.name, kinds=kinds, parent=parent)
            session.add(cat)
            report.categories_added.append(spec.code)
        # parents are compared as objects (all of the profile's are loaded), so nothing needs a flush per category
        elif (cat.name, cat.kinds, cat.parent, cat.active) != (spec.name, kinds, parent, True):
            cat.name, cat.kinds, cat.parent, cat.active = spec.name, kinds, parent, True
            report.categories_changed.append(spec.code)
        by_code[spec.code] = cat
    for code, cat in existing.items():
        if code not in by_code and cat.active:
            cat.active = False
            report.categories_changed.append(code)


def active_departments(session: Session, *, by_kind: bool = True) -> list[Department]:
    """The departments that can be chosen (for assignment forms), by kind then code, or by code."""
    order = (Department.kind, Department.code) if by_kind else (Department.code,)
    return list(session.scalars(select(Department).where(Department.active.is_(True)).order_by(*order)))


def all_departments(session: Session) -> list[Department]:
    """Every department, active or not, by kind then code (administration pages)."""
    return list(session.scalars(select(Department).order_by(Department.kind, Department.code)))


def department_item_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Assignment.department_id, func.count(func.distinct(Assignment.item_id))).group_by(
            Assignment.department_id
        )
    )
    return {dept_id: count for dept_id, count in rows}
