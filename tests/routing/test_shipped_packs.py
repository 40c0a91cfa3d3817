"""The shipped rule packs route realistic titles well across every department.

The titles (tests/routing/data/*.tsv) were written by hand from practice in Beijing and
Shanghai; two sets per profile were written without looking at the rules (see each file's
first line), and then kept here so that later rule changes cannot silently break them.
"""

import pytest

from app.rules.profiles import load_profile
from tests.routing import evaluation

MIN_ACCURACY = 0.90
MAX_UNMATCHED = 0.05


def _datasets(profile):
    return sorted(p.stem for p in evaluation.DATA.glob(f"{profile}_*.tsv"))


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_correct_lead_on_realistic_titles(profile_name):
    totals = [evaluation.evaluate(profile_name, dataset) for dataset in _datasets(profile_name)]
    total = sum(s.total for s in totals)
    correct = sum(s.correct for s in totals)
    unmatched = sum(s.unmatched for s in totals)
    misses = [
        f"{case.expected} <- {case.title} (got {decision.handling})" for s in totals for case, decision in s.misses
    ]
    assert total >= 250
    assert correct / total >= MIN_ACCURACY, "\n".join(misses)
    assert unmatched / total < MAX_UNMATCHED


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_every_department_has_realistic_titles_routed_to_it(profile_name):
    codes = {d.code for d in load_profile(profile_name).departments}
    expected: dict[str, int] = {}
    correct: dict[str, int] = {}
    for dataset in _datasets(profile_name):
        score = evaluation.evaluate(profile_name, dataset)
        missed = [case for case, _ in score.misses]
        for case in evaluation.cases(dataset):
            expected[case.expected] = expected.get(case.expected, 0) + 1
            if case not in missed:
                correct[case.expected] = correct.get(case.expected, 0) + 1
    assert set(expected) == codes, f"no titles for {codes - set(expected)}"
    assert set(correct) == codes, f"never routed correctly: {codes - set(correct)}"


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_no_topic_keyword_hides_inside_a_district_name(profile_name):
    """A district's name such as 石景山区 must not also read as a topic (山区) that could take the lead."""
    from app.rules import RULES_DIR
    from app.rules.routing import load_routing_rules

    profile = load_profile(profile_name)
    ruleset = load_routing_rules(RULES_DIR / profile_name, profile)
    names = {p.name for p in ruleset.gazetteer.places.values() if p.kind == "names"}
    clashes = [
        (name, word, rule.name)
        for rule in ruleset.rules
        if rule.priority >= 500
        for test in rule.when.keywords
        for word in test.any
        for name in names
        if word in name and word != name and not any(name in (t.none or ()) for t in rule.when.keywords)
    ]
    assert clashes == []
