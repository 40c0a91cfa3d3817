"""Loads a profile from rules/<name>/ (profile.toml, departments.toml, categories.toml)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from app import PROJECT_ROOT
from app.domain.profile import Profile, ProfileError, parse_profile
from app.rules import RULES_DIR

PROFILE_FILES = ("profile", "departments", "categories")


def available_profiles(rules_dir: Path = RULES_DIR) -> list[str]:
    return sorted(p.name for p in rules_dir.iterdir() if (p / "profile.toml").is_file())


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ProfileError(str(path), "file", "not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), "syntax", str(exc)) from None


def load_profile_from(directory: Path) -> Profile:
    """Read and validate one profile directory; raises ProfileError naming file, entry, problem."""
    if not directory.is_dir():
        known = ", ".join(available_profiles(directory.parent)) if directory.parent.is_dir() else "none"
        raise ProfileError(str(directory), "profile", f"no such profile directory (available: {known})")
    paths = {name: directory / f"{name}.toml" for name in PROFILE_FILES}
    docs = {name: _read_toml(path) for name, path in paths.items()}
    display = {name: _display_path(path) for name, path in paths.items()}
    return parse_profile(directory.name, docs["profile"], docs["departments"], docs["categories"], display)


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


@lru_cache(maxsize=8)
def load_profile(name: str) -> Profile:
    return load_profile_from(RULES_DIR / name)
