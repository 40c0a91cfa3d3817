"""The durable-rules path and the plain-Python oracle find the same routing rules."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.enums import ItemKind
from app.domain.routing.decision import RoutableItem
from app.domain.routing.router import Router
from app.engines.routing import RoutingEngine
from app.rules import RULES_DIR
from app.rules.profiles import load_profile
from app.rules.routing import load_routing_rules, parse_routing_rules
from tests.routing import evaluation, oracle

PROFILES = ["beijing", "shanghai"]


@pytest.fixture(scope="module", params=PROFILES)
def setup(request):
    profile = load_profile(request.param)
    ruleset = load_routing_rules(RULES_DIR / request.param, profile)
    parents = {c.code: c.parent for c in profile.categories}
    with Router(ruleset, profile, RoutingEngine) as router:
        yield profile, ruleset, parents, router


def test_engine_equals_oracle_on_realistic_titles(setup):
    profile, ruleset, parents, router = setup
    datasets = [p.stem for p in evaluation.DATA.glob(f"{profile.name}_*.tsv")]
    checked = 0
    for dataset in datasets:
        for case in evaluation.cases(dataset):
            item = case.item
            engine = tuple(m.rule.name for m in router.matches(item))
            assert engine == oracle.matching_rules(ruleset, item, parents), case.title
            checked += 1
    assert checked > 200
    assert router.matcher.stored_fact_count() == 0


def _items(profile, ruleset):
    words = sorted({w for r in ruleset.rules for t in r.when.keywords for w in t.words})
    categories = [c.code for c in profile.categories]
    departments = [d.code for d in profile.departments]
    text = st.lists(st.one_of(st.sampled_from(words), st.text("关于的建议提案市区街道", max_size=3)), max_size=6).map(
        "".join
    )
    return st.builds(
        RoutableItem,
        title=text,
        content=text,
        kind=st.one_of(st.none(), st.sampled_from(list(ItemKind))),
        category=st.one_of(st.none(), st.sampled_from(categories)),
        delegation=st.one_of(st.none(), st.sampled_from(["海淀代表团", "朝阳代表团", ""])),
        sector=st.one_of(st.none(), st.sampled_from(["经济界", "教育界"])),
        party=st.one_of(st.none(), st.sampled_from(["民盟", "民进"])),
        intended=st.lists(st.sampled_from(departments), max_size=2).map(tuple),
        during_session=st.one_of(st.none(), st.booleans()),
    )


@pytest.mark.parametrize("profile_name", PROFILES)
def test_engine_equals_oracle_on_generated_items(profile_name):
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    parents = {c.code: c.parent for c in profile.categories}
    with Router(ruleset, profile, RoutingEngine) as router:

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(item=_items(profile, ruleset))
        def check(item):
            engine = tuple(m.rule.name for m in router.matches(item))
            assert engine == oracle.matching_rules(ruleset, item, parents)

        check()
        assert router.matcher.stored_fact_count() == 0


EXTRA_RULES = """
[[rule]]
name = "会上交通代表团"
priority = 700
when.kind = ["npc_suggestion"]
when.during_session = true
when.delegation = ["海淀代表团", "朝阳代表团"]
when.keywords = [{ any = ["交通"] }, { none = ["地铁"], in = "text" }]
then.lead = "市交通委"

[[rule]]
name = "民盟教育提案"
priority = 700
when.kind = ["cppcc_proposal"]
when.party = ["民盟"]
when.sector = ["教育界"]
when.keywords.all = ["教育", "学校"]
when.keywords.in = "text"
then.split = ["市教委", "市财政局"]

[[rule]]
name = "意向住建闭会"
priority = 500
when.intended = ["市住房城乡建设委"]
when.during_session = false
when.category = ["城乡建设"]
then.reference = ["市国资委"]

[[rule]]
name = "正文提到停车"
priority = 300
when.keywords.any = ["停车"]
when.keywords.in = "content"
then.lead = "市交通委"
"""


def test_engine_equals_oracle_on_every_kind_of_condition():
    profile = load_profile("beijing")
    ruleset = parse_routing_rules(EXTRA_RULES.encode(), profile, "extra.toml")
    parents = {c.code: c.parent for c in profile.categories}
    departments = ["zjw", "jtw", "jw"]
    items = st.builds(
        RoutableItem,
        title=st.lists(st.sampled_from(["交通", "地铁", "教育", "学校", "停车", "关于"]), max_size=4).map("".join),
        content=st.lists(st.sampled_from(["交通", "地铁", "教育", "学校", "停车", "的"]), max_size=4).map("".join),
        kind=st.one_of(st.none(), st.sampled_from(list(ItemKind))),
        category=st.one_of(st.none(), st.sampled_from(["cxjs", "cxjs.jt", "shfz.jy"])),
        delegation=st.one_of(st.none(), st.sampled_from(["海淀代表团", "西城代表团"])),
        sector=st.one_of(st.none(), st.sampled_from(["教育界", "经济界"])),
        party=st.one_of(st.none(), st.sampled_from(["民盟", "民进"])),
        intended=st.lists(st.sampled_from(departments), max_size=2).map(tuple),
        during_session=st.one_of(st.none(), st.booleans()),
    )
    with Router(ruleset, profile, RoutingEngine) as router:

        @settings(max_examples=400, deadline=None)
        @given(item=items)
        def check(item):
            engine = tuple(m.rule.name for m in router.matches(item))
            assert engine == oracle.matching_rules(ruleset, item, parents)

        check()
        examples = {
            "会上交通代表团": RoutableItem(
                "交通", kind=ItemKind.NPC_SUGGESTION, during_session=True, delegation="海淀代表团"
            ),
            "民盟教育提案": RoutableItem("教育", "学校", kind=ItemKind.CPPCC_PROPOSAL, party="民盟", sector="教育界"),
            "意向住建闭会": RoutableItem("x", category="cxjs.jt", intended=("zjw",), during_session=False),
            "正文提到停车": RoutableItem("x", "停车"),
        }
        for name, item in examples.items():
            assert [m.rule.name for m in router.matches(item)] == [name]
            assert oracle.matching_rules(ruleset, item, parents) == (name,)


@pytest.mark.parametrize("profile_name", PROFILES)
def test_place_tier_equals_oracle_on_realistic_and_generated_titles(profile_name):
    """The lead after the place tier: the router (gazetteer index, decide) and the oracle (plain scan) agree."""
    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    parents = {c.code: c.parent for c in profile.categories}
    places = sorted(p.name for p in ruleset.gazetteer.places.values())
    topics = sorted({w for r in ruleset.rules for t in r.when.keywords for w in t.any})
    with Router(ruleset, profile, RoutingEngine) as router:
        checked = 0
        for path in evaluation.DATA.glob(f"{profile_name}_*.tsv"):
            for case in evaluation.cases(path.stem):
                decision = router.route(case.item)
                assert decision.handling[:1] == tuple(filter(None, [oracle.expected_lead(ruleset, case.item, parents)]))
                checked += 1
        assert checked > 200
        pieces = st.one_of(st.sampled_from(places), st.sampled_from(topics), st.sampled_from(["全市", "关于", "的"]))
        titles = st.lists(pieces, min_size=1, max_size=4).map("".join)

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(title=titles, category=st.one_of(st.none(), st.sampled_from([c.code for c in profile.categories])))
        def check(title, category):
            item = RoutableItem(title, category=category)
            lead = oracle.expected_lead(ruleset, item, parents)
            assert router.route(item).handling[:1] == ((lead,) if lead else ())

        check()
