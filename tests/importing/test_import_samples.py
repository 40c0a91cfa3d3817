import json
import subprocess
import sys
from collections import Counter

import pytest
from openpyxl import load_workbook

from app import PROJECT_ROOT
from app.domain.enums import ItemKind
from app.importing.reader import parse_file
from app.importing.safety import UnusableFile
from app.importing.samples import SampleGenerator, build_batch, load_topics
from app.importing.templates import TEMPLATE_NAMES, template_path, write_template

SAMPLES = PROJECT_ROOT / "imports" / "samples"
CASES = [(ItemKind.NPC_SUGGESTION, "beijing_npc_2026", 800), (ItemKind.CPPCC_PROPOSAL, "beijing_cppcc_2026", 1200)]
PROFILE_CASES = [
    (profile, kind, f"{profile}_{body}_2026", count)
    for profile in ("beijing", "shanghai")
    for kind, body, count in ((ItemKind.NPC_SUGGESTION, "npc", 800), (ItemKind.CPPCC_PROPOSAL, "cppcc", 1200))
]


@pytest.mark.parametrize(("kind", "name", "count"), CASES)
def test_committed_samples_import_cleanly_and_match_their_truth(kind, name, count, beijing_profile):
    result = parse_file(SAMPLES / f"{name}.xlsx", kind, beijing_profile)
    assert result.ok, [str(p) for p in result.problems[:10]]
    assert len(result.records) == count
    truth = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    by_number = {item["number"]: item for item in truth["items"]}
    assert set(by_number) == {r.number for r in result.records}
    for record in result.records:
        assert by_number[record.number]["title"] == record.title
    departments = {d.code for d in beijing_profile.departments}
    assert {item["lead"] for item in truth["items"]} == departments  # every department
    categories = {c.code for c in beijing_profile.categories if kind in c.kinds}
    assert {r.category_code for r in result.records} == categories  # every category
    assert sum(1 for r in result.records if r.co_signers) > count // 2
    assert len({r.title for r in result.records}) == count


def test_samples_have_varied_phrasing_and_real_formats(beijing_profile):
    result = parse_file(SAMPLES / "beijing_npc_2026.xlsx", ItemKind.NPC_SUGGESTION, beijing_profile)
    titles = [r.title for r in result.records]
    assert sum(t.startswith("关于") and t.endswith("的建议") for t in titles) > 300
    assert sum(t.startswith("尽快解决") for t in titles) > 20
    assert sum(t.startswith("建议") for t in titles) > 50
    sheet = load_workbook(SAMPLES / "beijing_npc_2026.xlsx")["代表建议"]
    assert sheet.merged_cells.ranges  # title rows and delegations are merged, as in real lists
    assert isinstance(sheet["A4"].value, int)  # numbers stored as numbers (0001 arrives as 1)
    delegations = Counter(r.delegation for r in result.records)
    assert len(delegations) == 16 and None not in delegations


def test_cppcc_sample_names_intended_units_for_some_proposals(beijing_profile):
    result = parse_file(SAMPLES / "beijing_cppcc_2026.xlsx", ItemKind.CPPCC_PROPOSAL, beijing_profile)
    with_intent = [r for r in result.records if r.intended_lead]
    assert 400 < len(with_intent) < 900
    assert {r.sheet for r in result.records} == {"大会期间提案", "平时提案"}
    assert all(r.sector or r.submitter_type != "individual" for r in result.records)


def test_generator_is_deterministic(beijing_profile, tmp_path):
    first = build_batch(beijing_profile, ItemKind.CPPCC_PROPOSAL, 60, 9, tmp_path / "a.xlsx", "会", expected=False)
    second = build_batch(beijing_profile, ItemKind.CPPCC_PROPOSAL, 60, 9, tmp_path / "b.xlsx", "会", expected=False)
    assert first == second
    other = SampleGenerator(beijing_profile, ItemKind.CPPCC_PROPOSAL, 10).generate(60)
    assert [i.title for i in other] != [i.title for i in first]


