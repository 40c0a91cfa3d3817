"""Replaying an audit-like trail gives the current state, and refuses trails the table does not allow."""

from __future__ import annotations

import pytest

from app.domain.lifecycle import ReplayError, Step, replay


def test_replays_a_lead_assignment_to_sent():
    trail = [
        Step("create", None, "pending_signature"),
        Step("sign_for", "pending_signature", "signed"),
        Step("record_communication", "signed", "signed"),
        Step("draft_reply", "signed", "drafting"),
        Step("return_draft", "drafting", "drafting"),
        Step("sign_off", "drafting", "signed_off"),
        Step("submit_for_review", "signed_off", "under_review"),
        Step("return_reply", "under_review", "returned"),
        Step("draft_reply", "returned", "drafting"),
        Step("sign_off", "drafting", "signed_off"),
        Step("submit_for_review", "signed_off", "under_review"),
        Step("accept_reply", "under_review", "sent"),
    ]
    assert replay("assignment", trail) == "sent"


def test_empty_trail_has_no_state():
    assert replay("item", []) is None


@pytest.mark.parametrize(
    "trail, problem",
    [
        ([Step("sign_for", "pending_signature", "signed")], "does not start with the creation"),
        ([Step("create", None, "signed")], "created in signed"),
        ([Step("create", None, "pending_signature"), Step("create", None, "pending_signature")], "created twice"),
        (
            [Step("create", None, "pending_signature"), Step("draft_reply", "signed", "drafting")],
            "starts from signed",
        ),
        (
            [Step("create", None, "pending_signature"), Step("accept_reply", "pending_signature", "sent")],
            "no such transition",
        ),
        (
            [Step("create", None, "pending_signature"), Step("sign_for", "pending_signature", "drafting")],
            "leads to signed",
        ),
        (
            [Step("create", None, "pending_signature"), Step("record_communication", "pending_signature", "signed")],
            "no such transition",
        ),
    ],
)
def test_refuses_broken_trails(trail, problem):
    with pytest.raises(ReplayError, match=problem):
        replay("assignment", trail)


def test_item_trail_with_a_second_round():
    trail = [
        Step("create", None, "registered"),
        Step("assign", "registered", "assigned"),
        Step("begin_handling", "assigned", "in_progress"),
        Step("mark_replied", "in_progress", "replied"),
        Step("request_feedback", "replied", "awaiting_feedback"),
        Step("record_feedback", "awaiting_feedback", "awaiting_feedback"),
        Step("open_new_round", "awaiting_feedback", "rehandling"),
        Step("mark_replied", "rehandling", "replied"),
        Step("record_feedback", "replied", "replied"),
        Step("close", "replied", "closed"),
        Step("change_result_class", "closed", "closed"),
    ]
    assert replay("item", trail) == "closed"


def test_replay_from_a_known_start_without_creation_entry():
    assert replay("item", [Step("assign", "registered", "assigned")], start="registered") == "assigned"


def test_rows_without_a_state_are_skipped():
    trail = [
        Step("create", None, "pending_signature"),
        Step("deadline_set", None, None),
        Step("sign_for", "pending_signature", "signed"),
        Step("deadline_recomputed", None, None),
    ]
    assert replay("assignment", trail) == "signed"


def test_archive_import_enters_in_its_final_state_and_nothing_else_does():
    from app.domain.lifecycle import ARCHIVE_IMPORT, ReplayError, Step, replay

    assert replay("assignment", [Step(ARCHIVE_IMPORT, None, "sent")]) == "sent"
    with pytest.raises(ReplayError, match="created in sent"):
        replay("assignment", [Step("create", None, "sent")])
