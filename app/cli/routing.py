"""`jianti rules …` (check, explain, diff, load) and `jianti route`: routing from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.db.engine import session_scope
from app.domain.routing.router import Router
from app.engines.routing import RoutingEngine
from app.services import routing
from app.services.actor import Actor
from app.services.routing.rulesets import current_profile, read_rules
from app.services.routing.text import department_label, departments_label, explanation_lines, summary

from .util import require_database


@click.group("rules", help="Routing rules (rules/<profile>/routing.toml): check, explain, compare, load.")
def rules_group() -> None:
    """Group."""


@rules_group.command(
    "check", help="Validate a routing rule file and the places.toml beside it (DIR: a directory or the routing file)."
)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_check(directory: Path | None) -> None:
    profile = current_profile()
    data, ruleset = read_rules(directory, profile)  # problems name file, rule and problem (exit code 1)
    Router(ruleset, profile, RoutingEngine).close()  # also compiles every rule to durable-rules
    places = ruleset.gazetteer
    gazetteer = (
        f", {places.source}: {len(places.places)} places in {len(places.districts())} districts" if places else ""
    )
    click.echo(f"ok: {ruleset.source}: {len(ruleset.rules)} rules{gazetteer}, content hash {ruleset.content_hash[:12]}")


@rules_group.command("load", help="Make the routing file the active rule-set version (a new version if it changed).")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_load(directory: Path | None) -> None:
    require_database()
    with session_scope() as session:
        result = routing.load_rule_set(session, Actor.system(), directory=directory)
        state = "new version" if result.created else ("activated" if result.activated else "already active")
        click.echo(f"{state}: {result.version.content_hash[:12]} ({result.version.rule_count} rules)")


@rules_group.command("explain", help="Show the matching rules and the decision for a title.")
@click.option("--title", required=True)
@click.option("--content", default="")
@click.option("--category", default=None, help="category name or code")
@click.option("--kind", type=click.Choice(["npc_suggestion", "cppcc_proposal"]), default=None)
@click.option("--json", "as_json", is_flag=True)
def rules_explain(title: str, content: str, category: str | None, kind: str | None, as_json: bool) -> None:
    require_database()
    profile = current_profile()
    with session_scope() as session:
        decision, digest = routing.explain_title(
            session, Actor.system(), title, content=content, category=category, kind=kind
        )
    proposal = decision.as_dict()
    if as_json:
        click.echo(json.dumps({"rule_set": digest, **proposal}, ensure_ascii=False, indent=2))
        return
    click.echo(f"rule set {digest[:12]}")
    for line in explanation_lines(profile, proposal):
        click.echo(line)


@rules_group.command(
    "diff", help="Route past items with the active rules and with NEW_DIR; list every changed proposal."
)
@click.argument("new_directory", type=click.Path(path_type=Path))
@click.option("--session", "label", default=None, help="only the items of this session")
@click.option("--json", "as_json", is_flag=True)
def rules_diff(new_directory: Path, label: str | None, as_json: bool) -> None:
    require_database()
    profile = current_profile()
    with session_scope() as session:
        report = routing.diff_rules(session, Actor.system(), new_directory, label=label)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "old": report.old_hash,
                    "new": report.new_hash,
                    "compared": report.compared,
                    "changed": [
                        {
                            "item_id": c.item_id,
                            "session": c.session_label,
                            "number": c.number,
                            "title": c.title,
                            "old": c.old.as_dict(),
                            "new": c.new.as_dict(),
                        }
                        for c in report.changed
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(
        f"{report.old_hash[:12]} -> {report.new_hash[:12]}: {len(report.changed)} of {report.compared} items change"
    )
    for change in report.changed:
        click.echo(f"{change.session_label} {change.number} {change.title}")
        click.echo(f"    before: {summary(profile, change.old.as_dict())}  ({change.old.winner or '-'})")
        click.echo(f"    after:  {summary(profile, change.new.as_dict())}  ({change.new.winner or '-'})")


@click.command("route", help="Propose departments for the registered items of a session.")
@click.option("--session", "label", required=True, help="session label, e.g. 市十六届人大四次会议")
@click.option("--dry-run", is_flag=True, help="show the proposals without storing them")
@click.option("--json", "as_json", is_flag=True)
def route(label: str, dry_run: bool, as_json: bool) -> None:
    require_database()
    profile = current_profile()
    with session_scope() as session:
        report = routing.route_session(session, Actor.system(), label, dry_run=dry_run)  # a dry run keeps nothing
    if as_json:
        click.echo(
            json.dumps(
                report.as_dict(),
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    for problem in report.refused_file_problems:
        click.echo(f"warning: rule file refused, previous version used: {problem.place}: {problem.reason}", err=True)
    for outcome in report.outcomes:
        decision = outcome.decision
        lead = (
            department_label(profile, decision.lead) if decision.lead else departments_label(profile, decision.handling)
        )
        flag = " !" if decision.conflicts else ""
        click.echo(
            f"{outcome.number}\t{outcome.action}\t{summary(profile, decision.as_dict()) if lead else '—'}{flag}\t{outcome.title}"
        )
    routed = sum(o.action in ("routed", "rerouted", "would_route") for o in report.outcomes)
    verb = "would route" if dry_run else "routed"
    click.echo(f"{verb} {routed} items ({report.manual} need manual routing) with rule set {report.rule_set_hash[:12]}")


commands = [rules_group, route]
