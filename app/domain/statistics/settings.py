"""The profile's [statistics] and [appraisal] sections, read and validated.

Both sections live in rules/<profile>/profile.toml and land in Profile.extra; every mistake is
reported as a ProfileError naming the file, the entry and the problem. Missing sections mean
the defaults written below (they are also the Beijing defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.enums import KpiBucket
from app.domain.profile import Profile, ProfileError

ON_TIME_DEADLINES = ("extended", "original")
PUBLICATION_DENOMINATORS = ("disclosable", "all")
MISSING_COMPONENT_RULES = ("reweight", "zero", "full")

#: Department-level rates an appraisal may weigh.
APPRAISABLE_RATES = (
    "on_time_rate",
    "communication_rate",
    "resolved_rate",
    "first_satisfaction_rate",
    "final_satisfaction_rate",
    "publication_rate",
)


@dataclass(frozen=True)
class StatisticsSettings:
    # "extended": a reply counts as on time when sent by the deadline an approved extension set;
    # "original": only the deadline set at assignment counts.
    on_time_deadline: str = "extended"
    satisfied_levels: frozenset[str] = frozenset({"satisfied", "basically_satisfied"})
    resolved_buckets: frozenset[KpiBucket] = frozenset({KpiBucket.RESOLVED})
    # "disclosable": replies decided not to be published (with a reason) leave the denominator.
    publication_denominator: str = "disclosable"
    total_includes_reference: bool = False


@dataclass(frozen=True)
class AppraisalComponent:
    indicator: str
    weight: float  # points


@dataclass(frozen=True)
class AppraisalSettings:
    components: tuple[AppraisalComponent, ...]
    penalty_per_late_reply: float = 0.0  # points off for each late or overdue reply
    missing_component: str = "reweight"
    min_reply_obligations: int = 1  # departments with fewer obligations are listed but not ranked

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.components)


DEFAULT_APPRAISAL = AppraisalSettings(
    components=(
        AppraisalComponent("on_time_rate", 30),
        AppraisalComponent("communication_rate", 15),
        AppraisalComponent("resolved_rate", 15),
        AppraisalComponent("final_satisfaction_rate", 30),
        AppraisalComponent("publication_rate", 10),
    ),
    penalty_per_late_reply=0.0,
)


def profile_file(profile: Profile) -> str:
    return f"rules/{profile.name}/profile.toml"


class _Section:
    def __init__(self, file: str, name: str, raw: Any) -> None:
        if not isinstance(raw, Mapping):
            raise ProfileError(file, f"[{name}]", f"expected a table, found {type(raw).__name__}")
        self.file, self.name, self.data = file, name, raw

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.file, f"[{self.name}] {key}", problem)

    def only(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise ProfileError(
                self.file,
                f"[{self.name}]",
                f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
            )

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.data.get(key, default)
        if value not in options:
            raise self.fail(key, f"is {value!r}; expected one of: {', '.join(options)}")
        return str(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def number(self, key: str, default: float, minimum: float = 0) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.fail(key, f"must be a number not below {minimum:g}, found {value!r}")
        return float(value)

    def texts(self, key: str, default: list[str]) -> list[str]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a non-empty list of texts")
        return value


def statistics_settings(profile: Profile) -> StatisticsSettings:
    file = profile_file(profile)
    section = _Section(file, "statistics", profile.extra.get("statistics", {}))
    section.only(
        {
            "on_time_deadline",
            "satisfied_levels",
            "resolved_buckets",
            "publication_denominator",
            "total_includes_reference",
        }
    )
    level_codes = [level.code for level in profile.satisfaction]
    default_levels = [level.code for level in profile.satisfaction if level.counts_as_satisfied]
    levels = section.texts("satisfied_levels", default_levels)
    for code in levels:
        if code not in level_codes:
            raise section.fail(
                "satisfied_levels", f"'{code}' is not a satisfaction level; known: {', '.join(level_codes)}"
            )
    buckets_raw = section.texts("resolved_buckets", [KpiBucket.RESOLVED.value])
    buckets = set()
    for raw in buckets_raw:
        try:
            buckets.add(KpiBucket(raw))
        except ValueError:
            known = ", ".join(b.value for b in KpiBucket)
            raise section.fail("resolved_buckets", f"'{raw}' is not a KPI bucket; known: {known}") from None
    return StatisticsSettings(
        on_time_deadline=section.choice("on_time_deadline", ON_TIME_DEADLINES, "extended"),
        satisfied_levels=frozenset(levels),
        resolved_buckets=frozenset(buckets),
        publication_denominator=section.choice("publication_denominator", PUBLICATION_DENOMINATORS, "disclosable"),
        total_includes_reference=section.boolean("total_includes_reference", False),
    )


def appraisal_settings(profile: Profile) -> AppraisalSettings:
    file = profile_file(profile)
    if "appraisal" not in profile.extra:
        return DEFAULT_APPRAISAL
    section = _Section(file, "appraisal", profile.extra["appraisal"])
    section.only({"weights", "penalty_per_late_reply", "missing_component", "min_reply_obligations"})
    weights = _Section(file, "appraisal.weights", section.data.get("weights", {}))
    if not weights.data:
        raise section.fail("weights", f"no weights; give points to some of: {', '.join(APPRAISABLE_RATES)}")
    components = []
    for key in weights.data:
        if key not in APPRAISABLE_RATES:
            raise weights.fail(key, f"is not an appraisable indicator; known: {', '.join(APPRAISABLE_RATES)}")
        components.append(AppraisalComponent(key, weights.number(key, 0)))
    if sum(c.weight for c in components) <= 0:
        raise section.fail("weights", "the weights add up to zero")
    min_obligations = section.data.get("min_reply_obligations", 1)
    if isinstance(min_obligations, bool) or not isinstance(min_obligations, int) or min_obligations < 0:
        raise section.fail("min_reply_obligations", "must be a whole number, 0 or more")
    # keep the order of APPRAISABLE_RATES so that every sheet and page lists components alike
    components.sort(key=lambda c: APPRAISABLE_RATES.index(c.indicator))
    return AppraisalSettings(
        components=tuple(components),
        penalty_per_late_reply=section.number("penalty_per_late_reply", 0.0),
        missing_component=section.choice("missing_component", MISSING_COMPONENT_RULES, "reweight"),
        min_reply_obligations=min_obligations,
    )
