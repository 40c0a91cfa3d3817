"""Home pages: the office and the leaders see this year's key figures, each a link into the lists."""

from __future__ import annotations

import re

from tests.workflow.scenario import handled_item


def figures(html: str) -> dict[str, tuple[str, str]]:
    found = {}
    for code, href, value in re.findall(
        r'data-figure="(\w+)">\s*<a href="([^"]+)">.*?<span class="value">([^<]*)</span>', html, re.S
    ):
        found[code] = (href.replace("&amp;", "&"), value)
    return found


def test_office_and_leader_see_the_key_figures_with_links(db_session, users, actors, as_user):
    handled_item(db_session, actors)
    db_session.commit()
    for who in ("office", "leader"):
        page = as_user(users[who]).get("/")
        assert page.status_code == 200
        shown = figures(page.text)
        assert set(shown) == {"on_time_rate", "final_satisfaction_rate", "overdue_unreplied", "key_supervision"}
        assert shown["overdue_unreplied"][0] == "/items?overdue=1"
        assert shown["key_supervision"][0] == "/items?key=1"
        assert shown["on_time_rate"][1].endswith("%")  # one reply sent, on time
        assert "按期办复率" in page.text and "重点督办" in page.text
    department = as_user(users["jtw"]).get("/")
    assert 'data-testid="key-figures"' not in department.text


def test_key_figures_with_no_items_yet(users, as_user):
    page = as_user(users["leader"]).get("/")
    assert page.status_code == 200
    assert figures(page.text)["on_time_rate"][1] == "—"


def test_appraisal_table_scrolls_with_the_department_first(db_session, users, actors, as_user):
    handled_item(db_session, actors)
    db_session.commit()
    html = as_user(users["office"]).get("/stats").text
    table = html[html.index('data-testid="appraisal-scroll"') :]
    assert 'class="table-scroll"' in html[html.index('data-testid="appraisal-scroll"') - 40 :][:80]
    head = table[table.index("<thead>") : table.index("</thead>")]
    assert re.search(r"<tr><th[^>]*>单位</th>", head) or re.search(r"<tr><th[^>]*>承办单位</th>", head), head[:200]
    assert '<th scope="row">' in table
