"""Rule suggestions from overrides through the page, the API and `jianti rules suggest`."""

import json

from click.testing import CliRunner

from app.cli.main import jianti
from app.db.engine import session_scope
from app.services.actor import Actor
from tests.routing.override_factories import seed_overrides


def _seed(engine):
    with session_scope(engine) as session:
        return {n: i.id for n, i in seed_overrides(session, Actor.system()).items()}


def test_api_lists_the_pattern_with_items_snippet_and_effect(login_as, clean_db):
    ids = _seed(clean_db)
    client, _user = login_as("office_staff")
    response = client.get("/api/routing/suggestions/")
    assert response.status_code == 200, response.text
    body = response.json()
    (suggestion,) = body["suggestions"]
    assert suggestion["keyword"] == "违停" and suggestion["to_named_district"] and suggestion["from_lead"] == "gaj"
    assert [i["item_id"] for i in suggestion["items"]] == [ids[n] for n in ("0201", "0202", "0203", "0204")]
    assert "[[rule]]" in suggestion["snippet"] and 'then.lead = "朝阳区"' in suggestion["snippet"]
    effect = suggestion["effect"]
    assert (effect["agrees"], effect["disagrees"], effect["undecided"]) == (4, 1, 1)
    assert {i["item_id"] for i in effect["items"] if i["verdict"] == "disagrees"} == {ids["0205"]}


def test_api_refuses_department_users_and_bad_bounds(login_as, clean_db):
    _seed(clean_db)
    client, _user = login_as("office_staff")
    refused = client.get("/api/routing/suggestions/?min_support=1&min_confidence=2")
    assert refused.status_code == 422
    assert {p["field"] for p in refused.json()["problems"]} == {"min_support", "min_confidence"}
    assert client.get("/api/routing/suggestions/?min_support=abc").status_code == 400
    department, _user = login_as("dept_handler", "jtw")
    assert department.get("/api/routing/suggestions/").status_code == 403


def test_page_shows_items_diff_and_snippet_to_the_office_only(login_as, clean_db):
    ids = _seed(clean_db)
    client, _user = login_as("office_staff")
    page = client.get("/routing/suggestions")
    assert page.status_code == 200
    html = page.text
    assert f'href="/routing/items/{ids["0201"]}"' in html and 'data-testid="suggestion-snippet"' in html
    assert 'name = "违停·朝阳区"' in html.replace("&#34;", '"') and 'data-verdict="disagrees"' in html
    assert "/routing/suggestions" in client.get("/routing").text
    empty = client.get("/routing/suggestions?min_support=10")
    assert 'data-testid="no-suggestions"' in empty.text
    department, _user = login_as("dept_handler", "jtw")
    assert department.get("/routing/suggestions").status_code in (403, 302)


def test_cli_suggest_prints_the_pattern_and_json(clean_db):
    _seed(clean_db)
    runner = CliRunner()
    text = runner.invoke(jianti, ["rules", "suggest"], catch_exceptions=False, standalone_mode=False).output
    assert "'违停'" in text and "4 overrides" in text and "[[rule]]" in text and "agrees 4" in text
    out = runner.invoke(
        jianti, ["rules", "suggest", "--min-support", "2", "--json"], catch_exceptions=False, standalone_mode=False
    ).output
    assert json.loads(out)["suggestions"][0]["effect"]["agrees"] == 4
    bad = runner.invoke(jianti, ["rules", "suggest", "--min-support", "1"])
    assert bad.exit_code != 0
