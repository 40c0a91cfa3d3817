from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.handling import check_communication, check_feedback, check_reply, opens_new_round
from app.rules.profiles import load_profile

BEIJING = load_profile("beijing")
GOOD_REPLY = dict(
    body="一、关于……",
    result_class="A",
    disclosure="full",
    disclosure_reason="",
    contact_person="王明",
    contact_phone="010-57079999",
)


def fields(problems):
    return sorted(p.field for p in problems)


def test_a_good_reply_passes():
    assert check_reply(BEIJING, "npc_suggestion", **GOOD_REPLY) == []


def test_reply_problems_are_all_reported():
    bad = dict(GOOD_REPLY, body=" ", result_class="Z", contact_person="", contact_phone="call me")
    assert fields(check_reply(BEIJING, "cppcc_proposal", **bad)) == [
        "body",
        "contact_person",
        "contact_phone",
        "result_class",
    ]


def test_disclosure_needs_reason_or_summary():
    assert fields(check_reply(BEIJING, "npc_suggestion", **dict(GOOD_REPLY, disclosure="none"))) == [
        "disclosure_reason"
    ]
    ok = dict(GOOD_REPLY, disclosure="none", disclosure_reason="涉及个人隐私")
    assert check_reply(BEIJING, "npc_suggestion", **ok) == []
    assert fields(check_reply(BEIJING, "npc_suggestion", **dict(GOOD_REPLY, disclosure="summary"))) == ["summary"]
    assert fields(check_reply(BEIJING, "npc_suggestion", **dict(GOOD_REPLY, disclosure="secret"))) == ["disclosure"]


def test_communication_checks():
    now = datetime(2026, 5, 1, tzinfo=UTC)
    ok = dict(method="phone", happened_at=now - timedelta(days=1), participants="张建华代表、王明", notes="")
    assert check_communication(now=now, **ok) == []
    assert fields(check_communication(now=now, **dict(ok, method="email", participants=" "))) == [
        "method",
        "participants",
    ]
    assert fields(check_communication(now=now, **dict(ok, happened_at=now + timedelta(hours=2)))) == ["happened_at"]
    assert fields(check_communication(now=now, **dict(ok, happened_at=None))) == ["happened_at"]


def test_feedback_checks_and_scale():
    assert check_feedback(BEIJING, level="satisfied", given_by="submitter", comment="") == []
    assert fields(check_feedback(BEIJING, level="great", given_by="robot", comment="")) == ["given_by", "level"]
    assert opens_new_round(BEIJING, "dissatisfied")
    assert not opens_new_round(BEIJING, "basically_satisfied")
