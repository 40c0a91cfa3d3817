"""Every write answers the new version of every record it changed: writes chained with
`expected_version` taken only from the previous answers never get a false 409."""

from __future__ import annotations

from tests.workflow.samples import PDF_BYTES
from tests.workflow.scenario import b64

DRAFT = {
    "body": "一、关于过街天桥维修\n我委已会同朝阳区完成检测。",
    "result_class": "B",
    "contact_person": "王明",
    "contact_phone": "010-57079999",
}


class Versions:
    """What a client knows: the versions the answers told it, nothing read in between."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int], int] = {}

    def learn(self, answer: dict) -> dict:
        for entry in answer["changed"]:
            self.known[(entry["entity"], entry["id"])] = entry["version"]
        return answer

    def of(self, entity: str, record_id: int) -> int:
        return self.known[(entity, record_id)]


def _stored_versions(client, item_id: int) -> dict[tuple[str, int], int]:
    handling = client.get(f"/api/items/{item_id}/handling").json()
    stored = {("item", item_id): handling["item"]["version"]}
    stored.update({("assignment", a["id"]): a["version"] for a in handling["assignments"]})
    return stored


def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_whole_handling_chained_on_the_versions_the_answers_give(client, users, as_user, db_session):
    from tests.workflow.factory import new_item

    item = new_item(db_session)
    db_session.commit()
    known = Versions()

    office = as_user(users["office"])
    created = _ok(
        office.post(
            f"/api/items/{item.id}/assign",
            json={"plan": [{"department": "jtw", "role": "lead"}], "expected_version": item.version},
        )
    )
    known.learn(created[0])
    lead = created[0]["id"]
    assert ("item", item.id) in known.known  # assigning moved the item: its new version is in the answer

    jtw = as_user(users["jtw"])
    signed = known.learn(
        _ok(jtw.post(f"/api/assignments/{lead}/sign-for", json={"expected_version": known.of("assignment", lead)}))
    )
    assert signed["version"] == known.of("assignment", lead)

    # the gap of the issue: a communication raises the assignment's version, and now says so
    before = known.of("assignment", lead)
    communication = known.learn(
        _ok(
            jtw.post(
                f"/api/assignments/{lead}/communications",
                json={"method": "phone", "happened_at": "2026-03-01T10:00:00", "participants": "张建华代表"},
            )
        )
    )
    assert communication["changed"] == [{"entity": "assignment", "id": lead, "version": before + 1}]

    known.learn(
        _ok(
            jtw.put(
                f"/api/assignments/{lead}/reply",
                json={
                    **DRAFT,
                    "files": [{"filename": "答复函.pdf", "content_base64": b64(PDF_BYTES)}],
                    "expected_version": known.of("assignment", lead),
                },
            )
        )
    )
    head = as_user(users["jtw_head"])
    for action in ("sign-off", "submit"):
        known.learn(
            _ok(head.post(f"/api/assignments/{lead}/{action}", json={"expected_version": known.of("assignment", lead)}))
        )

    office = as_user(users["office"])
    known.learn(
        _ok(
            office.post(
                f"/api/assignments/{lead}/accept-reply", json={"expected_version": known.of("assignment", lead)}
            )
        )
    )
    reply_id = office.get(f"/api/items/{item.id}/handling").json()["replies"][0]["id"]

    # the second gap: changing a sent reply's class raises the item's version, and now says so
    before = known.of("item", item.id)
    changed = known.learn(
        _ok(office.post(f"/api/replies/{reply_id}/result-class", json={"result_class": "A", "reason": "已解决"}))
    )
    assert changed["result_class"] == "A" and known.of("item", item.id) > before

    feedback = known.learn(
        _ok(
            office.post(
                f"/api/items/{item.id}/feedback",
                json={"level": "satisfied", "given_by": "submitter", "expected_version": known.of("item", item.id)},
            )
        )
    )
    assert feedback["state"] == "closed"
    # what the answers said is what is stored
    assert _stored_versions(office, item.id) == known.known


def test_a_reassignment_answers_both_assignments_and_the_item(client, users, as_user, db_session):
    from tests.workflow.factory import new_item

    item = new_item(db_session)
    db_session.commit()
    known = Versions()
    office = as_user(users["office"])
    lead = known.learn(
        _ok(office.post(f"/api/items/{item.id}/assign", json={"plan": [{"department": "jtw", "role": "lead"}]}))[0]
    )["id"]
    jtw = as_user(users["jtw"])
    known.learn(_ok(jtw.post(f"/api/assignments/{lead}/reassignment-request", json={"reason": "不属于我委职责"})))
    office = as_user(users["office"])
    replacement = known.learn(
        _ok(
            office.post(
                f"/api/assignments/{lead}/reassignment-approval",
                json={"new_department": "jw", "reason": "教育事项", "expected_version": known.of("assignment", lead)},
            )
        )
    )
    assert {("assignment", lead), ("assignment", replacement["id"])} <= set(known.known)
    stored = _stored_versions(office, item.id)
    for key, version in known.known.items():
        assert stored[key] == version, key


def test_deadline_writes_answer_the_assignment_version(login_as, clean_db):
    from tests.deadlines.test_web_deadlines import _seed

    lead_id, _co, _late = _seed(clean_db)
    client, _ = login_as("dept_handler", "jtw")
    reply = next(d for d in client.get(f"/api/assignments/{lead_id}/deadlines").json() if d["rule"] == "reply")
    requested = client.post(
        f"/api/deadlines/{reply['id']}/extension-requests",
        json={"requested_due": "2026-11-09", "reason": "需要现场勘查"},
        headers={"X-CSRF-Token": client.csrf},
    )
    body = _ok(requested)
    item_id = reply["item_id"]
    stored = _stored_versions(client, item_id)
    assert body["changed"] and all(stored[(c["entity"], c["id"])] == c["version"] for c in body["changed"])
    assert ("assignment", lead_id) in {(c["entity"], c["id"]) for c in body["changed"]}
