"""Realistic titles with their expected lead department, and the accuracy of a rule pack on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.enums import ItemKind
from app.domain.routing.decision import Decision, RoutableItem
from app.domain.routing.router import Router
from app.engines.routing import RoutingEngine
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Case:
    expected: str
    title: str
    co: tuple[str, ...] = ()  # expected co-handlers (held-out sets only; empty = not scored)

    @property
    def item(self) -> RoutableItem:
        kind = ItemKind.CPPCC_PROPOSAL if self.title.endswith("提案") else ItemKind.NPC_SUGGESTION
        return RoutableItem(title=self.title, kind=kind)


def cases(dataset: str) -> list[Case]:
    rows = (DATA / f"{dataset}.tsv").read_text(encoding="utf-8").splitlines()
    return [_case(line) for line in rows if line.strip() and not line.startswith("#")]


def _case(line: str) -> Case:
    """`lead<TAB>title`, or `lead<TAB>title<TAB>co1,co2` (held-out sets)."""
    expected, title, *rest = line.split("\t")
    co = tuple(c for c in (rest[0] if rest else "").split(",") if c)
    return Case(expected, title, co)


@dataclass
class Score:
    total: int
    correct: int
    unmatched: int
    misses: list[tuple[Case, Decision]]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def unmatched_rate(self) -> float:
        return self.unmatched / self.total


def evaluate(profile_name: str, dataset: str | None = None) -> Score:
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    score = Score(0, 0, 0, [])
    with Router(ruleset, profile, RoutingEngine) as router:
        for case in cases(dataset or f"{profile_name}_titles"):
            decision = router.route(case.item)
            score.total += 1
            if decision.status == "manual":
                score.unmatched += 1
            if case.expected in decision.handling:
                score.correct += 1
            else:
                score.misses.append((case, decision))
    return score


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or ["beijing", "shanghai"]:
        profile_name, _, dataset = name.partition(":")
        result = evaluate(profile_name, dataset or None)
        print(
            f"{name}: {result.correct}/{result.total} correct ({result.accuracy:.1%}), unmatched {result.unmatched_rate:.1%}"
        )
        for case, decision in result.misses:
            print(f"  want {case.expected:8} got {str(decision.handling):30} by {decision.winner}  | {case.title}")
