"""advanced-alchemy's private internals, used in one adapter: fail loudly when the library changes."""

from __future__ import annotations

import inspect

from advanced_alchemy.extensions.litestar._utils import set_aa_scope_state

from app.web import alchemy_adapter


def test_the_installed_advanced_alchemy_is_a_checked_release():
    installed = alchemy_adapter.installed_version()
    assert installed in alchemy_adapter.CHECKED_VERSIONS, (
        f"advanced-alchemy {installed} is installed, but app/web/alchemy_adapter.py was checked against "
        f"{sorted(alchemy_adapter.CHECKED_VERSIONS)}: read get_aa_scope_state and autocommit_handler_maker in "
        "the new release (app/web/transactions.py relies on them), then add the version to CHECKED_VERSIONS"
    )


def test_the_internals_still_have_the_shape_transactions_relies_on():
    scope_state = inspect.signature(alchemy_adapter.get_aa_scope_state).parameters
    assert list(scope_state)[:2] == ["scope", "key"]
    handler = inspect.signature(alchemy_adapter.autocommit_handler_maker).parameters
    assert {"commit_on_redirect", "session_scope_key"} <= set(handler)


def test_the_request_session_is_read_from_where_the_plugin_stores_it():
    scope: dict = {}
    assert alchemy_adapter.request_session(scope, "db_session_key") is None
    marker = object()
    set_aa_scope_state(scope, "db_session_key", marker)  # how the plugin stores the request's session
    assert alchemy_adapter.request_session(scope, "db_session_key") is marker


def test_the_status_handler_is_callable_with_a_message_and_a_scope():
    handler = alchemy_adapter.status_commit_handler("db_session_key")
    handler({"type": "http.response.start", "status": 200}, {})  # no session in scope: nothing to commit
