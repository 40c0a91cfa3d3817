from app.domain.routing.decision import Reason, RuleMatch, Suggestion, decide
from app.domain.routing.rules import Conditions, Outcome, RoutingRule

CONDITION = Conditions(during_session=True)


def rule(name, priority, position, mode="lead", lead=None, co=(), split=(), reference=(), key=False, fallback=False):
    outcome = Outcome(mode=mode, lead=lead, co=co, split=split, reference=reference, key_supervision=key)
    return RoutingRule(name, priority, CONDITION, outcome, position, fallback=fallback)


def match(r):
    return RuleMatch(r, (Reason("title_any", ("停车",)),))


def test_highest_priority_decides_the_lead_and_the_rest_become_co_handlers():
    decision = decide(
        [
            match(rule("general", 400, 1, lead="jw", co=("czj",))),
            match(rule("specific", 600, 2, lead="jtw", co=("gaj",))),
            match(rule("district", 500, 3, lead="hd")),
        ]
    )
    assert decision.status == "proposed" and decision.mode == "lead"
    assert decision.lead == "jtw" and decision.winner == "specific"
    assert decision.co == ("gaj", "hd", "jw", "czj")
    assert [c.rule for c in decision.losing] == ["district", "general"]
    assert {c.why for c in decision.losing} == {"lower_priority"}
    assert decision.conflicts == ()


def test_equal_priority_goes_to_the_rule_written_first_and_is_flagged():
    decision = decide([match(rule("second", 600, 9, lead="jw")), match(rule("first", 600, 3, lead="jtw"))])
    assert decision.lead == "jtw" and decision.co == ("jw",)
    assert decision.losing[0].why == "later_in_file"
    assert [(c.kind, c.rules) for c in decision.conflicts] == [("same_priority", ("first", "second"))]


def test_equal_priority_with_the_same_lead_is_no_conflict():
    decision = decide([match(rule("a", 600, 1, lead="jtw")), match(rule("b", 600, 2, lead="jtw", co=("gaj",)))])
    assert decision.conflicts == () and decision.co == ("gaj",)


def test_the_lead_never_appears_among_co_handlers():
    decision = decide(
        [match(rule("a", 600, 1, lead="jtw", co=("gaj",))), match(rule("b", 500, 2, lead="gaj", co=("jtw",)))]
    )
    assert decision.lead == "jtw" and decision.co == ("gaj",)


def test_reference_outcome_has_no_co_handlers_and_a_mode_conflict_is_flagged():
    decision = decide(
        [match(rule("ref", 700, 1, mode="reference", reference=("gzw",))), match(rule("lead", 600, 2, lead="jtw"))]
    )
    assert decision.mode == "reference" and decision.reference == ("gzw",)
    assert decision.lead is None and decision.co == ()
    assert [(c.kind, c.detail) for c in decision.conflicts] == [("mode", ("reference", "lead"))]


def test_reference_rules_that_lose_add_no_co_handlers():
    decision = decide(
        [match(rule("lead", 700, 1, lead="jtw")), match(rule("ref", 600, 2, mode="reference", reference=("gzw",)))]
    )
    assert decision.co == () and decision.conflicts[0].kind == "mode"


def test_split_outcome_keeps_the_split_departments_out_of_co_handlers():
    decision = decide(
        [
            match(rule("split", 700, 1, mode="split", split=("jw", "czj"))),
            match(rule("other", 600, 2, lead="jw", co=("rsj",))),
        ]
    )
    assert decision.mode == "split" and decision.split == ("jw", "czj") and decision.lead is None
    assert decision.co == ("rsj",)
    assert decision.handling == ("jw", "czj")


def test_key_supervision_is_proposed_when_any_matching_rule_asks():
    decision = decide([match(rule("a", 700, 1, lead="jtw")), match(rule("b", 100, 2, lead="jw", key=True))])
    assert decision.key_supervision is True


def test_fallback_rules_count_only_when_nothing_else_matches():
    with_regular = decide(
        [match(rule("fallback", 900, 1, lead="wjw", fallback=True)), match(rule("regular", 100, 2, lead="jtw"))]
    )
    assert with_regular.lead == "jtw" and with_regular.co == ()
    assert with_regular.losing[0].why == "fallback"
    alone = decide(
        [match(rule("fallback", 50, 1, lead="wjw", fallback=True)), match(rule("f2", 40, 2, lead="jw", fallback=True))]
    )
    assert alone.lead == "wjw" and alone.co == ("jw",)


def test_no_match_goes_to_manual_queue_with_the_suggestions():
    suggestions = (Suggestion("jtw", 3.0, ("停车",)),)
    decision = decide([], suggestions)
    assert decision.status == "manual" and decision.lead is None and decision.handling == ()
    assert decision.suggestions == suggestions


def test_decision_serialises_with_reasons():
    decision = decide([match(rule("a", 600, 1, lead="jtw"))])
    data = decision.as_dict()
    assert data["lead"] == "jtw"
    assert data["matches"][0]["reasons"] == [{"test": "title_any", "values": ["停车"]}]


def test_same_proposal_ignores_order_of_co_handlers():
    one = decide([match(rule("a", 600, 1, lead="jtw", co=("gaj", "jw")))])
    two = decide([match(rule("b", 600, 1, lead="jtw", co=("jw", "gaj")))])
    three = decide([match(rule("c", 600, 1, lead="jw"))])
    assert one.same_proposal(two) and not one.same_proposal(three)
