"""All models. Every module in this package is imported here so Base.metadata is complete.

Each feature keeps its tables in its own module (core, imports, routing, ...); adding a module
is enough for migrations, drift checks and tests to see it.
"""

from __future__ import annotations

import importlib
import pkgutil

from app.db.base import Base

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from app.db import list_columns  # noqa: E402,F401  (registers the listeners that keep items' list columns)
from app.db.models.core import (  # noqa: E402  (re-exported for convenience)
    ApiToken,
    Assignment,
    AuditEntry,
    Category,
    CongressSession,
    Department,
    Item,
    ItemCoSigner,
    ItemIntendedDepartment,
    User,
    WebSession,
)

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditEntry",
    "Base",
    "Category",
    "CongressSession",
    "Department",
    "Item",
    "ItemCoSigner",
    "ItemIntendedDepartment",
    "User",
    "WebSession",
]
