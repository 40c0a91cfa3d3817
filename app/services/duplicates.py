"""Near-duplicates at import and their 并案 (merge) suggestions.

Preview: every new or changed row is compared with the stored items (earlier sessions and
batches) and with the other rows of the workbook; pairs the domain's rules call duplicates are
shown. Commit: the same search over the stored index (the batch is indexed by then) stores one
MergeSuggestion per pair, the later item proposed for merging into the earlier one. The office
accepts (the workflow's merge, with its guards) or dismisses with a reason; both audited. Nothing
is merged without that decision.

Candidates: items of the same kind (merge joins only those), not merged or withdrawn (a merged
item's text lives on in its target). Places that decide "two matters": the profile's districts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.db.base import chunks, utcnow
from app.db.models import CongressSession, Item
from app.db.models.similarity import MergeSuggestion
from app.domain import similarity as domain
from app.domain.enums import DepartmentKind, ItemState
from app.domain.importing.records import ImportRecord
from app.domain.lifecycle import GuardContext
from app.domain.profile import Profile
from app.domain.text import N_
from app.i18n import _
from app.services import access, audit, context, similarity, transitions
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, UserError, ValidationFailed
from app.services.errors import Problem as UserProblem

PROPOSED, ACCEPTED, DISMISSED = "proposed", "accepted", "dismissed"
STATUSES = (PROPOSED, ACCEPTED, DISMISSED)
MATCHES_PER_ITEM = 5
MAX_REASON = 2000
LOWEST_THRESHOLD = min(domain.SAME_SUBMITTER_THRESHOLD, domain.ONE_MATTER_THRESHOLD)
KIND_LABELS = {
    domain.DuplicateKind.SAME_SUBMITTER.value: N_("Same submitter, similar text"),
    domain.DuplicateKind.ONE_MATTER.value: N_("Several submitters, one matter"),
}
STATUS_LABELS = {PROPOSED: N_("Suggested"), ACCEPTED: N_("Merged"), DISMISSED: N_("Dismissed")}


@dataclass(frozen=True)
class Match:
    """The other side of a near-duplicate pair."""

    score: float
    shared_terms: tuple[str, ...]
    kind: domain.DuplicateKind
    number: str
    session_label: str
    title: str
    item_id: int | None = None  # None: another row of the same workbook
    row: str | None = None  # that row, as "sheet row"

    @property
    def kind_label(self) -> str:  # a msgid
        return KIND_LABELS[self.kind.value]

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "number": self.number,
            "session": self.session_label,
            "title": self.title,
            "row": self.row,
            "score": self.score,
            "shared_terms": list(self.shared_terms),
            "kind": self.kind.value,
        }


@dataclass(frozen=True)
class FlaggedRow:
    number: str
    title: str
    sheet: str
    row: int
    matches: tuple[Match, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "sheet": self.sheet,
            "row": self.row,
            "matches": [m.as_dict() for m in self.matches],
        }


def known_places(profile: Profile) -> tuple[str, ...]:
    """District names as texts write them (朝阳区 → 朝阳, 浦东新区 → 浦东)."""
    names = []
    for department in profile.departments:
        if department.kind != DepartmentKind.DISTRICT:
            continue
        name = department.short_name
        for suffix in ("新区", "区", "县"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                name = name[: -len(suffix)]
                break
        names.append(name)
    return tuple(dict.fromkeys(names))


def candidates_of_kind(kind: str) -> Select[Any]:
    return select(Item.id).where(
        Item.kind == kind, Item.state.not_in([ItemState.MERGED.value, ItemState.WITHDRAWN.value])
    )


@dataclass(frozen=True)
class _Text:
    title: str
    content: str
    submitter: str
    places: frozenset[str]
    title_vector: dict[str, int]


def _text(title: str, content: str, submitter: str, places: Sequence[str]) -> _Text:
    return _Text(
        title,
        content or "",
        submitter,
        domain.places_in(f"{title}{content or ''}", places),
        domain.document_vector(title, ""),
    )


class _Judge:
    """The domain's duplicate rules for pairs of texts, with IDF from the stored index."""

    def __init__(self, session: Session, texts: Iterable[_Text]) -> None:
        documents, frequencies = similarity.frequencies_of(session, {t for x in texts for t in x.title_vector})
        self.idfs = {t: domain.idf(count, documents) for t, count in frequencies.items()}
        self.unseen = domain.idf(0, documents)

    def kind(self, first: _Text, second: _Text, score: float) -> domain.DuplicateKind | None:
        idfs = {t: self.idfs.get(t, self.unseen) for t in first.title_vector.keys() | second.title_vector.keys()}
        squared = {t: value * value for t, value in idfs.items()}
        title_score = domain.quick_score(
            first.title_vector,
            second.title_vector,
            squared,
            domain.norm(first.title_vector, idfs),
            domain.norm(second.title_vector, idfs),
        )
        return domain.duplicate_kind(
            score,
            by_same_submitter=domain.same_submitter(first.submitter, second.submitter),
            both_have_content=bool(first.content.strip()) and bool(second.content.strip()),
            conflicting_places=domain.places_conflict(first.places, second.places),
            title_score=title_score,
        )


