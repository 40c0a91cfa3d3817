"""`jianti rules suggest`: rules suggested by the office's overrides, with their dry-run effect.

Registered on the `rules` group of app/cli/routing.py (importing this module adds the command);
it changes nothing: the office appends a snippet to the rule file and runs `jianti rules load`.
"""

from __future__ import annotations

import json
from typing import Any

import click

from app.cli.routing import rules_group
from app.db.engine import session_scope
from app.services.actor import Actor
from app.services.routing import rule_suggestions
from app.services.routing.rulesets import current_profile
from app.services.routing.text import department_label

from .util import require_database

low, high = rule_suggestions.MIN_SUPPORT_RANGE


def _as_dict(report: rule_suggestions.SuggestionReport) -> dict[str, Any]:
    def item(row: rule_suggestions.PatternItem) -> dict[str, Any]:
        return {
            "item_id": row.item_id,
            "session": row.session_label,
            "number": row.number,
            "title": row.title,
            "rules_lead": row.rules_lead,
            "office_lead": row.office_lead,
            "reason": row.reason,
        }

    return {
        "rule_set": report.rule_set_hash,
        "decided": report.decided,
        "overrides": report.overrides,
        "suggestions": [
            {
                "from_lead": s.pattern.from_lead,
                "to_lead": s.pattern.to_lead,
                "to_named_district": s.pattern.to_named_district,
                "keyword": s.pattern.keyword,
                "support": len(s.pattern.support),
                "confidence": round(s.pattern.confidence, 3),
                "items": [item(i) for i in s.items],
                "counter_items": [item(i) for i in s.counter_items],
                "snippet": s.snippet,
                "effect": {
                    "compared": s.compared,
                    "changed": len(s.effect),
                    **{v: s.count(v) for v in rule_suggestions.VERDICTS},
                    "items": [
                        {
                            "item_id": e.line.item_id,
                            "session": e.line.session_label,
                            "number": e.line.number,
                            "title": e.line.title,
                            "old_lead": e.line.old.lead,
                            "new_lead": e.line.new.lead,
                            "office_lead": e.office_lead,
                            "verdict": e.verdict,
                        }
                        for e in s.effect
                    ],
                },
            }
            for s in report.suggestions
        ],
    }


@rules_group.command("suggest", help="Suggest routing rules from the office's overrides (changes nothing).")
@click.option(
    "--min-support",
    default=3,
    show_default=True,
    type=click.IntRange(low, high),
    help="overrides a pattern needs",
)
@click.option(
    "--min-confidence",
    default=0.6,
    show_default=True,
    type=click.FloatRange(0.5, 1.0),
    help="share of the matching decided items the office routed as the pattern says",
)
@click.option("--json", "as_json", is_flag=True)
def rules_suggest(min_support: int, min_confidence: float, as_json: bool) -> None:
    require_database()
    profile = current_profile()
    with session_scope() as session:
        report = rule_suggestions.suggest_rules(
            session, Actor.system(), min_support=min_support, min_confidence=min_confidence
        )
    if as_json:
        click.echo(json.dumps(_as_dict(report), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"rule set {report.rule_set_hash[:12]}: {report.overrides} overrides the rules still disagree with, "
        f"among {report.decided} decided items; {len(report.suggestions)} suggestions"
    )
    for number, s in enumerate(report.suggestions, start=1):
        source = department_label(profile, s.pattern.from_lead) if s.pattern.from_lead else "(no rule)"
        target = "the district named" if s.pattern.to_named_district else department_label(profile, s.pattern.to_lead)
        click.echo(
            f"\n#{number} '{s.pattern.keyword}': {source} -> {target}: {len(s.items)} overrides, "
            f"confidence {s.pattern.confidence:.2f}"
        )
        for row in s.items:
            click.echo(f"    {row.session_label} {row.number} {row.title}")
        for row in s.counter_items:
            click.echo(f"    against: {row.session_label} {row.number} {row.title}")
        click.echo(
            f"  rules diff on {s.compared} past items: {len(s.effect)} change; "
            + ", ".join(f"{v} {s.count(v)}" for v in rule_suggestions.VERDICTS)
        )
        for effect in s.effect:
            old = department_label(profile, effect.line.old.lead) if effect.line.old.lead else "-"
            new = department_label(profile, effect.line.new.lead) if effect.line.new.lead else "-"
            click.echo(f"    {effect.verdict}: {effect.line.number} {effect.line.title}: {old} -> {new}")
        click.echo("  snippet (append to the rule file, then `jianti rules load`):")
        click.echo("    " + s.snippet.rstrip("\n").replace("\n", "\n    "))


commands: list[click.Command] = []  # the command lives on the `rules` group
