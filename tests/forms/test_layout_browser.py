"""Layout in Chromium at 1280×720: the office's navigation stays on one line; print shows content only."""

from __future__ import annotations

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["中文", "English"])
def test_office_navigation_fits_one_line(page, make_user, language):
    page.set_viewport_size({"width": 1280, "height": 720})
    browser_login(page, make_user("office_admin"))
    if language == "English":
        page.click("text=English")
        page.wait_for_selector("html[lang=en]")
    links = page.locator(".mainnav > a, .navmore > summary")
    assert links.count() >= 8
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
    assert len(tops) == 1, tops  # one line
    nav = page.locator(".mainnav").evaluate("n => [n.scrollWidth, n.clientWidth]")
    assert nav[0] <= nav[1], nav  # nothing cut off
    assert page.locator(".topbar").bounding_box()["height"] < 60
    right = page.locator(".account").bounding_box()
    assert right["x"] + right["width"] <= 1280
    # the pages opened now and then are one keyboard step away, in the "More" menu
    page.locator(".navmore > summary").focus()
    page.keyboard.press("Enter")
    menu = page.locator(".navmenu a")
    assert menu.first.is_visible() and menu.count() >= 4
    assert "/admin/users" in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_print_shows_the_content_only(page, make_user):
    browser_login(page, make_user("office_admin"))
    page.goto("/")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert page.locator("h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".topbar").is_visible()
