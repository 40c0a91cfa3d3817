"""A fresh PostgreSQL database per benchmark run, on the server of the given URL."""

from __future__ import annotations


def fresh_postgres(base_url: str, name: str) -> str:
    """A new, empty database `name` on the server of base_url (dropped first if left over); its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
