"""Integers typed into forms: the same bounds as path and query parameters (app.web.middleware)."""

from __future__ import annotations

from typing import Any

from app.web.middleware import MAX_INT


def form_id(value: Any) -> int | None:
    """A record id from a form field: None unless it is a whole number in 1..2^31-1."""
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_INT else None
