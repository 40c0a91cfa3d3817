"""Routing throughput: durable-rules path vs the plain-Python oracle, and memory over 200,000 items.

Run: .venv/bin/python -m tests.benchmarks.bench_routing [--items 50000] [--memory-items 200000]
Targets (issue 4): >= 10,000 items/s through durable-rules on one core, within 5x of the oracle;
memory flat over 200,000 items (no fact left behind).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time

from app.domain.enums import ItemKind
from app.domain.routing.decision import RoutableItem
from app.domain.routing.place_tier import place_matches
from app.domain.routing.router import Router
from app.engines.routing import RoutingEngine
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules
from tests.routing import evaluation, oracle
from tests.rulesengine import oracle as conditions_oracle

OPENINGS = ["关于", "关于加强", "关于推进", "关于完善", "关于解决", "建议", "关于进一步优化"]
ENDINGS = ["的建议", "的提案", "问题的建议", "工作的提案", ""]
FILLER = ["城市", "群众", "服务", "管理", "建设", "水平", "机制", "体系", "能力", "保障"]


def generated_items(profile_name: str, count: int, seed: int = 4) -> list[RoutableItem]:
    """Title-like items: 1-3 words of the rule pack, filler and a real district or category now and then."""
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    words = sorted({w for r in ruleset.rules for t in r.when.keywords for w in t.words if len(w) > 1})
    categories = [c.code for c in profile.categories]
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        middle = rng.sample(words, rng.randint(1, 3)) + rng.sample(FILLER, rng.randint(0, 2))
        rng.shuffle(middle)
        title = rng.choice(OPENINGS) + "".join(middle) + rng.choice(ENDINGS)
        items.append(
            RoutableItem(
                title=title,
                kind=rng.choice(list(ItemKind)),
                category=rng.choice(categories) if rng.random() < 0.5 else None,
                during_session=rng.random() < 0.7,
            )
        )
    return items


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def timed(label: str, count: int, func) -> float:
    """Items per CPU second of this process (one core), and per wall-clock second.

    The machine is shared, so wall-clock rates understate what one core does; the CPU-time
    rate is the figure compared with the targets."""
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = count / cpu
    print(f"  {label:<52} {rate:>10,.0f} items/s per core  ({count / wall:>8,.0f} items/s wall, {cpu:.2f} s CPU)")
    return rate


def bench_profile(profile_name: str, count: int) -> dict[str, float]:
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    parents = {c.code: c.parent for c in profile.categories}
    items = generated_items(profile_name, count)
    datasets = sorted(path.stem for path in evaluation.DATA.glob(f"{profile_name}_*.tsv"))
    samples = [case.item for dataset in datasets for case in evaluation.cases(dataset)]
    print(f"\n{profile_name}: {len(ruleset.rules)} rules, {count:,} generated items, {len(samples)} sample titles")
    with Router(ruleset, profile, RoutingEngine) as router:
        facts = [router.fact(item) for item in items]
        router.matcher.match_names(facts[0])  # warm up
        results = {
            "engine_only": timed(
                "durable-rules: match precomputed facts", count, lambda: [router.matcher.match_names(f) for f in facts]
            ),
            "durable_full": timed(
                "durable-rules: keywords + match + reasons + decision", count, lambda: [router.route(i) for i in items]
            ),
            "bare_python": timed(
                "plain Python: same compiled conditions, same facts",
                count,
                lambda: [conditions_oracle.matching_names(router.matcher.rules, f) for f in facts],
            ),
            "place_tier": timed(
                "place tier alone: gazetteer scan and place rules",
                count,
                lambda: [place_matches(ruleset.gazetteer, profile, i, ()) for i in items],
            ),
            "oracle": timed(
                "oracle (plain Python, from the rule file)",
                count,
                lambda: [oracle.matching_rules(ruleset, i, parents) for i in items],
            ),
            "samples": timed(
                "durable-rules on the sample titles (full routing)",
                len(samples),
                lambda: [router.route(i) for i in samples],
            ),
        }
        assert router.matcher.stored_fact_count() == 0
    print(
        f"  durable-rules matching vs plain Python on the same facts: {results['engine_only'] / results['bare_python']:.2f}x"
    )
    print(f"  durable full routing vs the oracle: {results['durable_full'] / results['oracle']:.2f}x")
    return results


def bench_memory(profile_name: str, count: int) -> None:
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    batch = generated_items(profile_name, 10_000, seed=7)
    print(f"\nmemory: {count:,} items through durable-rules ({profile_name})")
    with Router(ruleset, profile, RoutingEngine) as router:
        marks = []
        for done in range(0, count, len(batch)):
            for item in batch:
                router.route(item)
            gc.collect()
            marks.append((done + len(batch), rss_mb(), router.matcher.stored_fact_count()))
        for items_done, rss, stored in marks[:: max(1, len(marks) // 5)] + [marks[-1]]:
            print(f"  after {items_done:>8,} items: RSS {rss:7.1f} MB, facts held by durable: {stored}")
        growth = marks[-1][1] - marks[1][1]
        print(f"  RSS growth from {marks[1][0]:,} to {marks[-1][0]:,} items: {growth:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--memory-items", type=int, default=200_000)
    args = parser.parse_args()
    for name in ("beijing", "shanghai"):
        bench_profile(name, args.items)
    bench_memory("beijing", args.memory_items)


if __name__ == "__main__":
    main()
