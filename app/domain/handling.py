"""Checks of what departments and the office write while handling an item.

Each `check_*` returns a list of problems (field, English msgid); empty means acceptable. The
services raise ValidationFailed with them, so a form shows every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.enums import Disclosure, ItemKind
from app.domain.profile import Profile
from app.domain.text import N_


class CommunicationMethod(StrEnum):
    VISIT = "visit"  # 走访
    MEETING = "meeting"  # 座谈 / 面商
    PHONE = "phone"  # 电话
    LETTER = "letter"  # 书面 / 信函


COMMUNICATION_LABELS = {
    CommunicationMethod.VISIT: "走访",
    CommunicationMethod.MEETING: "面商座谈",
    CommunicationMethod.PHONE: "电话沟通",
    CommunicationMethod.LETTER: "书面沟通",
}


class FeedbackGiver(StrEnum):
    SUBMITTER = "submitter"  # the deputy or member (online, signed form)
    STAFF_ON_BEHALF = "staff_on_behalf"  # office staff recording a paper or phone answer


@dataclass(frozen=True)
class Problem:
    field: str
    message: str  # English msgid


PHONE = re.compile(r"^[0-9+()\- ]{5,32}$")
MAX_TEXT = 50_000


def check_reply(
    profile: Profile,
    kind: ItemKind | str,
    *,
    body: str,
    result_class: str,
    disclosure: str,
    disclosure_reason: str,
    contact_person: str,
    contact_phone: str,
    summary: str = "",
) -> list[Problem]:
    problems: list[Problem] = []
    if not body.strip():
        problems.append(Problem("body", N_("The reply text is empty")))
    elif len(body) > MAX_TEXT:
        problems.append(Problem("body", N_("The reply text is too long")))
    if profile.result_class(ItemKind(kind), result_class) is None:
        problems.append(Problem("result_class", N_("Choose a result class of this item kind's scheme")))
    try:
        level = Disclosure(disclosure)
    except ValueError:
        problems.append(Problem("disclosure", N_("Choose full, summary or no disclosure")))
    else:
        if level is Disclosure.NONE and not disclosure_reason.strip():
            problems.append(Problem("disclosure_reason", N_("Give the reason why the reply is not disclosed")))
        if level is Disclosure.SUMMARY and not summary.strip():
            problems.append(Problem("summary", N_("Write the summary to be published")))
    if not contact_person.strip():
        problems.append(Problem("contact_person", N_("Name the contact person")))
    if not PHONE.match(contact_phone.strip()):
        problems.append(Problem("contact_phone", N_("Give the contact phone number")))
    return problems


def check_communication(
    *, method: str, happened_at: datetime | None, participants: str, notes: str, now: datetime
) -> list[Problem]:
    problems: list[Problem] = []
    if method not in {m.value for m in CommunicationMethod}:
        problems.append(Problem("method", N_("Choose visit, meeting, phone or letter")))
    if happened_at is None:
        problems.append(Problem("happened_at", N_("Say when the communication took place")))
    elif happened_at > now:
        problems.append(Problem("happened_at", N_("The communication cannot lie in the future")))
    if not participants.strip():
        problems.append(Problem("participants", N_("Say who took part")))
    if len(notes) > MAX_TEXT:
        problems.append(Problem("notes", N_("The notes are too long")))
    return problems


def check_feedback(profile: Profile, *, level: str, given_by: str, comment: str) -> list[Problem]:
    problems: list[Problem] = []
    if level not in {s.code for s in profile.satisfaction}:
        problems.append(Problem("level", N_("Choose a level of the satisfaction scale")))
    if given_by not in {g.value for g in FeedbackGiver}:
        problems.append(Problem("given_by", N_("Say who gave the feedback")))
    if len(comment) > MAX_TEXT:
        problems.append(Problem("comment", N_("The comment is too long")))
    return problems


def opens_new_round(profile: Profile, level: str) -> bool:
    return any(s.code == level and s.opens_new_round for s in profile.satisfaction)


# Stored values shown to users, translated with the value as msgid (listed here for extraction).
VALUE_MSGIDS = [
    N_("full"),
    N_("summary"),
    N_("none"),
    N_("pending"),
    N_("approved"),
    N_("rejected"),
    N_("review"),
    N_("follow_up"),
    N_("submitter"),
    N_("staff_on_behalf"),
    N_("Created"),
]