def _stored_facts(session: Session, item_ids: Iterable[int]) -> dict[int, tuple[_Text, str, str]]:
    """(text, number, session label) of stored items."""
    ids = sorted(set(item_ids))
    places = known_places(context.current().profile)
    found: dict[int, tuple[_Text, str, str]] = {}
    for part in chunks(ids):
        rows = session.execute(
            select(Item.id, Item.title, Item.content, Item.lead_submitter, Item.number, CongressSession.label)
            .join(CongressSession, CongressSession.id == Item.session_id)
            .where(Item.id.in_(part))
        ).all()
        for item_id, title, content, submitter, number, label in rows:
            found[item_id] = (_text(title, content, submitter, places), number, label)
    return found


# --- preview -----------------------------------------------------------------------------------


def flag_records(
    session: Session, records: Sequence[ImportRecord], stored_ids: Mapping[str, int], session_label: str
) -> list[FlaggedRow]:
    """Rows of a workbook that look like duplicates of stored items or of earlier rows.
    stored_ids: number → id of the rows' own stored items (an item is not its own duplicate)."""
    if not records:
        return []
    places = known_places(context.current().profile)
    texts = [_text(r.title, r.content, r.lead_submitter, places) for r in records]
    matches: list[list[Match]] = [[] for _ in records]
    vectors = {i: domain.document_vector(t.title, t.content) for i, t in enumerate(texts)}
    exclude = {i: {stored_ids[r.number]} for i, r in enumerate(records) if r.number in stored_ids}
    found_stored: dict[int, list[similarity.SimilarItem]] = {}
    for item_kind in sorted({r.kind.value for r in records}):
        of_kind = {i: v for i, v in vectors.items() if records[i].kind.value == item_kind}
        found_stored.update(
            similarity.bulk_search(
                session,
                of_kind,
                limit=MATCHES_PER_ITEM,
                candidate_ids=candidates_of_kind(item_kind),
                exclude=exclude,
                min_score=LOWEST_THRESHOLD,
                prefer={i: set(texts[i].title_vector) for i in of_kind},
            )
        )
    facts = _stored_facts(session, (s.item_id for found in found_stored.values() for s in found))
    judge = _Judge(session, [*texts, *(f[0] for f in facts.values())])
    for index, found in found_stored.items():
        for similar in found:
            other, number, label = facts[similar.item_id]
            kind = judge.kind(texts[index], other, similar.score)
            if kind is not None:
                matches[index].append(
                    Match(
                        similar.score, similar.shared_terms, kind, number, label, other.title, item_id=similar.item_id
                    )
                )
    _flag_within(session, records, texts, vectors, matches, session_label, judge)
    flagged = []
    for record, found_matches in zip(records, matches, strict=True):
        if found_matches:
            ordered = sorted(found_matches, key=lambda m: -m.score)[:MATCHES_PER_ITEM]
            flagged.append(FlaggedRow(record.number, record.title, record.sheet, record.row, tuple(ordered)))
    return flagged


