"""The durable-rules path and the plain-Python oracle agree on generated rules and facts."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engines.rulesengine import Absent, All, Any, Compare, Member, Not, Present, Rule, RuleEngine
from tests.rulesengine import oracle

TEXTS = ["停车", "电梯", "", 'a"b', "x"]
NUMBERS = [-2, 0, 1, 2.5, 3]
SCALAR_FIELDS = {"category": TEXTS, "count": NUMBERS, "urgent": [True, False]}
LIST_FIELDS = {"hits": TEXTS, "parties": TEXTS}


def leaf():
    scalar = st.sampled_from(sorted(SCALAR_FIELDS)).flatmap(
        lambda field: st.one_of(
            st.builds(
                Compare,
                st.just(field),
                st.sampled_from(("eq", "ne") if field != "count" else ("eq", "ne", "lt", "le", "gt", "ge")),
                st.sampled_from(SCALAR_FIELDS[field]),
            ),
            st.builds(
                Compare,
                st.just(field),
                st.just("in"),
                st.lists(st.sampled_from(SCALAR_FIELDS[field]), min_size=1, max_size=3).map(tuple),
            ),
        )
    )
    member = st.sampled_from(sorted(LIST_FIELDS)).flatmap(
        lambda field: st.builds(
            Member,
            st.just(field),
            st.sampled_from(("any", "all", "none")),
            st.lists(st.sampled_from(LIST_FIELDS[field]), min_size=1, max_size=3).map(tuple),
        )
    )
    presence = st.sampled_from(sorted({**SCALAR_FIELDS, **LIST_FIELDS})).flatmap(
        lambda field: st.one_of(st.builds(Present, st.just(field)), st.builds(Absent, st.just(field)))
    )
    return st.one_of(scalar, member, presence)


conditions = st.recursive(
    leaf(),
    lambda children: st.one_of(
        st.builds(All, st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Any, st.lists(children, min_size=1, max_size=2).map(tuple)),
        st.builds(Not, children),
    ),
    max_leaves=6,
)


@st.composite
def facts(draw):
    fact = {}
    for field, values in SCALAR_FIELDS.items():
        value = draw(st.one_of(st.none(), st.sampled_from(values)))
        if value is not None or draw(st.booleans()):
            fact[field] = value
    for field, values in LIST_FIELDS.items():
        if draw(st.booleans()):
            fact[field] = draw(st.lists(st.sampled_from(values), max_size=3))
    return fact


rule_lists = st.lists(st.tuples(conditions, st.integers(0, 3)), min_size=1, max_size=6).map(
    lambda pairs: [Rule(f"r{i}", cond, priority) for i, (cond, priority) in enumerate(pairs)]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rule_lists, fact_list=st.lists(facts(), min_size=1, max_size=8))
def test_engine_and_oracle_find_the_same_rules_in_the_same_order(rules, fact_list):
    with RuleEngine("generated", "item", rules) as engine:
        for fact in fact_list:
            assert engine.match_names(fact) == oracle.matching_names(rules, fact), fact
        assert engine.stored_fact_count() == 0
