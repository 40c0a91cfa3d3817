"""Rules from overrides: pattern mining (pure), suggestions with the rules-diff effect, adding one."""

import tomllib

import pytest

from app.db.models.routing import RuleSetVersion
from app.domain.routing.override_patterns import DecidedExample, draft_rules, find_patterns, render_snippet
from app.domain.routing.rules import parse_routing_rules
from app.rules.routing import load_routing_rules, profile_directory
from app.services import routing
from app.services.errors import Forbidden, ValidationFailed
from app.services.routing import rule_suggestions
from app.services.routing.proposals import routable_item
from tests.routing.override_factories import REASON, seed_overrides

PLACES = {"cy": ("朝阳区", "望京"), "hd": ("海淀区", "五道口"), "ft": ("丰台区", "方庄")}
LABELS = {"cy": "朝阳区", "hd": "海淀区", "ft": "丰台区", "jtw": "市交通委"}


def example(item_id, title, office, *, rules="jtw", overridden=True, co=("jtw",), priority=600):
    return DecidedExample(item_id, title, rules, office, overridden, co, priority)


PARKING = [
    example(1, "关于望京小区停车难的建议", "cy"),
    example(2, "关于五道口周边停车位的建议", "hd"),
    example(3, "关于方庄社区夜间停车的建议", "ft"),
    example(4, "关于朝阳区老旧小区停车改造的建议", "cy"),
]


@pytest.fixture
def office(make_user):
    return make_user("office_staff").actor


def test_overrides_to_the_named_district_are_one_pattern_with_its_keyword():
    patterns = find_patterns(PARKING, PLACES, min_support=3)
    assert len(patterns) == 1
    pattern = patterns[0]
    assert (pattern.from_lead, pattern.to_named_district, pattern.keyword) == ("jtw", True, "停车")
    assert pattern.support == (1, 2, 3, 4) and pattern.counter == () and pattern.confidence == 1.0


def test_items_the_office_routed_otherwise_lower_the_confidence_and_can_refuse_the_pattern():
    against = [
        example(5, "关于海淀区停车诱导系统推广的建议", "jtw", overridden=False),
        example(6, "关于朝阳区停车收费标准的建议", "jtw", overridden=False),
        example(7, "关于全市停车收费标准的建议", "jtw", overridden=False),  # names no district: not matched
    ]
    pattern = find_patterns(PARKING + against, PLACES, min_support=3)[0]
    assert pattern.counter == (5, 6) and pattern.confidence == pytest.approx(4 / 6)
    assert find_patterns(PARKING + against, PLACES, min_support=3, min_confidence=0.7) == []


def test_support_below_the_minimum_or_overrides_the_rules_agree_with_give_nothing():
    assert find_patterns(PARKING[:2], PLACES, min_support=3) == []
    agreeing = [example(i, e.title, e.office_lead, rules=e.office_lead) for i, e in enumerate(PARKING, 1)]
    assert find_patterns(agreeing, PLACES, min_support=2) == []
    with pytest.raises(ValueError):
        find_patterns(PARKING, PLACES, min_support=0)


def test_an_override_to_a_fixed_department_is_a_pattern_of_its_own():
    titles = ["关于治理违停占道的建议", "关于整治小区违停的建议", "关于严查学校周边违停的建议"]
    examples = [example(i, t, "gaj", co=()) for i, t in enumerate(titles, 1)]
    pattern = find_patterns(examples, PLACES, min_support=3)[0]
    assert (pattern.to_lead, pattern.to_named_district, pattern.keyword) == ("gaj", False, "违停")


def test_the_drafted_snippet_is_a_valid_rule_file_one_rule_per_district(profile):
    pattern = find_patterns(PARKING, PLACES, min_support=3)[0]
    taken = {"停车·朝阳区"}
    drafted = draft_rules(pattern, {e.item_id: e for e in PARKING}, PLACES, LABELS, taken, "由改派归纳")
    assert [r.name for r in drafted.rules] == ["停车·朝阳区（2）", "停车·海淀区", "停车·丰台区"]
    assert {r.priority for r in drafted.rules} == {610} and {r.co for r in drafted.rules} == {("jtw",)}
    snippet = render_snippet(drafted.rules, LABELS)
    document = tomllib.loads(snippet)
    assert document["rule"][0]["when"]["keywords"] == {"all": ["停车"], "any": ["朝阳区", "望京"]}
    assert document["rule"][0]["then"] == {"lead": "朝阳区", "co": ["市交通委"]}
    ruleset = parse_routing_rules(snippet.encode(), profile, "snippet")
    assert ruleset.rules[1].then.lead == "hd"


