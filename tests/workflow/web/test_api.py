"""The handling API: a whole life over HTTP, error shapes, optimistic locking, files, letters, OpenAPI."""

from __future__ import annotations

import io

from docx import Document

from tests.workflow.samples import PDF_BYTES, PNG_BYTES
from tests.workflow.scenario import b64

DRAFT = {
    "body": "一、关于过街天桥维修\n我委已会同朝阳区完成检测。",
    "result_class": "B",
    "contact_person": "王明",
    "contact_phone": "010-57079999",
}


def test_life_over_the_api(client, users, as_user, db_session):
    from tests.workflow.factory import new_item

    item = new_item(db_session)
    db_session.commit()

    office = as_user(users["office"])
    created = office.post(f"/api/items/{item.id}/assign", json={"plan": [{"department": "jtw", "role": "lead"}]})
    assert created.status_code == 200, created.text
    lead = created.json()[0]
    assert lead["state"] == "pending_signature" and lead["department"] == "jtw"

    jtw = as_user(users["jtw"])
    signed = jtw.post(f"/api/assignments/{lead['id']}/sign-for", json={"expected_version": lead["version"]})
    assert signed.json()["state"] == "signed"
    # someone acting on what they saw before is told, and nothing changes
    stale = jtw.post(f"/api/assignments/{lead['id']}/sign-for", json={"expected_version": lead["version"]})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"

    bad = jtw.put(
        f"/api/assignments/{lead['id']}/reply",
        json={**DRAFT, "contact_phone": "?", "files": [{"filename": "病毒.exe", "content_base64": b64(b"MZ\x90\x00")}]},
    )
    assert bad.status_code == 422
    places = {p["field"] for p in bad.json()["problems"]}
    assert "field contact_phone" in places

    communication = jtw.post(
        f"/api/assignments/{lead['id']}/communications",
        json={
            "method": "phone",
            "happened_at": "2026-03-01T10:00:00",
            "participants": "张建华代表",
            "files": [{"filename": "通话记录.png", "content_base64": b64(PNG_BYTES)}],
        },
    )
    assert communication.status_code == 200, communication.text
    saved = jtw.put(
        f"/api/assignments/{lead['id']}/reply",
        json={**DRAFT, "files": [{"filename": "答复函.pdf", "content_base64": b64(PDF_BYTES)}]},
    )
    assert saved.json()["state"] == "drafting"
    assert jtw.post(f"/api/assignments/{lead['id']}/sign-off", json={}).status_code == 403  # handler: not unit head

    head = as_user(users["jtw_head"])
    assert head.post(f"/api/assignments/{lead['id']}/sign-off", json={}).json()["state"] == "signed_off"
    assert head.post(f"/api/assignments/{lead['id']}/submit", json={}).json()["state"] == "under_review"

    office = as_user(users["office"])
    queue = office.get("/api/review-queue").json()
    assert [a["id"] for a in queue["under_review"]] == [lead["id"]]
    changed = office.post(f"/api/assignments/{lead['id']}/accept-reply", json={"result_class": "A"})
    assert changed.status_code == 422  # a changed class needs a reason
    accepted = office.post(
        f"/api/assignments/{lead['id']}/accept-reply", json={"result_class": "A", "reason": "已解决"}
    )
    assert accepted.json()["state"] == "sent"

    handling = office.get(f"/api/items/{item.id}/handling").json()
    assert handling["item"]["state"] == "replied"
    reply = handling["replies"][0]
    assert reply["result_class"] == "A" and reply["result_class_history"][0]["from"] == "B"
    assert {a["action"] for a in handling["allowed_actions"]} == {
        "request_feedback",
        "record_feedback",
        "change_result_class",
    }
    assert [e["action"] for e in handling["timeline"]][:3] == ["create", "assign", "create"]

    download = office.get(reply["attachments"][0]["url"])
    assert download.content == PDF_BYTES
    assert "filename*=UTF-8''%E7%AD%94%E5%A4%8D%E5%87%BD.pdf" in download.headers["content-disposition"]
    letter = office.get(f"/api/replies/{reply['id']}/letter.docx")
    texts = [p.text for p in Document(io.BytesIO(letter.content)).paragraphs]
    assert "答复类别：A" in texts and any("（第" in t and "收悉" in t for t in texts)

    dissatisfied = office.post(
        f"/api/items/{item.id}/feedback", json={"level": "dissatisfied", "given_by": "submitter"}
    )
    answer = dissatisfied.json()
    assert answer | {"version": 0, "changed": []} == {
        "id": item.id,
        "state": "rehandling",
        "round": 2,
        "version": 0,
        "changed": [],
    }
    # the new round moved the item and its assignments: every new version is in the answer
    assert {"entity": "item", "id": item.id, "version": answer["version"]} in answer["changed"]
    again = office.post(f"/api/items/{item.id}/feedback", json={"level": "satisfied", "given_by": "submitter"})
    assert again.status_code == 409


def test_error_shapes_are_in_openapi(client):
    schema = client.get("/schema/openapi.json").json()
    operations = [
        op
        for path, ops in schema["paths"].items()
        if path.startswith(("/api/assignments", "/api/items"))
        for op in ops.values()
    ]
    assert len(operations) >= 20
    for op in operations:
        if op["operationId"].endswith("Handling") or "requestBody" not in op:
            continue
        assert {"403", "404", "409", "422"} <= set(op["responses"]), op["operationId"]
    components = schema["components"]["schemas"]
    assert {"Error", "Problem", "ReplyIn", "FeedbackIn", "CommunicationIn"} <= set(components)
