"""The rule files of a profile, read from one place: rules/<profile>/.

| file (under rules/<profile>/)               | read by                      | into (pure model)              |
|---------------------------------------------|------------------------------|--------------------------------|
| profile.toml, departments.toml, categories.toml | app.rules.profiles       | app.domain.profile.Profile     |
| calendar/<year>.toml                        | app.rules.calendars          | app.domain.calendar            |
| routing.toml                                | app.rules.routing            | app.domain.routing.rules       |
| supervision.toml                            | app.rules.supervision        | app.domain.supervision         |

The modules here only read files and hand them to the domain's parsers, which name file, entry
and problem. The engines that run rules (durable-rules) are in app.engines.
"""

from __future__ import annotations

from app import PROJECT_ROOT

RULES_DIR = PROJECT_ROOT / "rules"
