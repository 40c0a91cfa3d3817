import threading

import pytest

from app.engines.rulesengine import (
    Absent,
    All,
    Any,
    Compare,
    ConditionError,
    Member,
    Not,
    Present,
    Rule,
    RuleEngine,
    RuleEngineError,
)
from tests.rulesengine import oracle


@pytest.fixture
def engine():
    rules = [
        Rule("parking", Member("hits", "any", ("停车", "车位")), priority=10),
        Rule("transport", Compare("category", "eq", "交通出行"), priority=20),
        Rule("not_education", Not(Compare("category", "eq", "教育")), priority=10),
        Rule("no_keyword", Member("hits", "none", ("停车", "电梯")), priority=1),
        Rule("small", Compare("count", "lt", 3), priority=5),
        Rule("flagged", Compare("urgent", "eq", True), priority=5),
    ]
    with RuleEngine("test_engine", "item", rules) as compiled:
        yield compiled


def test_every_matching_rule_fires_for_one_fact(engine):
    fact = {"hits": ["停车"], "category": "交通出行", "count": 1, "urgent": True}
    assert engine.match_names(fact) == ("transport", "parking", "not_education", "small", "flagged")


def test_ties_are_broken_by_declaration_order(engine):
    # parking and not_education share priority 10: parking is declared first
    names = engine.match_names({"hits": ["车位", "电梯"], "category": "住房"})
    assert names == ("parking", "not_education")


def test_missing_and_none_fields_fail_comparisons_but_not_negations(engine):
    assert engine.match_names({"category": None}) == ("not_education",)
    assert engine.match_names({}) == ("not_education",)


def test_empty_list_holds_none_of_the_keywords(engine):
    assert "no_keyword" in engine.match_names({"hits": []})
    assert "no_keyword" not in engine.match_names({"hits": ["电梯"]})


def test_equal_facts_asserted_twice_both_match_and_nothing_stays(engine):
    fact = {"hits": ["停车"], "category": "交通出行"}
    first = engine.match_names(fact)
    assert engine.match_names(dict(fact)) == first
    assert engine.stored_fact_count() == 0


def test_no_fact_left_behind_even_when_a_fact_is_refused(engine):
    for index in range(300):
        engine.match_names({"hits": [f"k{index}"], "count": index % 7})
    with pytest.raises(ConditionError):
        engine.match_names({"count": "three"})
    assert engine.stored_fact_count() == 0


@pytest.mark.parametrize("field", ["id", "sid", "kind"])
def test_reserved_fact_fields_are_refused(engine, field):
    with pytest.raises(ConditionError, match=f"{field}.*reserved"):
        engine.match_names({field: "x"})


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        ({"count": "3"}, "expect a number"),
        ({"count": True}, "expect a number"),
        ({"hits": "停车"}, "list of str"),
        ({"hits": [1]}, "list of str"),
        ({"count": 1e-05}, "exponent"),
        ({"count": 2**60}, "too large"),
    ],
)
def test_fact_values_must_fit_how_rules_use_the_field(engine, fact, problem):
    with pytest.raises(ConditionError, match=problem):
        engine.match_names(fact)


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([Rule("a", Compare("id", "eq", 1))], "reserved"),
        ([Rule("a", Compare("sid", "eq", 1))], "reserved"),
        ([Rule("a", Compare("x.y", "eq", 1))], "identifier"),
        ([Rule("a", Compare("x__len", "eq", 1))], "reserved"),
        ([Rule("a", All(()))], "empty All"),
        ([Rule("a", Any(()))], "empty Any"),
        ([Rule("a", Member("l", "any", ()))], "non-empty"),
        ([Rule("a", Compare("x", "eq", 1), priority=70000)], "outside 0..65535"),
        ([Rule("a", Compare("x", "eq", 1), priority=-1)], "outside 0..65535"),
        ([Rule("a", Compare("x", "eq", 1), priority=True)], "whole number"),
        ([Rule("a", Compare("x", "eq", 1)), Rule("a", Compare("x", "eq", 2))], "duplicate rule name"),
        ([Rule("a", Compare("x", "eq", 1)), Rule("b", Compare("x", "eq", "1"))], "used as a str"),
        ([Rule("a", Compare("x", "eq", 1)), Rule("b", Member("x", "any", (1,)))], "used as a list"),
        ([Rule("a", Compare("x", "lt", "b"))], "needs a number"),
        ([Rule("a", Compare("x", "in", (1, "1")))], "mix types"),
        ([Rule("a", Compare("x", "eq", float("nan")))], "exponent"),
        ([Rule("a", Compare("x", "op", 1))], "unknown comparison"),
        ([Rule("", Compare("x", "eq", 1))], "non-empty name"),
    ],
)
def test_broken_rules_are_refused_with_the_rule_named(rules, problem):
    with pytest.raises(ConditionError, match=problem) as info:
        RuleEngine("broken", "item", rules)
    assert "rule set broken, rule #" in str(info.value)


