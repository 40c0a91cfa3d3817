"""Helpers for tests: users, logging in through the real forms, CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.services.actor import Actor

TEST_PASSWORD = "correct-horse-9"


@dataclass
class UserInfo:
    id: int
    username: str
    password: str
    role: str
    department_id: int | None

    @property
    def actor(self) -> Actor:
        from app.domain.enums import Role

        return Actor(self.id, self.username, Role(self.role), self.department_id, self.username)


CSRF_FIELD = re.compile(r'name="_csrf" value="([^"]*)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client, user: UserInfo, password: str | None = None):
    """Log in through the real form; afterwards client.csrf holds the session's CSRF token."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": user.username, "password": password or user.password, "_csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    client.csrf = csrf_from(client.get("/").text)
    return client


def browser_login(page, user: UserInfo) -> None:
    page.goto("/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")
