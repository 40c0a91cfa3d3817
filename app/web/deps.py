"""Names for what handlers receive: the request's database session (one transaction per request), form data."""

from __future__ import annotations

from typing import Any

from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from sqlalchemy.orm import Session

DbSession = NamedDependency[Session]

# A submitted HTML form as a plain dict (handlers pick and check the fields they need).
FormData = URLEncodedBody[dict[str, Any]]
