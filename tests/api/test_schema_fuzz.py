"""Schemathesis against the app's own OpenAPI, in-process (ASGI), with seeded data.

Every operation under /api is called with generated input, once with an office admin's token
and once with a department handler's: no answer may be a server error, every answer must be a
documented status with the documented content type and schema. The example count is bounded
(JIANTI_FUZZ_EXAMPLES, default 8 per operation and role, valid and invalid input mixed) so the run stays near a minute.
The operations are dealt into SHARDS tests that pytest-xdist can run side by side; each starts from its own freshly
seeded database, so a shard's run does not depend on which others ran before it on the same worker.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db.engine import session_scope
from app.services import accounts
from app.services.actor import Actor
from tests.helpers import TEST_PASSWORD, UserInfo

EXAMPLES = int(os.environ.get("JIANTI_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SHARDS = 4


def _user(session, role: str, department: str | None, name: str) -> UserInfo:
    user = accounts.create_user(
        session, Actor.system(), username=name, password=TEST_PASSWORD, role=role, department_code=department
    )
    return UserInfo(user.id, user.username, TEST_PASSWORD, user.role, user.department_id)


@pytest.fixture(scope="module")
def api_schema(_one_app):
    app, _state = _one_app  # the worker's app; the `app` fixture puts its state back for each shard
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app).include(path_regex=r"^/api/")
    schemathesis_asgi.shutdown_lifespans()  # loading started the app; each shard starts it afresh
    return schema


@pytest.fixture
def seeded(clean_db):
    """A handled item with something in every table, and a token per fuzzing role."""
    from tests.workflow.scenario import handled_item

    with session_scope(clean_db) as session:
        users = {
            "office": _user(session, "office_admin", None, "fuzz_admin"),
            "jtw": _user(session, "dept_handler", "jtw", "fuzz_jtw"),
            "jtw_head": _user(session, "dept_leader", "jtw", "fuzz_jtw_head"),
            "cg": _user(session, "dept_handler", "cgw", "fuzz_cg"),
        }
    with session_scope(clean_db) as session:
        handled_item(session, {name: user.actor for name, user in users.items()})
    with session_scope(clean_db) as session:
        return [accounts.issue_token(session, Actor.system(), name) for name in ("fuzz_admin", "fuzz_jtw")]


@pytest.fixture
def asgi_client(app, seeded):
    """One in-process client for all calls of a shard (schemathesis would build one per call); its lifespan (the
    app's start-up) is ended afterwards, so no schedule thread of this app outlives the test."""
    with schemathesis_asgi.get_client(app) as client:
        yield client
    schemathesis_asgi.shutdown_lifespans()


def _fuzz(operation, tokens: list[str], client) -> None:
    # valid input (must be answered as documented) and invalid input (must be a documented 4xx, never 500)
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples on every run: a CI failure reproduces
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case) -> None:
        for token in tokens:
            client.cookies.clear()  # each call as from a fresh client: no cookie from an earlier answer
            case.call_and_validate(session=client, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    check()


@pytest.mark.parametrize("shard", range(SHARDS))
def test_api_answers_as_documented(api_schema, seeded, asgi_client, shard):
    """Every SHARDS-th operation from `shard` on (schemathesis' lazy pytest loader does not run under pytest 9)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 60
    failures = []
    for operation in operations[shard::SHARDS]:
        try:
            _fuzz(operation, seeded, asgi_client)
        except (Exception, BaseExceptionGroup) as failure:  # collect them all, then fail once with the list
            failures.append(f"{operation.label}: {type(failure).__name__}: {str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)
