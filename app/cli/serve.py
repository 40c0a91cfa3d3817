"""`jianti serve` and `jianti demo`; each imports what it needs when it runs, so a failed start-up fails fast."""

from __future__ import annotations

import click

from app.settings import get_settings


def _check_ready() -> None:
    from app.db.engine import check_connection
    from app.rules.profiles import load_profile

    check_connection()
    load_profile(get_settings().profile)  # a broken profile stops start-up with one message
    from app.db import migrate  # Alembic and the models: a second of start-up, past the cheap checks

    if not migrate.is_up_to_date():
        raise click.ClickException("the database is not migrated; run `jianti db upgrade` first")


@click.command("serve", help="Serve Jianti (PostgreSQL in production: JIANTI_DATABASE_URL=postgresql+psycopg://…).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    _check_ready()
    import uvicorn

    # uvicorn's supervisor kills a worker that does not answer its ping within timeout_worker_healthcheck
    # (5 s by default); importing the app on a busy 2-core machine takes longer, and workers were killed
    # and restarted in a loop (ops, tests/ops/test_cluster.py)
    # on SIGTERM requests in flight get shutdown_grace_seconds, then the process ends (lock waits are
    # bounded by lock_timeout, so nothing a request does can keep it alive past that)
    uvicorn.run(
        "app.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_worker_healthcheck=60,
        timeout_graceful_shutdown=get_settings().shutdown_grace_seconds,
    )


@click.command("demo", help="Migrate and seed a demo database (SQLite by default) and serve it on 127.0.0.1:8000.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="prepare the database only")
def demo(host: str, port: int, no_serve: bool) -> None:
    from app.clock import office_today
    from app.db import migrate
    from app.db.engine import check_connection, session_scope
    from app.demo import ensure_accounts, run_seeders
    from app.rules.profiles import load_profile
    from app.services import departments
    from app.services.actor import Actor

    settings = get_settings()
    profile = load_profile(settings.profile)
    check_connection()
    click.echo(f"database: {settings.database_url}")
    migrate.upgrade()
    with session_scope() as session:
        departments.sync_departments(session, Actor.system(), profile)
        created = ensure_accounts(session)
    run_seeders(profile, office_today(), echo=click.echo)
    if created:
        click.echo("\nDemo accounts (passwords are shown only this once):")
        for username, role, password in created:
            click.echo(f"  {username:<10} {role:<16} {password}")
    else:
        click.echo(
            "\nDemo accounts exist already (admin, staff, jtw, jtw_lead, jw, jw_lead, leader);"
            " set a new password with `jianti user passwd NAME`."
        )
    if no_serve:
        return
    import uvicorn

    click.echo(f"\nJianti demo: http://{host}:{port}/")
    uvicorn.run("app.web.asgi:app", host=host, port=port, log_level="info")


commands = [serve, demo]
