"""The public site (/public, no login): published replies only, through app.services.public_site."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.services import public_site
from app.web.deps import DbSession


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class PublicController(Controller):
    path = "/public"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def index(self, request: Request, db_session: DbSession) -> Template:
        params = request.query_params
        query = public_site.PublicQuery(
            year=_int(params.get("year")),
            session=(params.get("session") or "")[:64],
            category=(params.get("category") or "")[:64],
            department=(params.get("department") or "")[:128],
            q=(params.get("q") or "")[:100],
            page=_int(params.get("page")) or 1,
        )
        return Template("public/index.html", context={"result": public_site.search(db_session, query), "query": query})

    @get("/replies/{public_id:int}", sync_to_thread=True)
    def reply(self, db_session: DbSession, public_id: FromPath[int]) -> Template:
        return Template("public/reply.html", context={"r": public_site.get(db_session, public_id)})

    @get("/replies/{public_id:int}/print", sync_to_thread=True)
    def print_view(self, db_session: DbSession, public_id: FromPath[int]) -> Template:
        return Template("public/print.html", context={"r": public_site.get(db_session, public_id)})


route_handlers = [PublicController]
