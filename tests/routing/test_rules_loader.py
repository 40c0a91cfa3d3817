import pytest

from app.domain.routing.rules import RoutingRulesError, parse_routing_rules
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules


@pytest.fixture(scope="module")
def beijing():
    return load_profile("beijing")


def parse(text, profile):
    return parse_routing_rules(text.encode(), profile, "test/routing.toml")


VALID = """
[[rule]]
name = "停车"
priority = 600
when.keywords.any = ["停车", "车位"]
then.lead = "市交通委"
then.co = ["jtw_not_this"]
"""


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_shipped_packs_load_and_use_departments_of_their_profile(profile_name):
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    codes = {d.code for d in profile.departments}
    assert len(ruleset.rules) > 100
    assert all(set(r.then.departments) <= codes for r in ruleset.rules)
    assert len(ruleset.rules) < 400  # one durable ruleset, no sharding needed
    leads = {code for r in ruleset.rules for code in r.then.handling}
    leads |= set(ruleset.gazetteer.districts())  # districts lead through the place tier
    assert leads == codes, f"departments no rule can route to: {codes - leads}"


@pytest.mark.parametrize(
    ("text", "rule", "problem"),
    [
        (VALID, "rule #1 '停车'", "unknown department 'jtw_not_this' in 'then.co'"),
        ("[[rule]]\nname='a'\npriority=1\nthen.lead='市交通委'\n", "rule #1 'a'", "empty condition"),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.keywords.none=['x']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "empty condition",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.keywords.any=[]\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "empty condition",
        ),
        (
            "[[rule]]\nname='a'\npriority=70000\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "bad priority 70000",
        ),
        (
            "[[rule]]\nname='a'\npriority=-1\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "bad priority -1",
        ),
        (
            "[[rule]]\nname='a'\npriority='high'\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "bad priority 'high'",
        ),
        (
            "[[rule]]\nname='a'\npriority=1.5\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "bad priority 1.5",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n" * 2,
            "rule #2 'a'",
            "duplicate name (also rule #1)",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "unknown kind 'npc'",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.category=['太空']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "unknown category '太空'",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.colour=['red']\nthen.lead='市交通委'\n",
            "rule #1 'a'",
            "unknown key(s) when.colour",
        ),
        ("[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\n", "rule #1 'a'", "missing outcome"),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\nthen.split=['市教委','市财政局']\n",
            "rule #1 'a'",
            "exactly one of 'lead', 'split' or 'reference'",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.split=['市教委']\n",
            "rule #1 'a'",
            "at least two departments",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.reference=['市国资委']\nthen.co=['市教委']\n",
            "rule #1 'a'",
            "reference-only outcome has no co-handlers",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead=['市教委','市交通委']\n",
            "rule #1 'a'",
            "names one department",
        ),
        (
            "[[rule]]\nname='a'\npriority=1\nwhen.keywords.any=['x']\nwhen.keywords.in='body'\nthen.lead='市教委'\n",
            "rule #1 'a'",
            "'when.keywords.in' is 'body'",
        ),
        ("[[rule]]\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead='市教委'\n", "rule #1", "missing 'name'"),
        ("[[rule]\nname='a'\n", "syntax", ""),
        ("title = 'x'\n", "file", "no [[rule]] entries"),
    ],
)
def test_broken_files_are_refused_naming_file_rule_and_problem(beijing, text, rule, problem):
    with pytest.raises(RoutingRulesError) as info:
        parse(text, beijing)
    message = str(info.value)
    assert message.startswith(f"test/routing.toml: {rule}")
    assert problem in message


def test_every_problem_of_a_file_is_listed(beijing):
    text = (
        "[[rule]]\nname='a'\npriority=99999\nwhen.kind=['npc_suggestion']\nthen.lead='市交通委'\n"
        "[[rule]]\nname='b'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead='市停车办'\n"
    )
    with pytest.raises(RoutingRulesError) as info:
        parse(text, beijing)
    assert [p[1] for p in info.value.problems] == ["rule #1 'a'", "rule #2 'b'"]


def test_departments_by_code_short_name_official_name_or_alias(beijing):
    text = "\n".join(
        f"[[rule]]\nname='r{i}'\npriority=1\nwhen.kind=['npc_suggestion']\nthen.lead='{name}'\n"
        for i, name in enumerate(["jtw", "市交通委", "北京市交通委员会", "市发改委"])
    )
    ruleset = parse(text, beijing)
    assert [r.then.lead for r in ruleset.rules] == ["jtw", "jtw", "jtw", "fgw"]


def test_content_hash_changes_with_the_file(beijing):
    first = parse(VALID.replace("jtw_not_this", "市公安局"), beijing)
    same = parse(VALID.replace("jtw_not_this", "市公安局"), beijing)
    changed = parse(VALID.replace("jtw_not_this", "市公安局").replace("600", "601"), beijing)
    assert first.content_hash == same.content_hash != changed.content_hash
    assert len(first.content_hash) == 64


def test_missing_file_is_reported(beijing, tmp_path):
    with pytest.raises(RoutingRulesError, match="routing.toml: file: not found"):
        load_routing_rules(tmp_path, beijing)
