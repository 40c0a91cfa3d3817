"""A request that fails writes nothing, even when the failure is answered with a redirect."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotAuthorizedException
from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models import CongressSession
from app.web.deps import DbSession


class Failing(Controller):
    path = "/test-failing"

    @get("/", sync_to_thread=True)
    def write_then_fail(self, db_session: DbSession) -> str:
        db_session.add(CongressSession(body="npc", label="written-before-failing", year=2026))
        db_session.flush()
        raise NotAuthorizedException("session expired")


def test_write_then_unauthorized_redirect_is_rolled_back(clean_db):
    from litestar.testing import TestClient

    from app.web.app import create_app

    with TestClient(create_app(extra_route_handlers=(Failing,))) as client:
        response = client.get("/test-failing/", follow_redirects=False)
        assert response.status_code in (302, 303)
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count(CongressSession.id))) == 0
