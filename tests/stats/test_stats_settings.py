"""The profile's [statistics] and [appraisal] sections: defaults, and errors that name the place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.enums import KpiBucket
from app.domain.profile import ProfileError
from app.domain.statistics.settings import DEFAULT_APPRAISAL, appraisal_settings, statistics_settings
from app.rules.profiles import load_profile


@pytest.fixture(scope="module")
def beijing():
    return load_profile("beijing")


def with_extra(profile, **sections):
    return replace(profile, extra={**profile.extra, **sections})


def test_shipped_profiles_parse():
    for name in ("beijing", "shanghai"):
        profile = load_profile(name)
        assert statistics_settings(profile).satisfied_levels == {"satisfied", "basically_satisfied"}
        assert appraisal_settings(profile).total_weight == 100


def test_missing_sections_mean_defaults(beijing):
    bare = replace(beijing, extra={})
    assert statistics_settings(bare).on_time_deadline == "extended"
    assert statistics_settings(bare).resolved_buckets == {KpiBucket.RESOLVED}
    assert appraisal_settings(bare) == DEFAULT_APPRAISAL


@pytest.mark.parametrize(
    "section, entry, problem",
    [
        ({"on_time_deadline": "later"}, "[statistics] on_time_deadline", "expected one of: extended, original"),
        ({"satisfied_levels": ["happy"]}, "[statistics] satisfied_levels", "'happy' is not a satisfaction level"),
        ({"satisfied_levels": []}, "[statistics] satisfied_levels", "non-empty list"),
        ({"resolved_buckets": ["done"]}, "[statistics] resolved_buckets", "'done' is not a KPI bucket"),
        ({"total_includes_reference": "yes"}, "[statistics] total_includes_reference", "true or false"),
        ({"colour": "red"}, "[statistics]", "unknown key(s) colour"),
    ],
)
def test_statistics_errors_name_file_entry_problem(beijing, section, entry, problem):
    with pytest.raises(ProfileError) as caught:
        statistics_settings(with_extra(beijing, statistics=section))
    assert caught.value.file == "rules/beijing/profile.toml"
    assert caught.value.entry == entry
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    "section, entry, problem",
    [
        ({"weights": {"speed": 10}}, "[appraisal.weights] speed", "not an appraisable indicator"),
        ({"weights": {"on_time_rate": -5}}, "[appraisal.weights] on_time_rate", "not below 0"),
        ({"weights": {"on_time_rate": 0}}, "[appraisal] weights", "add up to zero"),
        ({"weights": {}}, "[appraisal] weights", "no weights"),
        ({"weights": {"on_time_rate": 1}, "missing_component": "skip"}, "[appraisal] missing_component", "reweight"),
        (
            {"weights": {"on_time_rate": 1}, "penalty_per_late_reply": "1"},
            "[appraisal] penalty_per_late_reply",
            "number",
        ),
        ({"weights": {"on_time_rate": 1}, "min_reply_obligations": 1.5}, "[appraisal] min_reply_obligations", "whole"),
        ({"weights": {"on_time_rate": 1}, "bonus": 3}, "[appraisal]", "unknown key(s) bonus"),
        ("weights", "[appraisal]", "expected a table"),
    ],
)
def test_appraisal_errors_name_file_entry_problem(beijing, section, entry, problem):
    with pytest.raises(ProfileError) as caught:
        appraisal_settings(with_extra(beijing, appraisal=section))
    assert (caught.value.file, caught.value.entry) == ("rules/beijing/profile.toml", entry)
    assert problem in caught.value.problem


def test_components_follow_the_canonical_order(beijing):
    settings = appraisal_settings(
        with_extra(beijing, appraisal={"weights": {"publication_rate": 1, "on_time_rate": 3}})
    )
    assert [c.indicator for c in settings.components] == ["on_time_rate", "publication_rate"]
