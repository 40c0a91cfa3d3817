"""Remembering in a real browser: similar past items on the routing review, the department's own
past replies in the reply editor (opened side by side), and a rule suggested by overrides that,
once added by the office, routes past items as its `rules diff` predicted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Item
from app.rules.profiles import load_profile
from app.services import routing
from app.services.actor import Actor
from app.services.routing import rule_suggestions
from app.services.routing.proposals import routable_item
from tests.helpers import browser_login
from tests.routing.override_factories import PAST_LABEL, seed_overrides, seed_past_and_current
from tests.routing.services.factories import SESSION_LABEL
from tests.workflow.past_factory import CURRENT, JTW_PAST, JW_PAST, build_past

pytestmark = pytest.mark.browser


def test_routing_review_shows_similar_past_items(page, make_user, clean_db):
    user = make_user("office_staff")
    with session_scope(clean_db) as session:
        past, current = seed_past_and_current(session, Actor.system())
        routing.route_session(session, Actor.system(), SESSION_LABEL)
        past_id, item_id = past["0201"].id, current[0].id
    browser_login(page, user)
    page.goto(f"/routing/items/{item_id}")
    panel = page.locator("[data-testid=similar-past]")
    first = panel.locator("[data-testid=similar-past-item]").first
    assert first.get_attribute("data-item-id") == str(past_id)
    text = first.inner_text()
    assert PAST_LABEL in text and "朝阳区" in text and "已改派" in text
    assert page.locator("[data-testid=explanation]").is_visible()  # beside the rules' explanation
    first.locator("a").click()
    page.wait_for_url(f"**/routing/items/{past_id}")


def test_reply_editor_shows_own_past_replies_and_opens_them_side_by_side(page, make_user, clean_db):
    roles = {"office": ("office_staff", None), "jtw": ("dept_handler", "jtw"), "jtw_head": ("dept_leader", "jtw")}
    roles |= {"jw": ("dept_handler", "jw"), "jw_head": ("dept_leader", "jw")}
    users = {name: make_user(role, code) for name, (role, code) in roles.items()}
    with session_scope(clean_db) as session:
        past = build_past(session, {name: u.actor for name, u in users.items()})
    browser_login(page, users["jtw"])
    page.goto(f"/assignments/{past.jtw_assignment}/reply")
    panel = page.locator("[data-testid=past-replies]")
    assert JTW_PAST in panel.inner_text() and JW_PAST not in panel.inner_text()
    assert "满意" in panel.inner_text()
    panel.locator("[data-testid=side-by-side]").first.click()
    page.wait_for_url(f"**/assignments/{past.jtw_assignment}/past-replies/{past.jtw_reply}")
    assert CURRENT in page.locator("[data-testid=this-draft]").inner_text()
    assert JTW_PAST in page.locator("[data-testid=past-reply-body]").inner_text()
    page.goto(f"/assignments/{past.jtw_assignment}/past-replies/{past.jw_reply}")
    assert JW_PAST not in page.content()


def test_a_suggested_rule_added_by_the_office_changes_past_routing_as_predicted(page, make_user, clean_db, tmp_path):
    user = make_user("office_staff")
    with session_scope(clean_db) as session:
        items = {n: i.id for n, i in seed_overrides(session, Actor.system()).items()}
    browser_login(page, user)
    page.goto("/routing")
    page.click("[data-testid=rule-suggestions-link]")
    page.wait_for_url("**/routing/suggestions")
    card = page.locator("[data-testid=rule-suggestion]")
    assert card.count() == 1
    snippet = card.locator("[data-testid=suggestion-snippet]").inner_text()
    assert 'name = "违停·朝阳区"' in snippet
    predicted = {}
    for row in card.locator("[data-testid=suggestion-diff] tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        predicted[cells[1]] = cells[4]  # number -> lead after
    assert predicted["0201"] == "朝阳区" and predicted["0205"] == "海淀区"
    card.locator("[data-copy]").click()

    # the office appends the snippet to the rule file and loads it (`jianti rules load DIR`)
    profile = load_profile("beijing")
    office = user.actor
    with session_scope(clean_db) as session:
        active = routing.active_version(session, profile)
        for name, text in rule_suggestions.candidate_files(active.content, snippet).items():
            (tmp_path / name).write_text(text, "utf-8")
        loaded = routing.load_rule_set(session, office, profile, directory=tmp_path)
        router = routing.router_for(loaded.version, profile)
        old_router = routing.router_for(active, profile)
        for number, item_id in items.items():
            item = session.scalar(select(Item).where(Item.id == item_id))
            new_lead = router.route(routable_item(item)).lead
            if number in predicted:
                assert profile.department(new_lead).short_name == predicted[number], number
            else:
                assert new_lead == old_router.route(routable_item(item)).lead, number
