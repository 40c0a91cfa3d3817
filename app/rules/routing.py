"""Reads rules/<profile>/routing.toml (or another routing file) into the pure rule model
(app.domain.routing.rules); problems name file, rule and problem."""

from __future__ import annotations

from pathlib import Path

from app import PROJECT_ROOT
from app.domain.profile import Profile
from app.domain.routing.rules import RoutingRulesError, RoutingRuleSet, join_places, parse_routing_rules
from app.rules import RULES_DIR

ROUTING_FILE = "routing.toml"
PLACES_FILE = "places.toml"  # the gazetteer, read with the routing file beside it


def profile_directory(profile_name: str, rules_dir: Path = RULES_DIR) -> Path:
    return rules_dir / profile_name


def routing_file(directory_or_file: Path) -> Path:
    """A directory means its routing.toml; a file is itself."""
    path = Path(directory_or_file)
    return path / ROUTING_FILE if path.is_dir() else path


def display_path(path: Path) -> str:
    """The path as users are shown it: relative to the project when it lies inside."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def read_routing_file(
    directory_or_file: Path, profile: Profile, display: str | None = None
) -> tuple[bytes, RoutingRuleSet]:
    """The version's bytes (routing file joined with the places.toml beside it, if any: their hash
    identifies a rule-set version) and the validated rule set.

    Raises RoutingRulesError naming file, rule and problem (a missing file too)."""
    path = routing_file(directory_or_file)
    shown = display or display_path(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise RoutingRulesError([(shown, "file", "not found")]) from None
    places = path.with_name(PLACES_FILE)
    data = join_places(data, places.read_bytes() if places.is_file() else None)
    return data, parse_routing_rules(data, profile, shown)


def load_routing_rules(directory_or_file: Path, profile: Profile, display: str | None = None) -> RoutingRuleSet:
    """Read and validate a routing file (a directory means its routing.toml)."""
    return read_routing_file(directory_or_file, profile, display or str(routing_file(directory_or_file)))[1]
