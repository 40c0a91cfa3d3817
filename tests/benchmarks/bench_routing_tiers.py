"""Routing quality per rule tier: lead accuracy, unmatched rate and how many leads each tier decides,
for the rules of a git revision (before) and of the work tree (after), on the evaluation sets.

Run: .venv/bin/python -m tests.benchmarks.bench_routing_tiers [--before main]
Sets: "existing" = every tests/routing/data/<profile>_*.tsv but the held-out one; "held-out" =
<profile>_titles_places_heldout.tsv (written before the rules were looked at, never tuned on; its
third column gives expected co-handlers, scored as "co ok" where given).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from app import PROJECT_ROOT
from app.domain.routing.decision import Decision
from app.domain.routing.place_tier import is_place_rule
from app.domain.routing.router import Router
from app.engines.routing import RoutingEngine
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules
from tests.routing import evaluation

HELD_OUT = "titles_places_heldout"


def tier(decision: Decision) -> str:
    """The tier of the rule that decided the lead."""
    if decision.status == "manual":
        return "manual queue"
    winner = next(m for m in decision.matches if m.rule.name == decision.winner)
    if is_place_rule(winner.rule.name):
        local = any(r.test == "place_tier" and r.values[:1] == ("local",) for r in winner.reasons)
        return "places: local matter" if local else "places: district, no topic"
    priority = winner.rule.priority
    if priority < 100:
        return "18-60 single characters"
    if priority == 100:
        return "100 category"
    return f"{priority // 100 * 100} rules"


def rules_of(revision: str, directory: Path) -> Path:
    """The profile directories of rules/ at a git revision, written to a temporary directory."""
    for profile in ("beijing", "shanghai"):
        (directory / profile).mkdir(parents=True)
        for name in ("routing.toml", "places.toml"):
            shown = subprocess.run(
                ["git", "show", f"{revision}:rules/{profile}/{name}"], cwd=PROJECT_ROOT, capture_output=True
            )
            if shown.returncode == 0:
                (directory / profile / name).write_bytes(shown.stdout)
    return directory


def score(rules_dir: Path, profile_name: str, datasets: list[str]) -> tuple[int, int, int, int, int, Counter[str]]:
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(rules_dir / profile_name, profile)
    total = correct = unmatched = co_total = co_ok = 0
    tiers: Counter[str] = Counter()
    with Router(ruleset, profile, RoutingEngine) as router:
        for dataset in datasets:
            for case in evaluation.cases(dataset):
                decision = router.route(case.item)
                total += 1
                correct += case.expected in decision.handling
                unmatched += decision.status == "manual"
                tiers[tier(decision)] += 1
                if case.co:
                    co_total += 1
                    co_ok += set(case.co) <= set(decision.co)
    return total, correct, unmatched, co_total, co_ok, tiers


def report(label: str, figures: tuple[int, int, int, int, int, Counter[str]]) -> None:
    total, correct, unmatched, co_total, co_ok, tiers = figures
    co = f", co ok {co_ok}/{co_total} ({co_ok / co_total:.0%})" if co_total else ""
    print(f"  {label:<28} lead {correct}/{total} ({correct / total:.1%}), unmatched {unmatched / total:.1%}{co}")
    for name, count in sorted(tiers.items(), key=lambda item: -item[1]):
        print(f"      {name:<30} {count:>4} leads ({count / total:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="main", help="git revision whose rules/ are 'before'")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        before = rules_of(args.before, Path(temporary))
        for profile_name in ("beijing", "shanghai"):
            names = sorted(p.stem for p in evaluation.DATA.glob(f"{profile_name}_*.tsv"))
            sets = {
                "existing": [n for n in names if not n.endswith(HELD_OUT)],
                "held-out": [n for n in names if n.endswith(HELD_OUT)],
            }
            print(f"\n{profile_name}")
            for set_name, datasets in sets.items():
                report(f"{set_name}, before ({args.before})", score(before, profile_name, datasets))
                report(f"{set_name}, after", score(RULES_DIR, profile_name, datasets))


if __name__ == "__main__":
    main()
