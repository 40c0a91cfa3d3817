"""Names for what handlers receive: the request's database session (one transaction per request)."""

from __future__ import annotations

from litestar.di import NamedDependency
from sqlalchemy.orm import Session

DbSession = NamedDependency[Session]
