"""Profiles: both shipped profiles load; a broken file names file, entry and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.domain.enums import DepartmentKind, ItemKind, KpiBucket
from app.domain.profile import ProfileError, parse_period
from app.rules import RULES_DIR
from app.rules.profiles import available_profiles, load_profile, load_profile_from


@pytest.mark.parametrize("name", ["beijing", "shanghai"])
def test_shipped_profiles_load(name):
    profile = load_profile(name)
    assert profile.name == name
    assert len(profile.departments) >= 40
    assert sum(d.kind is DepartmentKind.DISTRICT for d in profile.departments) == 16
    for kind in ItemKind:
        buckets = {rc.bucket for rc in profile.result_schemes[kind]}
        assert KpiBucket.RESOLVED in buckets and KpiBucket.REFERENCE in buckets
    assert any(level.opens_new_round for level in profile.satisfaction)


def test_available_profiles():
    assert {"beijing", "shanghai"} <= set(available_profiles())


def test_beijing_facts_from_the_domain_notes(profile):
    assert profile.find_department("市交通委").code == "jtw"
    assert profile.find_department("北京市交通委员会").code == "jtw"
    assert profile.find_department("中关村管委会").short_name == "市科委、中关村管委会"
    assert profile.find_department("石景山区").kind is DepartmentKind.DISTRICT
    assert profile.find_category("综合经济").name == "财政经济"
    assert str(profile.deadlines.reply) == "3 months"
    assert str(profile.deadlines.reassignment_window) == "5 working_days"
    assert profile.item_number_width[ItemKind.NPC_SUGGESTION] == 4


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3 months", (3, "months")),
        ("5 working_days", (5, "working_days")),
        ("7 days", (7, "days")),
        ("20个工作日", (20, "working_days")),
        ("1个月", (1, "months")),
    ],
)
def test_periods(raw, expected):
    period = parse_period("f", "e", raw)
    assert (period.amount, period.unit) == expected


@pytest.mark.parametrize("raw", ["3 weeks", "months", "-1 days", "0 days", 3])
def test_bad_periods_are_refused(raw):
    with pytest.raises(ProfileError):
        parse_period("f", "e", raw)


@pytest.fixture
def broken(tmp_path) -> Path:
    target = tmp_path / "beijing"
    shutil.copytree(RULES_DIR / "beijing", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "file, old, new, entry, problem",
    [
        ("departments.toml", 'code = "jw"', 'code = "fgw"', "department #2 (fgw)", "duplicate code"),
        ("departments.toml", 'kind = "municipal"', 'kind = "ministry"', "department #1 (fgw)", "'kind' is 'ministry'"),
        ("profile.toml", 'reply = "3 months"', 'reply = "3 moons"', "[deadlines] reply", "is not a period"),
        ("profile.toml", 'bucket = "resolved"', 'bucket = "solved"', "result_schemes.npc_suggestion #1", "'bucket'"),
        ("categories.toml", 'parent = "cxjs"', 'parent = "nowhere"', "category #2", "parent 'nowhere'"),
        ("profile.toml", "[profile]", "[profile]\ncolour = 1", "[profile]", "unknown key(s) colour"),
    ],
)
def test_broken_profile_names_file_entry_and_problem(broken, file, old, new, entry, problem):
    _edit(broken / file, old, new)
    with pytest.raises(ProfileError) as excinfo:
        load_profile_from(broken)
    message = str(excinfo.value)
    assert file in message and entry in message and problem in message, message


def test_toml_syntax_error_is_named(broken):
    (broken / "categories.toml").write_text("[[category]\ncode=")
    with pytest.raises(ProfileError, match="categories.toml: syntax"):
        load_profile_from(broken)


def test_missing_profile_directory_lists_the_available_ones(tmp_path):
    (tmp_path / "beijing").mkdir()
    (tmp_path / "beijing" / "profile.toml").write_text("")
    with pytest.raises(ProfileError, match="available: beijing"):
        load_profile_from(tmp_path / "tianjin")
