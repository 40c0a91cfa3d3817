"""Quality of the similarity service on tests/similarity/pairs.py, through the services and a database.

The 72 labelled texts are stored among background items — every title of the Beijing routing test
sets (tests/routing/data/beijing_*.tsv, ~840 titles on every topic, without contents), so that
IDF comes from a mix of topics and the search meets distractors on the same topics (停车, 电梯,
托育 ... city-wide or in other places). A background item is never a duplicate and never
relevant. Background items have no content, so pairs with one are judged by the title-only rule
(app.domain.similarity.TITLE_ONLY_THRESHOLD); the labelled pairs test the main rule.

Figures: precision and recall of the duplicate flag (app.services.duplicates' rules, as at
import) over all pairs of a labelled item with any item; precision@5 of similar_items, relevant
= same topic, once over everything (background in the top 5 counts against: a lower bound) and
once with candidate_ids restricted to the labelled items (IDF still from everything).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item
from app.services import duplicates, similarity
from tests.similarity.pairs import Text, texts

DATA = Path(__file__).resolve().parents[1] / "routing" / "data"


def background_titles() -> list[str]:
    titles: list[str] = []
    for path in sorted(DATA.glob("beijing_*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                titles.append(line.split("\t", 1)[1].strip())
    return list(dict.fromkeys(titles))


@dataclass(frozen=True)
class Quality:
    topics: tuple[str, ...]
    flagged: int
    true_flags: int
    positives: int
    precision_at_5: float
    precision_at_5_labelled: float

    @property
    def precision(self) -> float:
        return self.true_flags / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_flags / self.positives if self.positives else 1.0

    def line(self) -> str:
        return (
            f"{len(self.topics)} topics: duplicate flag precision {self.precision:.3f} recall {self.recall:.3f} "
            f"({self.true_flags} of {self.flagged} flags right, {self.positives} duplicate pairs); "
            f"precision@5 {self.precision_at_5:.3f} over all, {self.precision_at_5_labelled:.3f} among labelled"
        )


def store(session: Session) -> dict[int, Text]:
    """Labelled texts and background titles as items, indexed; returns the labelled ones by item id."""
    congress = CongressSession(body="npc", label="评测", year=2026)
    session.add(congress)
    session.flush()
    labelled = texts()
    base = {"kind": "npc_suggestion", "session_id": congress.id, "version": 1}
    rows = [
        {**base, "number": f"L{n:03d}", "title": t.title, "content": t.content, "lead_submitter": t.submitter}
        for n, t in enumerate(labelled)
    ] + [
        {**base, "number": f"B{n:04d}", "title": title, "content": "", "lead_submitter": f"背景{n}"}
        for n, title in enumerate(background_titles())
    ]
    session.execute(insert(Item), rows)
    ids = dict(session.execute(select(Item.number, Item.id)).all())
    similarity.index_items(session, ids.values())
    return {ids[f"L{n:03d}"]: t for n, t in enumerate(labelled)}


def _precision_at_5(session: Session, item_id: int, text: Text, labelled: dict[int, Text], **options) -> float:
    top = similarity.similar_items(session, item_id, limit=5, min_score=0.0, **options)
    return sum(1 for f in top if f.item_id in labelled and labelled[f.item_id].topic == text.topic) / 5


def evaluate(session: Session, labelled: dict[int, Text], topics: Iterable[str]) -> Quality:
    wanted = tuple(topics)
    mine = {item_id: text for item_id, text in labelled.items() if text.topic in wanted}
    only_labelled = select(Item.id).where(Item.number.like("L%"))
    flags: set[frozenset[int]] = set()
    for item_id, hits in duplicates.duplicates_of_items(session, mine).items():
        flags.update(frozenset((item_id, similar.item_id)) for similar, _kind in hits)
    true_flags = 0
    for pair in flags:
        first, second = (labelled.get(i) for i in pair)
        true_flags += bool(first and second and (first.topic, first.matter) == (second.topic, second.matter))
    overall = [_precision_at_5(session, i, t, labelled) for i, t in mine.items()]
    among = [_precision_at_5(session, i, t, labelled, candidate_ids=only_labelled) for i, t in mine.items()]
    return Quality(
        wanted, len(flags), true_flags, 3 * 2 * len(wanted), sum(overall) / len(overall), sum(among) / len(among)
    )
