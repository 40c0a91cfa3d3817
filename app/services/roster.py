"""The roster (代表/委员名册): entries per term, the Excel import (preview, cell-level report,
all-or-nothing), the links of items' submitters to entries, and statistics by deputy/member.

Linking matches on name + delegation (NPC) / sector (CPPCC) within the body and term. A name
with several candidates is `ambiguous`, a name with none `unknown`: both are listed for the
office to resolve and are never guessed. An office resolution is never overwritten by a later
automatic run. Every linking run and every resolution writes an audit row.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import CongressSession, Item
from app.db.models.roster import RosterEntry, SubmitterLink
from app.db.models.workflow import Feedback, Reply
from app.domain.enums import BODY_OF_KIND, Body, ItemKind, SubmitterType
from app.domain.importing.problems import Problem as CellProblem
from app.domain.roster import RosterParse, RosterRow, parse_roster
from app.i18n import _, gettext, locale_scope
from app.importing.error_copy import write_error_copy
from app.importing.reader import WorkbookReader
from app.importing.safety import UnusableFile
from app.services import audit
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, UserError, ValidationFailed
from app.settings import get_settings

LINKED, AMBIGUOUS, UNKNOWN = "linked", "ambiguous", "unknown"
_SPACES = re.compile(r"\s+")


def _key(name: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


# --------------------------------------------------------------------------- entries


def terms(session: Session) -> list[tuple[str, str]]:
    stmt = select(RosterEntry.term, RosterEntry.body).distinct().order_by(RosterEntry.term, RosterEntry.body)
    return [(term, body) for term, body in session.execute(stmt)]


def list_entries(
    session: Session, actor: Actor, *, term: str | None = None, body: str | None = None, q: str = "", limit: int = 500
) -> list[RosterEntry]:
    require_office(actor)
    stmt = select(RosterEntry).order_by(RosterEntry.body, RosterEntry.term, RosterEntry.kind, RosterEntry.id)
    if term:
        stmt = stmt.where(RosterEntry.term == term)
    if body:
        stmt = stmt.where(RosterEntry.body == body)
    if q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            RosterEntry.name.like(like) | RosterEntry.delegation.like(like) | RosterEntry.sector.like(like)
        )
    return list(session.scalars(stmt.limit(limit)))


def get_entry(session: Session, actor: Actor, entry_id: int) -> RosterEntry:
    require_office(actor)
    entry = session.get(RosterEntry, entry_id)
    if entry is None:
        raise NotFound(_("No such roster entry."))
    return entry


EDITABLE = ("term", "body", "kind", "name", "delegation", "sector", "party", "phone", "email")


def _snapshot(entry: RosterEntry) -> dict[str, str]:
    return {k: getattr(entry, k) for k in EDITABLE} | {"active": entry.active}


def save_entry(
    session: Session,
    actor: Actor,
    entry_id: int | None,
    values: dict[str, str],
    *,
    active: bool = True,
    expected_version: int | None = None,
) -> RosterEntry:
    """Create (entry_id None) or edit an entry; problems name the field, nothing changes on error."""
    require_office(actor)
    clean = {k: (values.get(k) or "").strip() for k in EDITABLE}
    problems: list[Problem] = []
    if not clean["name"]:
        problems.append(Problem("name", _("required")))
    if not clean["term"]:
        problems.append(Problem("term", _("required")))
    if clean["body"] not in {b.value for b in Body}:
        problems.append(Problem("body", _("choose NPC or CPPCC")))
    if clean["kind"] not in {k.value for k in SubmitterType}:
        problems.append(Problem("kind", _("choose a submitter type")))
    for name in EDITABLE:
        if len(clean[name]) > 100:
            problems.append(Problem(name, _("too long")))
    if problems:
        raise ValidationFailed(_("Please correct the marked fields."), problems)
    entry = session.get(RosterEntry, entry_id) if entry_id else RosterEntry()
    if entry is None:
        raise NotFound(_("No such roster entry."))
    if entry_id and expected_version is not None and entry.version != expected_version:
        raise Conflict(_("Someone else changed this record in the meantime. Reload the page and try again."))
    clash = session.scalar(
        select(RosterEntry.id).where(
            RosterEntry.term == clean["term"],
            RosterEntry.body == clean["body"],
            RosterEntry.name == clean["name"],
            RosterEntry.delegation == clean["delegation"],
            RosterEntry.sector == clean["sector"],
            RosterEntry.id != (entry_id or 0),
        )
    )
    if clash:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            [Problem("name", _("this name is already in the roster with the same delegation or sector"))],
        )
    before = _snapshot(entry) if entry_id else None
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.active = active
    if not entry_id:
        session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        entity="roster_entry",
        entity_id=entry.id,
        action="edit" if entry_id else "create",
        before=before,
        after=_snapshot(entry),
    )
    return entry


# --------------------------------------------------------------------------- import


@dataclass
class RosterPreview:
    term: str
    body: Body
    file_name: str
    parse: RosterParse
    new: list[RosterRow] = field(default_factory=list)
    changed: list[tuple[RosterRow, list[str]]] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.parse.ok

    @property
    def errors(self) -> list[CellProblem]:
        return [p for p in self.parse.problems if not p.is_note]


class RosterImportHasErrors(ValidationFailed):
    def __init__(self, preview: RosterPreview) -> None:
        errors = preview.errors
        super().__init__(
            _("The roster has %(n)s problem(s); nothing was imported.", n=len(errors)),
            [Problem(p.place(), p.reason(gettext), p.value) for p in errors],
        )
        self.preview = preview


def _read(path: Path, body: Body, file_name: str) -> RosterParse:
    try:
        with WorkbookReader(path) as reader:
            return parse_roster(reader.sheets(), body)
    except UnusableFile as exc:
        raise UserError(_("%(file)s cannot be read as an Excel workbook (.xlsx).", file=file_name)) from exc


def preview_roster(
    session: Session, actor: Actor, path: Path, *, term: str, body: str, file_name: str
) -> RosterPreview:
    require_office(actor)
    term = term.strip()
    problems = []
    if not term:
        problems.append(Problem("term", _("required")))
    if body not in {b.value for b in Body}:
        problems.append(Problem("body", _("choose NPC or CPPCC")))
    if problems:
        raise ValidationFailed(_("Please correct the marked fields."), problems)
    parsed = _read(path, Body(body), file_name)
    preview = RosterPreview(term, Body(body), file_name, parsed)
    existing = {
        (e.name, e.delegation, e.sector): e
        for e in session.scalars(select(RosterEntry).where(RosterEntry.term == term, RosterEntry.body == body))
    }
    for row in parsed.rows:
        entry = existing.get(row.key)
        if entry is None:
            preview.new.append(row)
            continue
        fields = [k for k, v in row.values().items() if getattr(entry, k) != v]
        (preview.changed.append((row, fields)) if fields else preview.unchanged.append(row))
    return preview


def commit_roster(session: Session, actor: Actor, path: Path, *, term: str, body: str, file_name: str) -> RosterPreview:
    """All or nothing: any problem in any cell and nothing is written."""
    preview = preview_roster(session, actor, path, term=term, body=body, file_name=file_name)
    if not preview.ok:
        raise RosterImportHasErrors(preview)
    existing = {
        (e.name, e.delegation, e.sector): e
        for e in session.scalars(select(RosterEntry).where(RosterEntry.term == term, RosterEntry.body == body))
    }
    for row in preview.new:
        session.add(
            RosterEntry(
                term=preview.term,
                body=preview.body.value,
                name=row.name,
                delegation=row.delegation,
                sector=row.sector,
                **row.values(),
            )
        )
    for row, fields in preview.changed:
        entry = existing[row.key]
        for name in fields:
            setattr(entry, name, row.values()[name])
    session.flush()
    audit.record(
        session,
        actor,
        entity="roster",
        entity_id=None,
        action="import",
        after={
            "file_name": file_name,
            "term": preview.term,
            "body": preview.body.value,
            "new": len(preview.new),
            "changed": len(preview.changed),
            "unchanged": len(preview.unchanged),
        },
    )
    return preview


def write_roster_errors(preview: RosterPreview, source: Path, destination: Path) -> Path:
    with locale_scope("zh_CN"):
        return write_error_copy(source, destination, preview.parse.problems, preview.parse.header_rows, gettext)


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _pending_root() -> Path:
    return get_settings().data_dir / "roster" / "pending"


def save_upload(actor: Actor, data: bytes, *, file_name: str, term: str, body: str) -> str:
    require_office(actor)
    if len(data) > get_settings().max_upload_mb * 1024 * 1024:
        raise UserError(_("The file is too large."))
    token = secrets.token_urlsafe(18)
    directory = _pending_root() / token
    directory.mkdir(parents=True)
    (directory / "upload.xlsx").write_bytes(data)
    meta = {"file_name": Path(file_name).name or "roster.xlsx", "term": term, "body": body, "user_id": actor.user_id}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def load_upload(actor: Actor, token: str) -> tuple[Path, dict[str, Any]]:
    require_office(actor)
    directory = _pending_root() / token
    if not _TOKEN.match(token) or not (directory / "meta.json").is_file():
        raise NotFound(_("This upload is no longer available; upload the workbook again."))
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    if meta["user_id"] != actor.user_id:
        raise NotFound(_("This upload is no longer available; upload the workbook again."))
    return directory / "upload.xlsx", meta


def discard_upload(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


# --------------------------------------------------------------------------- linking


@dataclass
class LinkReport:
    items: int = 0
    linked: int = 0
    ambiguous: int = 0
    unknown: int = 0
    kept: int = 0  # office resolutions left as they were


class _Matcher:
    """Roster entries of one body, indexed by name; the term narrows by the session label."""

    def __init__(self, entries: Iterable[RosterEntry]) -> None:
        self.by_name: dict[tuple[str, str], list[RosterEntry]] = defaultdict(list)
        self.terms: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            if e.active:
                self.by_name[(e.body, _key(e.name))].append(e)
                self.terms[e.body].add(e.term)

    def candidates(self, body: str, name: str, session_label: str, collective: bool) -> list[RosterEntry]:
        found = self.by_name.get((body, _key(name)), [])
        in_term = [e for e in found if session_label.startswith(e.term) or e.term in session_label]
        found = in_term or found
        return [e for e in found if (e.kind != SubmitterType.INDIVIDUAL.value) == collective] or found

    def match(self, item: Item, body: str, label: str, position: int, name: str) -> tuple[str, int | None, str]:
        collective = position == 0 and item.submitter_type != SubmitterType.INDIVIDUAL.value
        found = self.candidates(body, name, label, collective)
        if len(found) > 1:
            group = (item.delegation if body == Body.NPC.value else item.sector) or ""
            narrowed = [e for e in found if group and group in (e.delegation, e.sector)]
            if len(narrowed) == 1:
                found = narrowed
        if len(found) == 1:
            return LINKED, found[0].id, ""
        if not found:
            return UNKNOWN, None, ""
        return AMBIGUOUS, None, ",".join(str(e.id) for e in found[:20])


def _submitters(item: Item) -> list[str]:
    return [item.lead_submitter, *[c.name for c in item.co_signers]]


def link_items(session: Session, actor: Actor, item_ids: Iterable[int] | None = None) -> LinkReport:
    """Match the submitters of the given items (all items when None) against the roster.

    Office resolutions stay; automatic links are recomputed. Skips a body that has no roster yet.
    """
    entries = list(session.scalars(select(RosterEntry)))
    report = LinkReport()
    if not entries:
        return report
    matcher = _Matcher(entries)
    bodies = set(matcher.terms)
    stmt = (
        select(Item, CongressSession.label)
        .join(CongressSession, Item.session_id == CongressSession.id)
        .options(selectinload(Item.co_signers))
    )
    ids = None if item_ids is None else list(item_ids)
    if ids is not None:
        if not ids:
            return report
        stmt = stmt.where(Item.id.in_(ids))
    rows = []
    touched: list[int] = []
    selected = [(item, label) for item, label in session.execute(stmt)]
    by_item: dict[int, dict[int, SubmitterLink]] = defaultdict(dict)
    wanted = [item.id for item, _label in selected]
    for start in range(0, len(wanted), 500):  # existing links in bulk, not one query per item
        for link in session.scalars(
            select(SubmitterLink).where(SubmitterLink.item_id.in_(wanted[start : start + 500]))
        ):
            by_item[link.item_id][link.position] = link
    for item, label in selected:
        body = BODY_OF_KIND[ItemKind(item.kind)].value
        if body not in bodies:
            continue
        existing = by_item.get(item.id, {})
        report.items += 1
        touched.append(item.id)
        for position, name in enumerate(_submitters(item)):
            old = existing.pop(position, None)
            if old is not None and old.by == "office" and old.name == name:
                report.kept += 1
                continue
            status, entry_id, candidates = matcher.match(item, body, label, position, name)
            setattr(report, status, getattr(report, status) + 1)
            if old is not None:
                old.name, old.status, old.roster_entry_id, old.candidates, old.by = (
                    name,
                    status,
                    entry_id,
                    candidates,
                    "auto",
                )
            else:
                rows.append(
                    {
                        "item_id": item.id,
                        "position": position,
                        "name": name[:200],
                        "roster_entry_id": entry_id,
                        "status": status,
                        "candidates": candidates,
                        "by": "auto",
                    }
                )
        for stale in existing.values():  # a co-signer removed from the item
            session.delete(stale)
    if rows:
        session.execute(insert(SubmitterLink), rows)
    session.flush()
    if report.items:
        audit.record(
            session,
            actor,
            entity="roster",
            entity_id=None,
            action="link_submitters",
            after={
                "items": report.items,
                "linked": report.linked,
                "ambiguous": report.ambiguous,
                "unknown": report.unknown,
                "kept": report.kept,
                "item_ids": touched[:200],
            },
        )
    return report


def unresolved_links(
    session: Session, actor: Actor, limit: int = 300
) -> list[tuple[SubmitterLink, Item, list[RosterEntry]]]:
    require_office(actor)
    links = session.execute(
        select(SubmitterLink, Item)
        .join(Item, Item.id == SubmitterLink.item_id)
        .where(SubmitterLink.status.in_([AMBIGUOUS, UNKNOWN]))
        .order_by(SubmitterLink.status, Item.id, SubmitterLink.position)
        .limit(limit)
    ).all()
    wanted = {int(i) for link, _item in links for i in link.candidates.split(",") if i}
    entries = (
        {e.id: e for e in session.scalars(select(RosterEntry).where(RosterEntry.id.in_(wanted)))} if wanted else {}
    )
    return [
        (link, item, [entries[int(i)] for i in link.candidates.split(",") if i and int(i) in entries])
        for link, item in links
    ]


def count_unresolved(session: Session) -> int:
    return (
        session.scalar(select(func.count(SubmitterLink.id)).where(SubmitterLink.status.in_([AMBIGUOUS, UNKNOWN]))) or 0
    )


def resolve_link(session: Session, actor: Actor, link_id: int, roster_entry_id: int | None) -> SubmitterLink:
    """The office links a submitter to an entry by hand (or marks it as not in the roster: None)."""
    require_office(actor)
    link = session.get(SubmitterLink, link_id)
    if link is None:
        raise NotFound(_("No such submitter link."))
    before = {"status": link.status, "roster_entry_id": link.roster_entry_id, "by": link.by}
    if roster_entry_id is not None:
        entry = session.get(RosterEntry, roster_entry_id)
        if entry is None:
            raise ValidationFailed(
                _("Please correct the marked fields."), [Problem("roster_entry_id", _("unknown roster entry"))]
            )
        link.status, link.roster_entry_id = LINKED, entry.id
    else:
        link.status, link.roster_entry_id = UNKNOWN, None
    link.by = "office"
    session.flush()
    audit.record(
        session,
        actor,
        entity="item",
        entity_id=link.item_id,
        action="link_submitter",
        before=before,
        after={
            "position": link.position,
            "name": link.name,
            "status": link.status,
            "roster_entry_id": link.roster_entry_id,
            "by": "office",
        },
    )
    return link


def links_of_item(session: Session, item_id: int) -> list[SubmitterLink]:
    return list(
        session.scalars(select(SubmitterLink).where(SubmitterLink.item_id == item_id).order_by(SubmitterLink.position))
    )


def remove_links_of(session: Session, item_id: int) -> None:
    session.execute(delete(SubmitterLink).where(SubmitterLink.item_id == item_id))


# --------------------------------------------------------------------------- statistics


@dataclass
class DeputyStats:
    entry: RosterEntry
    as_lead: int = 0
    as_co: int = 0
    replies: int = 0
    feedback: dict[str, int] = field(default_factory=dict)  # level -> count (final round ratings given)


def deputy_statistics(
    session: Session, actor: Actor, *, term: str | None = None, body: str | None = None
) -> list[DeputyStats]:
    """Per roster entry: items as lead / co-signer, sent replies on those items, feedback given (as lead)."""
    require_office(actor)
    entries = list_entries(session, actor, term=term, body=body, limit=100_000)
    stats = {e.id: DeputyStats(e) for e in entries}
    if not stats:
        return []
    links = session.execute(
        select(SubmitterLink.roster_entry_id, SubmitterLink.position, SubmitterLink.item_id).where(
            SubmitterLink.status == LINKED, SubmitterLink.roster_entry_id.in_(list(stats))
        )
    ).all()
    items_of: dict[int, set[int]] = defaultdict(set)
    lead_items: dict[int, set[int]] = defaultdict(set)
    for entry_id, position, item_id in links:
        if entry_id is None:
            continue
        items_of[entry_id].add(item_id)
        if position == 0:
            stats[entry_id].as_lead += 1
            lead_items[entry_id].add(item_id)
        else:
            stats[entry_id].as_co += 1
    all_items = {i for s in items_of.values() for i in s}
    replies: dict[int, int] = defaultdict(int)
    feedback: dict[int, list[str]] = defaultdict(list)
    if all_items:
        for item_id, n in session.execute(
            select(Reply.item_id, func.count(Reply.id))
            .where(Reply.item_id.in_(all_items), Reply.sent_at.is_not(None))
            .group_by(Reply.item_id)
        ):
            replies[item_id] = n
        for item_id, level in session.execute(
            select(Feedback.item_id, Feedback.level).where(Feedback.item_id.in_(all_items))
        ):
            feedback[item_id].append(level)
    for entry_id, item_ids in items_of.items():
        s = stats[entry_id]
        s.replies = sum(replies[i] for i in item_ids)
        for i in lead_items[entry_id]:
            for level in feedback[i]:
                s.feedback[level] = s.feedback.get(level, 0) + 1
    return sorted(stats.values(), key=lambda s: (-(s.as_lead + s.as_co), s.entry.id))
