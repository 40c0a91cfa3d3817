"""Errors meant for users. The web layer turns them into 4xx answers, the CLI into one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class UserError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class NotFound(UserError):
    status_code = 404
    code = "not_found"


class Forbidden(UserError):
    status_code = 403
    code = "forbidden"


class Conflict(UserError):
    """Someone else changed the record first, or the state does not allow the action."""

    status_code = 409
    code = "conflict"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, naming where it is."""

    place: str  # e.g. "sheet 建议, row 12, column C (标题)" or "field reason"
    reason: str
    value: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"place": self.place, "reason": self.reason, "value": self.value, **self.extra}


class ValidationFailed(UserError):
    status_code = 422
    code = "validation_failed"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message, details={"problems": [p.as_dict() for p in self.problems]})