def _flag_within(
    session: Session,
    records: Sequence[ImportRecord],
    texts: Sequence[_Text],
    vectors: dict[int, dict[str, int]],
    matches: list[list[Match]],
    session_label: str,
    judge: _Judge,
) -> None:
    """Pairs of rows of the workbook; the later row gets the match (like a suggestion at commit).
    vectors: the rows' document vectors by index, as flag_records computed them."""
    batch = domain.TextIndex(vectors)
    batch_frequencies = batch.frequencies()
    stored_count, stored_frequencies = similarity.frequencies_of(session, batch_frequencies)
    documents = stored_count + len(records)
    idfs = {
        term: domain.idf(stored_frequencies.get(term, 0) + count, documents)
        for term, count in batch_frequencies.items()
    }
    for index in vectors:
        for other, scored in batch.search(index, idfs, min_score=LOWEST_THRESHOLD, limit=MATCHES_PER_ITEM):
            if other >= index or records[other].kind != records[index].kind:
                continue
            kind = judge.kind(texts[index], texts[other], scored.score)
            if kind is not None:
                earlier = records[other]
                matches[index].append(
                    Match(
                        scored.score,
                        scored.shared_terms,
                        kind,
                        earlier.number,
                        session_label,
                        earlier.title,
                        row=f"{earlier.sheet} {earlier.row}",
                    )
                )


# --- commit: stored suggestions ----------------------------------------------------------------


def duplicates_of_items(
    session: Session, item_ids: Iterable[int]
) -> dict[int, list[tuple[similarity.SimilarItem, domain.DuplicateKind]]]:
    """For each stored item, the stored items the duplicate rules pair it with (best first)."""
    ids = sorted(set(item_ids))
    kinds: dict[int, str] = {}
    for part in chunks(ids):
        kinds.update(session.execute(select(Item.id, Item.kind).where(Item.id.in_(part))).all())
    vectors = similarity.stored_vectors(session, kinds)
    facts = _stored_facts(session, kinds)
    titles = {i: set(text.title_vector) for i, (text, _n, _l) in facts.items()}
    found: dict[int, list[similarity.SimilarItem]] = {}
    for item_kind in sorted(set(kinds.values())):
        of_kind = {i: vectors[i] for i, k in kinds.items() if k == item_kind and i in vectors}
        found.update(
            similarity.bulk_search(
                session,
                of_kind,
                limit=MATCHES_PER_ITEM,
                candidate_ids=candidates_of_kind(item_kind),
                exclude={i: {i} for i in of_kind},
                min_score=LOWEST_THRESHOLD,
                prefer={i: titles.get(i, set()) for i in of_kind},
                known_vectors=vectors,
            )
        )
    facts.update(_stored_facts(session, {s.item_id for hits in found.values() for s in hits} - facts.keys()))
    judge = _Judge(session, (f[0] for f in facts.values()))
    paired: dict[int, list[tuple[similarity.SimilarItem, domain.DuplicateKind]]] = {}
    for item_id, hits in found.items():
        for similar in hits:
            kind = judge.kind(facts[item_id][0], facts[similar.item_id][0], similar.score)
            if kind is not None:
                paired.setdefault(item_id, []).append((similar, kind))
    return paired