def test_committed_files_are_up_to_date():
    script = PROJECT_ROOT / "imports" / "generate_samples.py"
    completed = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_topics_cover_every_department_of_the_profile(beijing_profile):
    corpus = load_topics("beijing")
    covered = {t.dept for t in corpus.topics} | {
        d.code for d in beijing_profile.departments if d.kind.value == "district"
    }
    assert covered == {d.code for d in beijing_profile.departments}
    assert set(corpus.places) == {d.short_name for d in beijing_profile.departments if d.kind.value == "district"}


@pytest.mark.parametrize("kind", list(ItemKind))
def test_templates_have_every_header_with_a_note(kind, beijing_profile, tmp_path):
    path = write_template(kind, beijing_profile, tmp_path / TEMPLATE_NAMES[kind])
    sheet = load_workbook(path)["导入清单"]
    headers = [c for c in sheet[1] if c.value]
    assert len(headers) >= 15 and all(c.comment and c.comment.text for c in headers)
    with pytest.raises(UnusableFile) as info:  # a blank template has nothing to import
        parse_file(path, kind, beijing_profile)
    assert info.value.code == "header_only"
    for profile_name in ("beijing", "shanghai"):
        shipped = template_path(profile_name, kind)
        guide = [row[0] for row in load_workbook(shipped)["填写说明"].iter_rows(values_only=True)]
        assert any(line and ".xls" in line and ".ods" in line and "GB18030" in line for line in guide)
        parts = {c.value for c in load_workbook(shipped)["导入清单"][1]} >= {"背景情况", "问题及分析", "具体建议"}
        assert parts == (profile_name == "shanghai" and kind is ItemKind.CPPCC_PROPOSAL)


@pytest.mark.parametrize(("profile_name", "kind", "name", "count"), PROFILE_CASES)
def test_each_profile_sample_imports_and_routes_to_its_expected_departments(profile_name, kind, name, count):
    from app.domain.routing.decision import RoutableItem
    from app.domain.routing.router import Router
    from app.engines.routing import RoutingEngine
    from app.rules import RULES_DIR
    from app.rules.profiles import load_profile
    from app.rules.routing import load_routing_rules

    profile = load_profile(profile_name)
    result = parse_file(SAMPLES / f"{name}.xlsx", kind, profile)
    assert result.ok, [str(p) for p in result.problems[:10]]
    assert len(result.records) == count
    truth = {i["number"]: i for i in json.loads((SAMPLES / f"{name}.expected.json").read_text("utf-8"))["items"]}
    assert {r.number for r in result.records} == set(truth)
    assert {r.category_code for r in result.records} <= {c.code for c in profile.categories if kind in c.kinds}
    if profile_name == "shanghai" and kind is ItemKind.CPPCC_PROPOSAL:  # bodies in three parts
        assert all(r.content.startswith("背景情况：") and "\n具体建议：" in r.content for r in result.records)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    with Router(ruleset, profile, RoutingEngine) as router:
        correct = sum(
            _routed_as_expected(truth[r.number]["lead"], router.route(RoutableItem(title=r.title, kind=kind)))
            for r in result.records
        )
    assert correct / count > 0.9  # measured (issue #15): Beijing 96.8 % / 96.5 %, Shanghai 98.4 % / 98.7 %


def _routed_as_expected(expected_lead, decision):
    """The generator's truth predates the place tier (issue #15): for a title naming a town or street of
    one district it expects the topic department to lead; the rules now have the district lead with that
    department co-handling, which counts as routed as expected."""
    if expected_lead in decision.handling[:1]:
        return True
    local = any(
        reason.test == "place_tier" and reason.values[:1] == ("local",)
        for match in decision.matches
        if match.rule.name == decision.winner
        for reason in match.reasons
    )
    return local and expected_lead in decision.co
