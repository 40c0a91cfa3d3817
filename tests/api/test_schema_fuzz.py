"""Schemathesis against the app's own OpenAPI, in-process (ASGI), with seeded data.

Every operation under /api is called with generated input, once with an office admin's token
and once with a department handler's: no answer may be a server error, every answer must be a
documented status with the documented content type and schema. The example count is bounded
(JIANTI_FUZZ_EXAMPLES, default 8 per operation and role, valid and invalid input mixed) so the run stays near a minute.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db.engine import session_scope
from app.rules.profiles import load_profile
from app.services import accounts, departments
from app.services.actor import Actor
from tests.conftest import _empty_all_tables
from tests.helpers import TEST_PASSWORD, UserInfo

EXAMPLES = int(os.environ.get("JIANTI_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _user(session, role: str, department: str | None, name: str) -> UserInfo:
    user = accounts.create_user(
        session, Actor.system(), username=name, password=TEST_PASSWORD, role=role, department_code=department
    )
    return UserInfo(user.id, user.username, TEST_PASSWORD, user.role, user.department_id)


@pytest.fixture(scope="module")
def seeded(engine):
    """A handled item with something in every table, and a token per fuzzing role."""
    from tests.workflow.scenario import handled_item

    _empty_all_tables(engine)
    with session_scope(engine) as session:
        departments.sync_departments(session, Actor.system(), load_profile("beijing"))
    with session_scope(engine) as session:
        users = {
            "office": _user(session, "office_admin", None, "fuzz_admin"),
            "jtw": _user(session, "dept_handler", "jtw", "fuzz_jtw"),
            "jtw_head": _user(session, "dept_leader", "jtw", "fuzz_jtw_head"),
            "cg": _user(session, "dept_handler", "cgw", "fuzz_cg"),
        }
    with session_scope(engine) as session:
        handled_item(session, {name: user.actor for name, user in users.items()})
    with session_scope(engine) as session:
        tokens = [accounts.issue_token(session, Actor.system(), name) for name in ("fuzz_admin", "fuzz_jtw")]
    yield tokens
    _empty_all_tables(engine)


@pytest.fixture(scope="module")
def fuzz_app(seeded):
    from app.web.app import create_app

    return create_app()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/schema/openapi.json", fuzz_app).include(path_regex=r"^/api/")


def _fuzz(operation, tokens: list[str]) -> None:
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
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    check()


def test_api_answers_as_documented(api_schema, seeded):
    """One test over all operations (schemathesis' lazy pytest loader does not run under pytest 9)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 60
    failures = []
    for operation in operations:
        try:
            _fuzz(operation, seeded)
        except (Exception, BaseExceptionGroup) as failure:  # collect them all, then fail once with the list
            failures.append(f"{operation.label}: {type(failure).__name__}: {str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)
