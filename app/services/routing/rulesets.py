"""Routing rule-set versions: load a rule file, store it as a version, compile it once per process.

A changed file creates a new version (content hash, who, when). A broken file is refused with
problems naming file, rule and problem, and the previous version stays active.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models.routing import RuleSetVersion
from app.domain.profile import Profile
from app.domain.routing.router import Router
from app.domain.routing.rules import RoutingRulesError, RoutingRuleSet, content_hash, parse_routing_rules
from app.engines.routing import RoutingEngine
from app.i18n import _
from app.rules.profiles import load_profile
from app.rules.routing import display_path, profile_directory, read_routing_file, routing_file
from app.services import audit, context
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed


def current_profile() -> Profile:
    return context.current().profile


def problems_of(error: RoutingRulesError) -> list[Problem]:
    return [Problem(f"{file}: {rule}", problem) for file, rule, problem in error.problems]


def read_rules(directory: Path | None, profile: Profile) -> tuple[bytes, RoutingRuleSet]:
    """Read and validate a routing file; raises ValidationFailed naming file, rule and problem."""
    path = routing_file(directory or profile_directory(profile.name))
    if not path.is_file():
        raise ValidationFailed(
            _("The routing rules were refused."), [Problem(f"{display_path(path)}: file", _("not found"))]
        )
    try:
        return read_routing_file(path, profile)
    except RoutingRulesError as exc:
        raise ValidationFailed(_("The routing rules were refused."), problems_of(exc)) from None


def active_version(session: Session, profile: Profile) -> RuleSetVersion | None:
    return session.scalar(
        select(RuleSetVersion).where(RuleSetVersion.profile == profile.name, RuleSetVersion.active.is_(True))
    )


@dataclass
class LoadResult:
    version: RuleSetVersion
    created: bool  # a new version row was stored
    activated: bool  # the active version changed


def load_rule_set(
    session: Session, actor: Actor, profile: Profile | None = None, directory: Path | None = None
) -> LoadResult:
    """Make the routing file the active version (new row when its content is new)."""
    profile = profile or current_profile()
    data, ruleset = read_rules(directory, profile)
    digest = content_hash(data)
    previous = active_version(session, profile)
    if previous is not None and previous.content_hash == digest:
        return LoadResult(previous, created=False, activated=False)
    version = session.scalar(
        select(RuleSetVersion).where(RuleSetVersion.profile == profile.name, RuleSetVersion.content_hash == digest)
    )
    created = version is None
    if version is None:
        version = RuleSetVersion(
            profile=profile.name,
            content_hash=digest,
            source=ruleset.source,
            content=data.decode("utf-8"),
            rule_count=len(ruleset.rules),
            loaded_by_id=actor.user_id,
            loaded_by_name=actor.username,
            active=False,
        )
        session.add(version)
    session.execute(update(RuleSetVersion).where(RuleSetVersion.profile == profile.name).values(active=False))
    session.flush()
    version.active = True
    session.flush()
    audit.record(
        session,
        actor,
        entity="routing_rule_set",
        entity_id=version.id,
        action="activate",
        before={"content_hash": previous.content_hash if previous else None},
        after={"content_hash": digest, "rules": len(ruleset.rules), "source": ruleset.source, "new": created},
    )
    return LoadResult(version, created=created, activated=True)


@dataclass
class ActiveRules:
    version: RuleSetVersion
    refused: list[Problem]  # the file on disk is broken: these problems, and `version` is the previous one


def ensure_active(session: Session, actor: Actor, profile: Profile | None = None) -> ActiveRules:
    """The version to route with: the file on disk if valid (stored as a new version when it
    changed), else the previous active version with the file's problems. With no previous
    version a broken file is an error."""
    profile = profile or current_profile()
    try:
        return ActiveRules(load_rule_set(session, actor, profile).version, [])
    except ValidationFailed as exc:
        previous = active_version(session, profile)
        if previous is None:
            raise
        return ActiveRules(previous, exc.problems)


def versions(session: Session, profile: Profile | None = None) -> list[RuleSetVersion]:
    profile = profile or current_profile()
    stmt = select(RuleSetVersion).where(RuleSetVersion.profile == profile.name).order_by(RuleSetVersion.id.desc())
    return list(session.scalars(stmt))


# --------------------------------------------------------------------------- compiled routers

_ROUTERS: OrderedDict[tuple[str, str], Router] = OrderedDict()
_ROUTERS_LOCK = threading.Lock()
_ROUTER_CACHE_SIZE = 8


def router_for_text(profile: Profile, text: str, source: str) -> Router:
    """A compiled router for a rule file's text, shared by the process (one per content hash)."""
    digest = content_hash(text.encode("utf-8"))
    key = (profile.name, digest)
    with _ROUTERS_LOCK:
        router = _ROUTERS.get(key)
        if router is not None:
            _ROUTERS.move_to_end(key)
            return router
    try:
        ruleset = parse_routing_rules(text.encode("utf-8"), profile, source)
    except RoutingRulesError as exc:
        raise ValidationFailed(_("The routing rules were refused."), problems_of(exc)) from None
    router = Router(ruleset, profile, RoutingEngine)
    with _ROUTERS_LOCK:
        existing = _ROUTERS.get(key)
        if existing is not None:
            router.close()
            return existing
        _ROUTERS[key] = router
        while len(_ROUTERS) > _ROUTER_CACHE_SIZE:
            # not closed: another request may still be routing with it; its memory goes with it
            _ROUTERS.popitem(last=False)
    return router


def router_for(version: RuleSetVersion, profile: Profile | None = None) -> Router:
    return router_for_text(profile or load_profile(version.profile), version.content, version.source)
