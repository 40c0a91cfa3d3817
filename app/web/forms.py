"""HTML forms: one way to answer a refused form.

On a refusal the handler rolls the request's transaction back (nothing the action wrote stays)
and renders the same page again with

- `form`: what was typed (strings, lists of strings; uploaded files cannot be given back),
- `errors`: field name → message, shown beside the field,
- `error` / `problems`: the summary at the top, each problem named by the field's label in the
  user's language (never the raw field name),

with the refusal's status (422 for invalid input, 400/403/409 for other refusals). On success the
handler answers 303 with a flash message (app/web/flash.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar.response import Template
from sqlalchemy.orm import Session

from app.domain.text import N_
from app.i18n import _
from app.services.errors import UserError, ValidationFailed

# Field name (as posted and as named by the services' problems) → its label (English msgid).
FIELD_LABELS: dict[str, str] = {
    "reason": N_("Reason"),
    "department": N_("Department"),
    "method": N_("How"),
    "happened_at": N_("When"),
    "participants": N_("Who took part"),
    "notes": N_("Notes"),
    "files": N_("Attachments"),
    "body": N_("Text"),
    "result_class": N_("Result class"),
    "disclosure": N_("Disclosure"),
    "disclosure_reason": N_("Reason for no disclosure"),
    "summary": N_("Summary for publication"),
    "contact_person": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
    "letter_number": N_("Letter number"),
    "level": N_("Overall satisfaction"),
    "given_by": N_("Given by"),
    "handling_level": N_("On the handling"),
    "result_level": N_("On the result"),
    "comment": N_("Comment"),
    "received_on": N_("Received on"),
    "reply_id": N_("Reply"),
    "into_item_id": N_("Merge into item (ID)"),
    "mode": N_("Mode"),
    "lead": N_("Lead department"),
    "co": N_("Co-handlers"),
    "split": N_("Split departments"),
    "reference": N_("Reference recipients"),
    "departments": N_("Departments"),
    "due_on": N_("Date"),
    "due_reason": N_("Reason"),
    "requested_due": N_("New deadline"),
    "assigned_on": N_("Assignment date"),
    "username": N_("User name"),
    "display_name": N_("Name"),
    "role": N_("Role"),
    "password": N_("Password"),
    "plan": N_("Departments"),
    "item_ids": N_("Items"),
}


def field_of(place: str) -> str:
    """The form field a problem's place names: "field happened_at" → "happened_at", "file a.exe" → "files"."""
    place = place.strip()
    if place.startswith("field "):
        return place[len("field ") :].strip()
    if place.startswith(("file ", "files[")):
        return "files"
    return place


def label_of(field: str, labels: Mapping[str, str] | None = None) -> str:
    label = (labels or {}).get(field) or FIELD_LABELS.get(field)
    return _(label) if label else _("Form")


@dataclass(frozen=True)
class ShownProblem:
    field: str
    label: str
    message: str
    # kept for templates written against app.services.errors.Problem
    place: str = ""
    reason: str = ""


def kept_input(data: Mapping[str, Any] | Any) -> dict[str, Any]:
    """What was typed, to fill the form again: strings and lists of strings (no files, no CSRF token)."""
    if not isinstance(data, Mapping):
        data = {k: v for k, v in vars(data).items() if not k.startswith("_")}
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key == "_csrf":
            continue
        if isinstance(value, str):
            kept[key] = value
        elif isinstance(value, list):
            kept[key] = [v for v in value if isinstance(v, str)]
        elif isinstance(value, int | bool) or value is None:
            kept[key] = "" if value is None else str(value)
    return kept


def refusal_context(exc: UserError, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`error`, `errors` (field → message) and `problems` (labelled) for a refused form."""
    shown: list[ShownProblem] = []
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        for problem in exc.problems:
            field = field_of(problem.place)
            label = label_of(field, labels)
            message = str(problem.reason)
            if field.startswith("files") and problem.place.startswith("file "):
                message = f"{problem.place[len('file ') :]}: {message}"
            shown.append(ShownProblem(field, label, message, label, message))
            errors[field] = f"{errors[field]}；{message}" if field in errors else message
    return {"error": exc.message, "errors": errors, "problems": shown}


def rerender(
    db_session: Session,
    exc: UserError,
    template: str,
    build_context: Callable[[], dict[str, Any]],
    data: Mapping[str, Any] | Any,
    *,
    labels: Mapping[str, str] | None = None,
    page_url: str | None = None,
    **extra: Any,
) -> Template:
    """The same page again after a refusal: nothing written stays, everything typed is kept.

    `labels` names fields whose label on this page differs from FIELD_LABELS; `page_url` is the
    page's own address, shown in the address bar instead of the POST URL (app/static/forms.js)."""
    db_session.rollback()
    context = build_context()
    context.update(refusal_context(exc, labels))
    context["form"] = kept_input(data)
    context["page_url"] = page_url
    context.update(extra)
    return Template(template, context=context, status_code=exc.status_code)