def test_suggestions_come_with_items_snippet_and_the_rules_diff_effect(db_session, office):
    items = seed_overrides(db_session, office)
    report = rule_suggestions.suggest_rules(db_session, office, min_support=3)
    assert report.overrides == 4
    (suggestion,) = report.suggestions
    assert suggestion.pattern.keyword == "违停" and suggestion.pattern.to_named_district
    assert [i.number for i in suggestion.items] == ["0201", "0202", "0203", "0204"]
    assert [i.number for i in suggestion.counter_items] == ["0205"]
    assert suggestion.items[0].reason == REASON and suggestion.items[0].rules_lead == "gaj"
    assert 'then.lead = "朝阳区"' in suggestion.snippet and '"望京"' in suggestion.snippet  # a gazetteer place
    verdicts = {e.line.number: e.verdict for e in suggestion.effect}
    assert verdicts == {
        "0201": "agrees",
        "0202": "agrees",
        "0203": "agrees",
        "0204": "agrees",
        "0205": "disagrees",
        "0301": "undecided",
    }
    assert suggestion.compared == len(items)
    assert db_session.query(RuleSetVersion).count() == 1  # nothing was stored


def test_a_suggested_rule_added_by_the_office_routes_past_items_as_the_diff_predicted(
    db_session, office, profile, tmp_path
):
    items = seed_overrides(db_session, office)
    (suggestion,) = rule_suggestions.suggest_rules(db_session, office).suggestions
    active = routing.active_version(db_session, profile)
    for name, text in rule_suggestions.candidate_files(active.content, suggestion.snippet).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    loaded = routing.load_rule_set(db_session, office, directory=tmp_path)  # what `jianti rules load DIR` does
    assert loaded.created and loaded.version.rule_count == active.rule_count + len(suggestion.pattern.rules)
    new_router = routing.router_for(loaded.version)
    predicted = {e.line.item_id: e.line.new.lead for e in suggestion.effect}
    for item in items.values():
        decision = new_router.route(routable_item(item))
        if item.id in predicted:
            assert decision.lead == predicted[item.id], item.title
        else:
            assert decision.lead == routing.router_for(active).route(routable_item(item)).lead, item.title
    # the suggested rule makes the topic the district's, so the place tier treats 望京 as a local matter
    decision = new_router.route(routable_item(items["0201"]))
    assert decision.lead == "cy" and "违停·朝阳区" in {m.rule.name for m in decision.matches}


def test_only_the_office_may_ask_and_bounds_are_checked(db_session, make_user, office):
    with pytest.raises(Forbidden):
        rule_suggestions.suggest_rules(db_session, make_user("dept_handler", "jtw").actor)
    with pytest.raises(ValidationFailed) as refused:
        rule_suggestions.suggest_rules(db_session, office, min_support=1, min_confidence=0.2)
    assert [p.place for p in refused.value.problems] == ["min_support", "min_confidence"]


def test_the_dry_run_over_the_keywords_items_equals_the_full_rules_diff(db_session, office, profile):
    seed_overrides(db_session, office)
    (suggestion,) = rule_suggestions.suggest_rules(db_session, office).suggestions
    active = routing.active_version(db_session, profile)
    full = routing.proposals.diff_rule_text(
        db_session, office, rule_suggestions.candidate_text(active.content, suggestion.snippet), "full"
    )
    assert full.compared == suggestion.compared
    assert [(c.item_id, c.new.lead) for c in full.changed] == [
        (e.line.item_id, e.line.new.lead) for e in suggestion.effect
    ]


def test_district_places_and_the_place_finder_come_from_the_gazetteer(profile):
    ruleset = load_routing_rules(profile_directory("beijing"), profile)
    places = rule_suggestions.district_places(profile, ruleset)
    assert "望京" in places["cy"] and "五道口" in places["hd"] and "朝阳区" in places["cy"]
    assert not any("中关村" in words for words in places.values())  # ambiguous: names no district
    find = rule_suggestions.place_finder(ruleset, places)
    assert find("关于治理平谷区大兴庄镇违停的建议") == [("pg", "平谷区"), ("pg", "大兴庄镇")]  # not also 大兴
    examples = [
        example(1, "关于治理平谷区大兴庄镇村口违停的建议", "pg", rules="gaj", co=("gaj",)),
        example(2, "关于整治望京小区周边违停的建议", "cy", rules="gaj", co=("gaj",)),
        example(3, "关于解决方庄社区违停问题的建议", "ft", rules="gaj", co=("gaj",)),
    ]
    (pattern,) = find_patterns(examples, places, min_support=3, find_places=find)
    assert (pattern.keyword, pattern.from_lead, pattern.to_named_district) == ("违停", "gaj", True)
