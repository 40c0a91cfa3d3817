"""The one place that builds the Litestar application."""

from __future__ import annotations

import importlib
import pkgutil

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin, SQLAlchemySyncConfig, SyncSessionConfig
from litestar import Litestar
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from app.db.engine import get_engine
from app.domain.dates import DateOutOfRange
from app.ops import logs
from app.rules.profiles import load_profile
from app.services.errors import UserError
from app.settings import Settings, get_settings, use_settings
from app.web import controllers, nav
from app.web.csrf import enforce_csrf
from app.web.errors import date_out_of_range_handler, http_error_handler, internal_error_handler, user_error_handler
from app.web.flash import FlashMiddleware
from app.web.middleware import IdentityMiddleware, security_headers
from app.web.nav_counts import NavCountsMiddleware
from app.web.openapi_contract import install as install_api_contract
from app.web.openapi_page import LocalSchemaPage
from app.web.templating import template_engine
from app.web.transactions import make_before_send

STATIC_DIR = __import__("app").PROJECT_ROOT / "app" / "static"


def discover_route_handlers() -> list:
    """Every module in app/web/controllers contributes `route_handlers` (and optionally `NAV`)."""
    handlers: list = []
    for module_info in sorted(pkgutil.iter_modules(controllers.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{controllers.__name__}.{module_info.name}")
        handlers.extend(getattr(module, "route_handlers", []))
        nav.register(getattr(module, "NAV", []))
    return handlers


def _ops_lifespan(run_schedule: bool):
    """Readiness is checked once at start-up; without a queue this process also keeps the schedule."""
    import anyio

    from app.ops import queue
    from app.ops.health import default_readiness

    # One schedule per app while any of its lifespans runs: a second lifespan of the same app (two
    # test clients on it) used to start a second schedule over the first, which then never stopped.
    async def startup(app: Litestar) -> None:
        readiness = default_readiness()
        await anyio.to_thread.run_sync(readiness.refresh_all)
        app.state["readiness"] = readiness
        app.state["lifespans"] = app.state.get("lifespans", 0) + 1
        if run_schedule and not queue.configured() and app.state.get("scheduler") is None:
            from app.ops.schedule import EmbeddedScheduler

            app.state["scheduler"] = EmbeddedScheduler().start()

    async def shutdown(app: Litestar) -> None:
        app.state["lifespans"] = app.state.get("lifespans", 1) - 1
        scheduler = app.state.get("scheduler")
        if scheduler is not None and app.state["lifespans"] <= 0:
            scheduler.stop()
            app.state["scheduler"] = None

    return startup, shutdown


def create_app(
    settings: Settings | None = None,
    extra_route_handlers: tuple = (),
    *,
    run_schedule: bool = True,
    request_log: bool = True,
) -> Litestar:
    if settings is not None:
        use_settings(settings)
    settings = get_settings()
    logs.configure(settings.log_format)
    startup, shutdown = _ops_lifespan(run_schedule)
    profile = load_profile(settings.profile)  # a broken profile stops start-up with one message
    db_config = SQLAlchemySyncConfig(
        engine_instance=get_engine(),
        session_config=SyncSessionConfig(expire_on_commit=False),
    )
    # one transaction per request: committed on 2xx/3xx, rolled back on errors (app/web/transactions.py)
    db_config.before_send_handler = make_before_send(db_config.session_scope_key)
    app = Litestar(
        on_startup=[startup],
        on_shutdown=[shutdown],
        route_handlers=[
            *discover_route_handlers(),
            *extra_route_handlers,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        plugins=[SQLAlchemyPlugin(config=db_config)],
        middleware=[
            DefineMiddleware(IdentityMiddleware),
            DefineMiddleware(FlashMiddleware),
            DefineMiddleware(NavCountsMiddleware),
        ],
        before_request=enforce_csrf,
        # every answer, also unknown routes and errors: CSP and friends, X-Request-ID, one charset
        before_send=[security_headers],
        template_config=TemplateConfig(engine=template_engine()),
        exception_handlers={
            UserError: user_error_handler,
            DateOutOfRange: date_out_of_range_handler,
            HTTPException: http_error_handler,
            Exception: internal_error_handler,
        },
        openapi_config=OpenAPIConfig(
            title="Jianti 建提 API",
            version=__import__("importlib.metadata").metadata.version("jianti"),
            description="NPC suggestions and CPPCC proposals: import, routing, handling, deadlines, statistics.",
            path="/schema",
            render_plugins=[LocalSchemaPage("/"), JsonRenderPlugin()],
        ),
        logging_config=LoggingConfig(log_exceptions="debug", disable_stack_trace={404, 401, 403, 409, 422}),
        response_cache_config=ResponseCacheConfig(),
        debug=False,
        state=State({"settings": settings, "profile": profile}),
    )
    install_api_contract(app)  # one error schema and the bounds in the OpenAPI document, before it is served
    # outermost, around Litestar's exception handling: 404s and 500s get a request id and a log line too
    app.asgi_handler = logs.RequestLogMiddleware(app.asgi_handler, enabled=request_log)
    return app
