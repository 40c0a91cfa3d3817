from __future__ import annotations

import pytest

from tests.helpers import login


@pytest.fixture
def users(make_user):
    return {
        "office": make_user("office_staff"),
        "jtw": make_user("dept_handler", "jtw"),
        "jtw_head": make_user("dept_leader", "jtw"),
        "cg": make_user("dept_handler", "cgw"),
        "cg_head": make_user("dept_leader", "cgw"),
        "jw": make_user("dept_handler", "jw"),
        "jw_head": make_user("dept_leader", "jw"),
        "leader": make_user("leader_readonly"),
    }


@pytest.fixture
def actors(users):
    return {name: user.actor for name, user in users.items()}


@pytest.fixture
def as_user(client):
    """as_user(user): log the test client in as this user (CSRF header set for unsafe requests)."""

    def switch(user):
        client.cookies.clear()
        client.headers.pop("X-CSRF-Token", None)
        login(client, user)
        client.headers["X-CSRF-Token"] = client.csrf
        return client

    return switch