def propose_for_items(
    session: Session,
    actor: Actor,
    item_ids: Sequence[int],
    batch_id: int | None = None,
    *,
    batch_item_ids: Sequence[int] | None = None,
) -> int:
    """Store 并案 suggestions for these (just imported) items; returns how many were new. One per
    item at most: the later item of its best pair, proposed for merging into the earlier one.
    `batch_item_ids`: the whole batch when these items are one part of it (which side is "later")."""
    batch = set(batch_item_ids if batch_item_ids is not None else item_ids)
    best: dict[int, tuple[int, similarity.SimilarItem, domain.DuplicateKind]] = {}
    for item_id, hits in duplicates_of_items(session, item_ids).items():
        for similar, kind in hits:
            # the batch's item merges into the one stored before it; two of the batch: the later row
            if similar.item_id in batch:
                later, earlier = max(item_id, similar.item_id), min(item_id, similar.item_id)
            else:
                later, earlier = item_id, similar.item_id
            rank = (-similar.score, kind != domain.DuplicateKind.SAME_SUBMITTER, earlier)
            known = best.get(later)
            if known is None or rank < (-known[1].score, known[2] != domain.DuplicateKind.SAME_SUBMITTER, known[0]):
                best[later] = (earlier, similar, kind)
    if not best:
        return 0
    involved = sorted({i for later, (earlier, _s, _k) in best.items() for i in (later, earlier)})
    existing: set[tuple[int, int]] = set()
    for chunk in chunks(involved):
        existing.update(
            session.execute(
                select(MergeSuggestion.item_id, MergeSuggestion.other_item_id).where(
                    or_(MergeSuggestion.item_id.in_(chunk), MergeSuggestion.other_item_id.in_(chunk))
                )
            ).all()
        )
    made = []
    for later, (earlier, similar, kind) in sorted(best.items()):
        if (later, earlier) in existing or (earlier, later) in existing:
            continue
        made.append(
            MergeSuggestion(
                item_id=later,
                other_item_id=earlier,
                score_permille=round(similar.score * 1000),
                shared_terms=list(similar.shared_terms),
                kind=kind.value,
                status=PROPOSED,
                batch_id=batch_id,
            )
        )
    session.add_all(made)
    session.flush()
    audit.record_many(
        session,
        actor,
        (audit.Change("merge_suggestion", row.id, "propose", after=_audit_values(row)) for row in made),
    )
    return len(made)


def _audit_values(suggestion: MergeSuggestion) -> dict[str, Any]:
    return {
        "item_id": suggestion.item_id,
        "other_item_id": suggestion.other_item_id,
        "score": suggestion.score_permille / 1000,
        "kind": suggestion.kind,
        "status": suggestion.status,
        "shared_terms": suggestion.shared_terms,
        "batch_id": suggestion.batch_id,
    }


# --- reading and deciding ----------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    suggestion: MergeSuggestion
    item: Item  # the one proposed for merging
    other: Item  # the one it would be merged into
    merge_refusal: str | None  # why the workflow would refuse the merge now (None: it may)

    @property
    def score(self) -> float:
        return self.suggestion.score_permille / 1000

    @property
    def kind_label(self) -> str:  # a msgid
        return KIND_LABELS[self.suggestion.kind]

    @property
    def status_label(self) -> str:  # a msgid
        return STATUS_LABELS[self.suggestion.status]


def suggestions_for_item(
    session: Session, actor: Actor, item_id: int, today: date | None = None
) -> list[SuggestionView]:
    """Suggestions naming the item on either side (the office only: merging is the office's decision)."""
    access.require_office(actor)
    rows = session.scalars(
        select(MergeSuggestion)
        .where(or_(MergeSuggestion.item_id == item_id, MergeSuggestion.other_item_id == item_id))
        .order_by(MergeSuggestion.status != PROPOSED, MergeSuggestion.score_permille.desc(), MergeSuggestion.id)
    ).all()
    return [_view(session, actor, row, today) for row in rows]


def view_of(session: Session, actor: Actor, suggestion_id: int, today: date | None = None) -> SuggestionView:
    return _view(session, actor, get_suggestion(session, actor, suggestion_id), today)


def _view(session: Session, actor: Actor, row: MergeSuggestion, today: date | None) -> SuggestionView:
    refusal = merge_refusal(session, actor, row, today) if row.status == PROPOSED else None
    return SuggestionView(row, row.item, row.other_item, refusal)


