"""The gazetteer (rules/<profile>/places.toml) and the place tier of routing."""

import pytest

from app.domain.routing.decision import RoutableItem
from app.domain.routing.places import PlacesError, parse_places
from app.domain.routing.router import Router
from app.domain.routing.rules import join_places, parse_routing_rules
from app.engines.routing import RoutingEngine
from app.i18n import locale_scope
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules
from app.services.routing.text import explanation_lines

SOURCE = "rules/shanghai/places.toml"


@pytest.fixture(scope="module")
def shanghai():
    return load_profile("shanghai")


def problems(text, profile):
    with pytest.raises(PlacesError) as caught:
        parse_places(text.encode(), profile, SOURCE)
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "entry", "problem"),
    [
        ('[[district]]\ndepartment = "市停车办"\nnames = ["x区"]', "district #1", "unknown department '市停车办'"),
        ('[[district]]\ndepartment = "市交通委"\nnames = ["x区"]', "district #1", "is not a district department"),
        (
            '[[district]]\ndepartment = "闵行区"\ntowns = ["虹桥镇"]\n[[district]]\ndepartment = "长宁区"\nstreets = ["虹桥镇"]',
            "district #2 '长宁区' streets",
            "'虹桥镇' is also listed under district #1 '闵行区' towns",
        ),
        (
            '[[district]]\ndepartment = "闵行区"\ntowns = ["七宝镇"]\nparks = ["七宝镇"]',
            "district #1 '闵行区' parks",
            "listed twice",
        ),
        (
            '[[district]]\ndepartment = "闵行区"\nnames = ["闵行区"]\n[[ambiguous]]\nname = "虹桥"\ndistricts = ["闵行区"]',
            "ambiguous #1 '虹桥'",
            "needs at least two districts",
        ),
        ('[[district]]\ndepartment = "闵行区"\nvillages = ["x"]', "district #1 '闵行区'", "unknown key(s) villages"),
        ('[[district]]\ndepartment = "闵行区"\ntowns = "七宝镇"', "district #1 '闵行区'", "'towns' must be a list"),
        ("scope = 'everywhere'\n[[district]]\ndepartment = '闵行区'", "file", "'scope' is 'everywhere'"),
        ('municipal_departments = ["闵行区"]\n[[district]]\ndepartment = "闵行区"', "file", "is a district"),
        ("[[district]\n", "syntax", ""),
        ("", "file", "no [[district]] entries"),
    ],
)
def test_a_broken_gazetteer_is_refused_naming_file_entry_and_problem(shanghai, text, entry, problem):
    found = problems(text, shanghai)
    assert any(f == SOURCE and e == entry and problem in p for f, e, p in found), found


def test_a_name_in_two_districts_is_accepted_when_declared_ambiguous(shanghai):
    text = (
        '[[district]]\ndepartment = "闵行区"\ntowns = ["虹桥"]\n[[district]]\ndepartment = "长宁区"\nstreets = ["虹桥"]\n'
        '[[ambiguous]]\nname = "虹桥"\ndistricts = ["闵行区", "长宁区"]'
    )
    gazetteer = parse_places(text.encode(), shanghai, SOURCE)
    [hit] = gazetteer.find("虹桥地区")
    assert hit.place.kind == "ambiguous" and hit.district is None


def test_a_broken_gazetteer_refuses_the_rule_set_with_both_files_named(shanghai):
    routing = (RULES_DIR / "shanghai" / "routing.toml").read_bytes()
    data = join_places(routing, '[[district]]\ndepartment = "市交通委"'.encode())
    with pytest.raises(ValueError) as caught:
        parse_routing_rules(data, shanghai, "rules/shanghai/routing.toml")
    assert "rules/shanghai/places.toml: district #1: '市交通委' is not a district department" in str(caught.value)


@pytest.fixture(scope="module")
def router(shanghai):
    ruleset = load_routing_rules(RULES_DIR / "shanghai", shanghai)
    with Router(ruleset, shanghai, RoutingEngine) as router:
        yield router


def test_longest_name_first_and_no_overlaps(router):
    gazetteer = router.ruleset.gazetteer
    assert [(h.place.name, h.place.kind, h.district) for h in gazetteer.find("关于顾村公园周边")] == [
        ("顾村公园", "parks", "bs")
    ]
    assert [h.district for h in gazetteer.find("虹桥街道")] == ["cn"]
    assert [h.district for h in gazetteer.find("虹桥镇")] == ["mh"]
    assert [h.district for h in gazetteer.find("虹桥地区")] == [None]  # declared ambiguous
    assert [h.place.name for h in gazetteer.find("闵行区莘庄地铁站")] == ["闵行区", "莘庄地铁站"]


def test_a_local_matter_in_one_district_is_led_by_the_district_with_the_topic_co_handling(router):
    decision = router.route(RoutableItem("关于改善莘庄镇菜市场环境的建议"))
    assert decision.lead == "mh" and "sww" in decision.co
    assert decision.winner == "地点：闵行区"
    reasons = {r.test: r.values for m in decision.matches if m.rule.name == decision.winner for r in m.reasons}
    assert reasons["place"] == ("莘庄镇", "towns", "mh") and reasons["place_tier"] == ("local",)


def test_municipal_only_topics_stay_with_the_topic_department(router):
    metro = router.route(RoutableItem("关于地铁1号线莘庄站增加班次的建议"))
    assert metro.lead == "jtw" and "mh" in metro.co  # 号线: a municipal word
    police = router.route(RoutableItem("关于加强七宝镇治安巡逻的建议"))
    assert police.lead == "gaj" and "mh" in police.co  # 市公安局: a municipal department


def test_a_district_name_alone_co_handles_unless_a_local_word_is_there(router):
    topic = router.route(RoutableItem("关于闵行区菜市场环境的建议"))
    assert topic.lead == "sww" and "mh" in topic.co
    local = router.route(RoutableItem("关于闵行区城中村改造的建议"))
    assert local.lead == "mh"
    alone = router.route(RoutableItem("关于闵行区的建议"))
    assert alone.lead == "mh"


def test_two_districts_the_topic_department_leads_both_districts_co_handle(router):
    decision = router.route(RoutableItem("关于打通七宝镇与田林街道之间断头路的建议"))
    assert decision.lead == "jtw" and {"mh", "xh"} <= set(decision.co)


def test_the_explanation_shows_the_place_its_gazetteer_entry_and_the_tier(router, shanghai):
    decision = router.route(RoutableItem("关于提升顾村公园周边交通组织的建议"))
    with locale_scope("zh_CN"):
        text = "\n".join(explanation_lines(shanghai, decision.as_dict()))
    assert "地点：宝山区 [1000] → 宝山区" in text
    assert "标题含地名“顾村公园”（地名表：宝山区 · 公园）" in text
    assert "一区本地事项：区政府主办，主题部门协办" in text
    with locale_scope("en"):
        english = "\n".join(explanation_lines(shanghai, decision.as_dict()))
    assert "title names the place “顾村公园” (gazetteer: 宝山区 · park)" in english


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_shipped_gazetteers_cover_every_district_of_the_profile(profile_name):
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    districts = {d.code for d in profile.departments if d.kind.value == "district"}
    assert len(districts) == 16 and set(ruleset.gazetteer.districts()) == districts
    assert not any(r.name.startswith("字：") for r in ruleset.rules)  # single characters are gone


def test_a_municipal_word_without_a_topic_leaves_the_item_to_the_office(router):
    decision = router.route(RoutableItem("关于全市闵行区的意见"))
    assert decision.status == "manual" and decision.lead is None