def test_conditions_that_expand_to_too_many_paths_are_refused():
    alternatives = [Any(tuple(Compare(f"f{i}", "eq", v) for v in range(4))) for i in range(5)]
    with pytest.raises(ConditionError, match="1024 match paths"):
        RuleEngine("paths", "item", [Rule("wide", All(tuple(alternatives)))])


def test_field_names_that_are_durable_attribute_names_stay_fields():
    rules = [Rule("r", All((Compare("define", "eq", 1), Present("alias"), Absent("anyItem"))))]
    with RuleEngine("names", "item", rules) as engine:
        assert engine.match_names({"define": 1, "alias": "x"}) == ("r",)
        assert engine.match_names({"define": 1, "alias": "x", "anyItem": 2}) == ()


def test_rules_beyond_the_shard_size_are_split_and_all_still_match():
    rules = [Rule(f"r{i}", Member("hits", "any", (f"k{i % 50}",)), priority=i % 3) for i in range(1000)]
    with RuleEngine("sharded", "item", rules, max_rules_per_ruleset=400) as engine:
        assert len(engine.ruleset_names) == 3
        names = engine.match_names({"hits": ["k7"]})
        assert set(names) == {f"r{i}" for i in range(1000) if i % 50 == 7}
        assert names == oracle.matching_names(rules, {"hits": ["k7"]})
        assert engine.stored_fact_count() == 0


def test_shard_size_is_capped_below_500():
    with pytest.raises(ConditionError, match="1..499"):
        RuleEngine("big", "item", [Rule("a", Present("x"))], max_rules_per_ruleset=500)


def test_each_compiled_engine_gets_unique_ruleset_names():
    rules = [Rule("a", Present("x"))]
    with RuleEngine("same", "item", rules) as first, RuleEngine("same", "item", rules) as second:
        assert first.version == second.version
        assert set(first.ruleset_names).isdisjoint(second.ruleset_names)
        assert first.match_names({"x": 1}) == second.match_names({"x": 1}) == ("a",)


def test_version_changes_with_any_rule_change():
    base = [Rule("a", Present("x"), priority=1)]
    versions = {
        RuleEngine("v", "item", base).version,
        RuleEngine("v", "item", [Rule("a", Present("x"), priority=2)]).version,
        RuleEngine("v", "item", [Rule("a", Present("y"), priority=1)]).version,
        RuleEngine("v", "other", base).version,
    }
    assert len(versions) == 4


def test_rules_only_see_facts_of_their_kind_never_the_engine_state():
    # a rule on a bare, always-true test would also match durable's own state record
    with RuleEngine("kinds", "item", [Rule("any_fact", Absent("nothing"))]) as engine:
        for _ in range(20):
            assert engine.match_names({}) == ("any_fact",)
        assert engine.stored_fact_count() == 0


def test_closed_engine_refuses_facts():
    engine = RuleEngine("closing", "item", [Rule("a", Present("x"))])
    engine.close()
    engine.close()
    with pytest.raises(RuleEngineError, match="closed"):
        engine.match_names({"x": 1})


def test_concurrent_callers_get_the_same_answers_as_one_caller(engine):
    facts = [
        {"hits": ["停车"] if i % 2 else [], "category": ["交通出行", "教育", "住房"][i % 3], "count": i % 5}
        for i in range(200)
    ]
    expected = [engine.match_names(f) for f in facts]
    results: dict[int, list] = {}

    def worker(slot: int) -> None:
        results[slot] = [engine.match_names(f) for f in facts]

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[slot] == expected for slot in range(4))
    assert engine.stored_fact_count() == 0


def test_texts_with_quotes_backslashes_and_emoji_compare_exactly():
    values = ['a"b', "a\\b", "\\u0041", "😀", "", " ", "{}", "$m"]
    rules = [Rule(f"r{i}", Compare("s", "eq", v)) for i, v in enumerate(values)]
    with RuleEngine("texts", "item", rules) as engine:
        for i, value in enumerate(values):
            assert engine.match_names({"s": value}) == (f"r{i}",)
        assert engine.match_names({"s": "A"}) == ()


def test_a_transient_durable_compile_failure_is_retried(monkeypatch):
    import durable_rules_engine

    real_create = durable_rules_engine.create_ruleset
    calls = []

    def flaky_create(name, definition):
        calls.append(name)
        if len(calls) == 1:
            raise durable_rules_engine.error("Could not create ruleset, error code: 102")
        return real_create(name, definition)

    monkeypatch.setattr(durable_rules_engine, "create_ruleset", flaky_create)
    with RuleEngine("retried", "item", [Rule("a", Present("x"))]) as engine:
        assert len(calls) == 2 and engine.ruleset_names[0].endswith("_retry1")
        assert engine.match_names({"x": 1}) == ("a",)


def test_a_persistent_durable_compile_failure_is_reported(monkeypatch):
    import durable_rules_engine

    def broken_create(name, definition):
        raise durable_rules_engine.error("Could not create ruleset, error code: 102")

    monkeypatch.setattr(durable_rules_engine, "create_ruleset", broken_create)
    with pytest.raises(RuleEngineError, match="could not compile"):
        RuleEngine("failing", "item", [Rule("a", Present("x"))])