def merge_refusal(session: Session, actor: Actor, row: MergeSuggestion, today: date | None = None) -> str | None:
    """Why the merge of row.item into row.other_item would be refused now, in the user's language."""
    from app.clock import office_today
    from app.services.workflow import facts

    day = today or office_today()
    item_facts = facts.item_facts(session, row.item, context.current().profile, day, row.other_item)
    try:
        transitions.check(
            actor, row.item, "merge", context=GuardContext({**item_facts.facts, "by_system": actor.is_system})
        )
    except UserError as refused:
        return refused.message
    return None


def get_suggestion(session: Session, actor: Actor, suggestion_id: int) -> MergeSuggestion:
    access.require_office(actor)
    row = session.get(MergeSuggestion, suggestion_id)
    if row is None:
        raise NotFound(_("There is no merge suggestion %(id)s.", id=suggestion_id))
    return row


def _open(session: Session, actor: Actor, suggestion_id: int, expected_version: int | None) -> MergeSuggestion:
    row = get_suggestion(session, actor, suggestion_id)
    if expected_version is not None and row.version != expected_version:
        raise Conflict(_("Someone else decided this suggestion first; reload the page."))
    if row.status != PROPOSED:
        raise Conflict(
            _("This merge suggestion was already decided (%(status)s).", status=_(STATUS_LABELS[row.status]))
        )
    return row


def _checked_reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationFailed(
            _("Please give a reason."), [UserProblem("field reason", _("A reason is required to dismiss."))]
        )
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            _("The reason is too long."),
            [UserProblem("field reason", _("At most %(count)s characters.", count=MAX_REASON))],
        )
    return text


def dismiss(
    session: Session, actor: Actor, suggestion_id: int, *, reason: str, expected_version: int | None = None
) -> MergeSuggestion:
    """The office says the pair is not one matter (audited with the reason)."""
    text = _checked_reason(reason, required=True)
    row = _open(session, actor, suggestion_id, expected_version)
    _decide(session, actor, row, DISMISSED, text)
    return row


def accept(
    session: Session,
    actor: Actor,
    suggestion_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> MergeSuggestion:
    """Merge the item into the other one through the workflow (its guards decide), then mark accepted."""
    from app.services.workflow import actions

    text = _checked_reason(reason, required=False)
    row = _open(session, actor, suggestion_id, expected_version)
    score = "%.2f" % (row.score_permille / 1000)
    merge_reason = text or _("Merged as suggested at import (similarity %(score)s).", score=score)
    actions.merge(session, actor, row.item_id, into_item_id=row.other_item_id, reason=merge_reason, today=today)
    _decide(session, actor, row, ACCEPTED, merge_reason)
    return row


def _decide(session: Session, actor: Actor, row: MergeSuggestion, status: str, reason: str) -> None:
    before = {"status": row.status}
    row.status = status
    row.reason = reason
    row.decided_at = utcnow()
    row.decided_by_id = actor.user_id
    row.decided_by_name = actor.username
    session.flush()
    audit.record(
        session,
        actor,
        entity="merge_suggestion",
        entity_id=row.id,
        action="accept" if status == ACCEPTED else "dismiss",
        before=before,
        after={"status": status, "item_id": row.item_id, "other_item_id": row.other_item_id},
        reason=reason,
    )


def open_counts(session: Session, item_ids: Sequence[int]) -> dict[int, int]:
    """Proposed suggestions per item (either side), for list badges."""
    if not item_ids:
        return {}
    counts: dict[int, int] = {}
    for column in (MergeSuggestion.item_id, MergeSuggestion.other_item_id):
        rows = session.execute(
            select(column, func.count())
            .where(MergeSuggestion.status == PROPOSED, column.in_(list(item_ids)))
            .group_by(column)
        ).all()
        for item_id, count in rows:
            counts[item_id] = counts.get(item_id, 0) + count
    return counts
