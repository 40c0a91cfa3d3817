"""Lead accuracy with the similar-items evidence for unmatched items, before and after.

Run: python -m tests.benchmarks.bench_similar_routing

On the titles kept for routing tests (tests/routing/data/<profile>_titles*.tsv, every file of a
profile), each title is routed by the shipped rules; an unmatched title gets its lead from the
top suggestion:
- before: the keyword suggestions alone (app.domain.routing.suggestions.suggest_departments);
- after: the same, with the leads of its 5 most similar other titles (IDF-weighted bigram cosine of
  app.domain.similarity, min score 0.1) added as evidence (with_similar_evidence).
Leave-one-out: a title's history and similar items are all the *other* titles with their expected
leads, as if they were last year's items led by those departments.

Three configurations: the shipped packs (almost nothing is unmatched: single-character fallback
rules decide the rest) and the packs without their single-character fallback rules (what issue 15
asks the places work to remove), where the unmatched share and the suggestions matter; and every title treated as unmatched,
which measures the suggestions themselves on all titles (the figure that says whether the evidence
helps). The
baseline of the ratio is "before" measured in the same run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from app.domain import similarity
from app.domain.routing.router import Router
from app.domain.routing.rules import RoutingRuleSet
from app.domain.routing.suggestions import AssignedExample, SimilarLed, suggest_departments, with_similar_evidence
from app.engines.routing import RoutingEngine
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules
from tests.routing.evaluation import DATA, Case, cases

SIMILAR_LIMIT = 5
MIN_SCORE = 0.1


def profile_cases(profile_name: str) -> list[Case]:
    found: list[Case] = []
    for path in sorted(DATA.glob(f"{profile_name}_titles*.tsv")):
        found.extend(cases(path.stem))
    return found


def without_single_character_fallbacks(ruleset: RoutingRuleSet) -> RoutingRuleSet:
    def single(rule) -> bool:
        words = [w for t in rule.when.keywords for w in t.any]
        return rule.fallback and bool(words) and all(len(w) == 1 for w in words)

    kept = tuple(r for r in ruleset.rules if not single(r))
    return replace(ruleset, rules=kept, by_name={r.name: r for r in kept})


@dataclass
class Figures:
    total: int = 0
    unmatched: int = 0
    correct_before: int = 0
    correct_after: int = 0
    unmatched_before: int = 0  # correct among the unmatched
    unmatched_after: int = 0


def measure(
    profile_name: str, ruleset: RoutingRuleSet, all_cases: list[Case], *, all_unmatched: bool = False
) -> Figures:
    profile = load_profile(profile_name)
    vectors = [similarity.document_vector(c.title, "") for c in all_cases]
    frequencies: dict[str, int] = {}
    for vector in vectors:
        for term in vector:
            frequencies[term] = frequencies.get(term, 0) + 1
    idfs = {t: similarity.idf(n, len(vectors)) for t, n in frequencies.items()}
    figures = Figures()
    with Router(ruleset, profile, RoutingEngine) as router:
        for index, case in enumerate(all_cases):
            figures.total += 1
            decision = router.route(case.item)
            if decision.status != "manual" and not all_unmatched:
                hit = case.expected in decision.handling
                figures.correct_before += hit
                figures.correct_after += hit
                continue
            figures.unmatched += 1
            others = [c for i, c in enumerate(all_cases) if i != index]
            history = [AssignedExample(c.title, c.expected) for c in others]
            before = suggest_departments(case.title, "", history)
            scored = [
                (similarity.cosine(vectors[index], vectors[i], idfs).score, c.expected)
                for i, c in enumerate(all_cases)
                if i != index
            ]
            top = sorted((s for s in scored if s[0] >= MIN_SCORE), key=lambda s: -s[0])[:SIMILAR_LIMIT]
            after = with_similar_evidence(before, [SimilarLed(code, score) for score, code in top])
            hit_before = bool(before) and before[0].department == case.expected
            hit_after = bool(after) and after[0].department == case.expected
            figures.correct_before += hit_before
            figures.correct_after += hit_after
            figures.unmatched_before += hit_before
            figures.unmatched_after += hit_after
    return figures


def main() -> None:
    for profile_name in ("beijing", "shanghai"):
        profile = load_profile(profile_name)
        shipped = load_routing_rules(RULES_DIR / profile_name, profile)
        all_cases = profile_cases(profile_name)
        for label, ruleset, all_unmatched in (
            ("shipped rules", shipped, False),
            ("without single-character fallbacks", without_single_character_fallbacks(shipped), False),
            ("every title as if unmatched (suggestions only)", shipped, True),
        ):
            started = time.perf_counter()
            f = measure(profile_name, ruleset, all_cases, all_unmatched=all_unmatched)
            seconds = time.perf_counter() - started
            ratio = f.correct_after / f.correct_before if f.correct_before else float("nan")
            print(
                f"{profile_name}, {label} ({len(ruleset.rules)} rules): {f.total} titles, {f.unmatched} unmatched; "
                f"lead accuracy before {f.correct_before / f.total:.1%}, after {f.correct_after / f.total:.1%} "
                f"(ratio {ratio:.3f}); unmatched right before {f.unmatched_before}/{f.unmatched}, "
                f"after {f.unmatched_after}/{f.unmatched}  [{seconds:.1f} s]"
            )


if __name__ == "__main__":
    main()
