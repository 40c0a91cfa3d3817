"""Handling pages: each user sees only the actions they may take now; forms call the same services."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.db.models import Assignment, Item
from tests.workflow.factory import assigned_item
from tests.workflow.samples import PDF_BYTES
from tests.workflow.scenario import handled_item


def offered(html: str) -> set[str]:
    return set(re.findall(r'data-action="(\w+)"', html))


def lead_of(db_session, item):
    return db_session.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.role == "lead"))


def test_each_user_sees_only_their_actions(db_session, users, actors, as_user):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead"), ("cgw", "co")], today=None)
    db_session.commit()
    path = f"/items/{item.id}"
    assert offered(as_user(users["jtw"]).get(path).text) == {"sign_for", "request_reassignment", "deadlines"}
    assert offered(as_user(users["cg"]).get(path).text) == {"sign_for", "request_reassignment", "deadlines"}
    assert offered(as_user(users["office"]).get(path).text) == {"withdraw", "merge", "deadlines"}
    leader_page = as_user(users["leader"]).get(path)
    assert leader_page.status_code == 200 and offered(leader_page.text) == set()
    assert item.title in leader_page.text


def test_forms_drive_the_handling(db_session, users, actors, as_user):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    db_session.commit()
    lead = lead_of(db_session, item)
    jtw = as_user(users["jtw"])

    def act(client, action, version, **fields):
        return client.post(
            f"/assignments/{lead.id}/act",
            data={"_csrf": client.csrf, "action": action, "expected_version": str(version), **fields},
            files={"files": ("", b"", "application/octet-stream")},
            follow_redirects=False,
        )

    assert act(jtw, "sign_for", lead.version).status_code == 303
    again = act(jtw, "sign_for", lead.version)
    assert again.status_code == 409 and "alert error" in again.text
    recorded = jtw.post(
        f"/assignments/{lead.id}/act",
        data={
            "_csrf": jtw.csrf,
            "action": "record_communication",
            "method": "visit",
            "happened_at": "2026-03-01T09:30",
            "participants": "张建华代表、李明",
        },
        files={"files": ("走访照片.pdf", PDF_BYTES, "application/pdf")},
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text[:500]
    editor = jtw.get(f"/assignments/{lead.id}/reply")
    assert editor.status_code == 200 and 'name="result_class"' in editor.text
    version = re.search(r'name="expected_version" value="(\d+)"', editor.text).group(1)
    missing = jtw.post(
        f"/assignments/{lead.id}/reply",
        data={"_csrf": jtw.csrf, "body": "", "expected_version": version},
        files={"files": ("", b"", "application/octet-stream")},
    )
    assert missing.status_code == 422 and "problems" in missing.text
    saved = jtw.post(
        f"/assignments/{lead.id}/reply",
        data={
            "_csrf": jtw.csrf,
            "body": "一、关于天桥维修……",
            "result_class": "B",
            "contact_person": "王明",
            "contact_phone": "010-57079999",
            "disclosure": "full",
            "expected_version": version,
        },
        files={"files": ("答复函.pdf", PDF_BYTES, "application/pdf")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:800]
    page = jtw.get(f"/items/{item.id}")
    assert "走访照片.pdf" in page.text and "答复函.pdf" in page.text
    assert offered(page.text) == {"record_communication", "draft_reply", "deadlines"}
    head = as_user(users["jtw_head"])
    assert {"sign_off", "return_draft"} <= offered(head.get(f"/items/{item.id}").text)


def test_inbox_review_overview_feedback_and_letter(db_session, users, actors, as_user):
    scenario = handled_item(db_session, actors)
    editor = as_user(users["jtw"]).get(f"/assignments/{scenario.lead_id}/reply")
    assert 'data-testid="co-opinions"' in editor.text and "会办意见.pdf" in editor.text
    inbox = as_user(users["jtw"]).get("/inbox?finished=true")
    assert inbox.status_code == 200 and scenario.title in inbox.text
    office = as_user(users["office"])
    review = office.get("/review?tab=feedback")
    assert review.status_code == 200 and scenario.title in review.text  # waiting for feedback
    assert office.get("/overview?state=replied").status_code == 200
    feedback = office.get(f"/items/{scenario.item_id}/feedback")
    assert "不满意" in feedback.text
    letter = office.get(f"/replies/{scenario.reply_id}/letter")
    assert letter.status_code == 200
    assert "收悉" in letter.text and "答复类别：B" in letter.text and "张建华代表：" in letter.text
    recorded = office.post(
        f"/items/{scenario.item_id}/act",
        data={
            "_csrf": office.csrf,
            "action": "record_feedback",
            "level": "satisfied",
            "given_by": "staff_on_behalf",
            "expected_version": "0",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 409  # a stale version
    page = office.get(f"/items/{scenario.item_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    recorded = office.post(
        f"/items/{scenario.item_id}/act",
        data={
            "_csrf": office.csrf,
            "action": "record_feedback",
            "level": "satisfied",
            "given_by": "staff_on_behalf",
            "expected_version": version,
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    assert 'data-state="closed"' in office.get(f"/items/{scenario.item_id}").text
    assert as_user(users["jtw"]).get("/review").status_code == 403


def test_merged_items_submitter_gets_a_letter(db_session, users, actors, as_user):
    from app.services.workflow import actions as workflow

    scenario = handled_item(db_session, actors)
    other = db_session.get(Item, scenario.other_item_id)
    other.lead_submitter = "杨帆"
    db_session.commit()
    # the other item is merged into the handled one (before that one was replied, merging is allowed for it)
    workflow.merge(db_session, actors["office"], other.id, into_item_id=scenario.item_id, reason="内容相同")
    db_session.commit()
    office = as_user(users["office"])
    page = office.get(f"/items/{other.id}")
    assert 'data-testid="merged-letters"' in page.text
    letter = office.get(f"/replies/{scenario.reply_id}/letter?item={other.id}")
    assert "杨帆代表：" in letter.text and f"（第{other.number}号）收悉" in letter.text


def test_uploads_over_the_default_request_size_but_under_the_limit(db_session, users, actors, as_user):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    db_session.commit()
    lead = lead_of(db_session, item)
    jtw = as_user(users["jtw"])
    jtw.post(
        f"/assignments/{lead.id}/act",
        data={"_csrf": jtw.csrf, "action": "sign_for"},
        files={"files": ("", b"", "application/octet-stream")},
    )

    def communicate(size_mb: int):
        return jtw.post(
            f"/assignments/{lead.id}/act",
            data={
                "_csrf": jtw.csrf,
                "action": "record_communication",
                "method": "letter",
                "happened_at": "2026-03-01T09:30",
                "participants": "张建华代表",
            },
            files={"files": ("扫描件.pdf", PDF_BYTES + b"0" * (size_mb * 1024 * 1024), "application/pdf")},
            follow_redirects=False,
        )

    assert communicate(12).status_code == 303
    refused = communicate(21)
    assert refused.status_code == 422 and "扫描件.pdf" in refused.text


def test_office_sees_the_suggested_department_of_a_reassignment_request(db_session, users, actors, as_user):
    from app.services.workflow import actions as workflow

    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    lead = lead_of(db_session, item)
    workflow.sign_for(db_session, actors["jtw"], lead.id)
    workflow.request_reassignment(
        db_session, actors["jtw"], lead.id, reason="属城市管理职责", suggested_department_code="cgw"
    )
    db_session.commit()
    page = as_user(users["office"]).get(f"/items/{item.id}").text
    assert {"approve_reassignment", "reject_reassignment"} <= offered(page)
    assert re.search(r'<option value="cgw" selected[ >]', page) and "属城市管理职责" in page
