"""Department isolation: every item endpoint and download, for a user of another department, is refused."""

from __future__ import annotations

import re

import pytest

from app.services.workflow import actions
from tests.workflow.scenario import handled_item

ID_PARAMETERS = ("item_id", "assignment_id", "reply_id", "attachment_id")

# Everything any action body may need: unknown keys are ignored by the others.
BODY = {
    "expected_version": 1,
    "reason": "试图越权",
    "new_department": "jw",
    "suggested_department": "jw",
    "method": "phone",
    "happened_at": "2026-03-01T10:00:00",
    "participants": "某人",
    "notes": "",
    "files": [],
    "body": "越权答复",
    "result_class": "A",
    "contact_person": "某人",
    "contact_phone": "010-12345678",
    "disclosure": "full",
    "plan": [{"department": "jw", "role": "lead"}],
    "level": "satisfied",
    "given_by": "submitter",
}


def item_routes(app):
    """(method, path template) of every route that names an item, assignment, reply or attachment."""
    found = []
    for route in app.routes:
        if not any("{" + p in route.path for p in ID_PARAMETERS):
            continue
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path))
    return found


def fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):?\w*\}", lambda m: str(ids[m.group(1)]), path)


@pytest.mark.parametrize("outsider", ["jw", "jw_head"])
def test_other_departments_are_refused_everywhere(app, db_session, users, actors, as_user, outsider):
    scenario = handled_item(db_session, actors)
    ids = {
        "item_id": scenario.item_id,
        "assignment_id": scenario.lead_id,
        "reply_id": scenario.reply_id,
        "attachment_id": scenario.reply_attachment_id,
    }
    client = as_user(users[outsider])
    routes = item_routes(app)
    assert len(routes) >= 30, routes
    for method, template in routes:
        for attachment_id in (
            scenario.reply_attachment_id,
            scenario.opinion_attachment_id,
            scenario.communication_attachment_id,
        ):
            path = fill(template, {**ids, "attachment_id": attachment_id})
            if path.startswith("/api/"):
                response = client.request(method, path, json={**BODY, "into_item_id": scenario.other_item_id})
            else:
                form = {
                    "action": "sign_for",
                    "_csrf": client.csrf,
                    **{k: v for k, v in BODY.items() if isinstance(v, str)},
                }
                # editors and assignment actions take multipart forms (they carry files)
                files = (
                    {"files": ("x.pdf", b"%PDF-1.4", "application/pdf")} if path.startswith("/assignments/") else None
                )
                if method == "GET":
                    response = client.get(path)
                else:
                    response = client.request(method, path, data=form, files=files)
            assert response.status_code in (403, 404), (method, path, response.status_code, response.text[:300])
            assert scenario.title not in response.text, (method, path)
            if "{attachment_id" not in template:
                break
    # and nothing changed
    db_session.expire_all()
    page = actions.access.get_item_for(db_session, actors["office"], scenario.item_id)
    assert page.state == "replied"


def test_co_handler_sees_the_item_but_not_the_leads_draft_until_sent(app, db_session, users, actors, as_user):
    scenario = handled_item(db_session, actors)
    client = as_user(users["cg"])
    assert client.get(f"/items/{scenario.item_id}").status_code == 200
    # the lead's reply has been sent: its letter and files are open to the co-handler now
    assert client.get(f"/attachments/{scenario.reply_attachment_id}").status_code == 200
    # the co-handler cannot act on the lead's assignment
    response = client.post(f"/api/assignments/{scenario.lead_id}/sign-off", json={})
    assert response.status_code == 404


def test_the_matrix_covers_the_past_replies_and_similar_items_routes(app):
    """The past-replies panel, side-by-side view and routing evidence are in the matrix above (by id);
    cross-department cases with an assignment of one's own: tests/workflow/test_past_replies.py."""
    paths = {path for _method, path in item_routes(app)}
    assert {
        "/assignments/{assignment_id:int}/past-replies/{reply_id:int}",
        "/api/assignments/{assignment_id:int}/past-replies",
        "/api/assignments/{assignment_id:int}/past-replies/{reply_id:int}",
        "/api/routing/items/{item_id:int}/similar",
    } <= paths
