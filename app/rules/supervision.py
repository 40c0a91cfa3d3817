"""Reads rules/<profile>/supervision.toml into the pure rule model (app.domain.supervision)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.domain.supervision import SupervisionRuleError, SupervisionRules, parse_supervision_document
from app.rules import RULES_DIR


def supervision_file(profile_name: str, rules_dir: Path = RULES_DIR) -> Path:
    return rules_dir / profile_name / "supervision.toml"


def load_supervision_rules(profile_name: str, rules_dir: Path = RULES_DIR) -> SupervisionRules:
    path = supervision_file(profile_name, rules_dir)
    origin = str(path.relative_to(rules_dir.parent)) if path.is_relative_to(rules_dir.parent) else str(path)
    if not path.is_file():
        return SupervisionRules(origin, ())
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SupervisionRuleError(origin, "syntax", str(exc)) from None
    return parse_supervision_document(doc, origin)
