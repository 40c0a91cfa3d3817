"""Plain fact records the statistics are computed over.

The service layer loads them from the database; tests build them by hand. They hold only what
the indicators need, with department codes instead of database ids so that results read the
same in every deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.enums import (
    AssignmentRole,
    AssignmentState,
    Disclosure,
    ItemKind,
    ItemState,
    SubmitterType,
)

#: Assignment states that mean the department is no longer (or never was) answerable for the part.
ENDED_ASSIGNMENT_STATES = frozenset({AssignmentState.REASSIGNED, AssignmentState.CANCELLED})

#: Roles that owe the submitter a formal reply (主办, 分办).
REPLYING_ROLES = frozenset({AssignmentRole.LEAD, AssignmentRole.SPLIT})


class FeedbackGiver(StrEnum):
    SUBMITTER = "submitter"  # the deputy or member rated it (online or on paper)
    OFFICE = "office"  # office staff recorded it on the submitter's behalf


@dataclass(frozen=True, slots=True)
class AssignmentFact:
    """One department's part of an item in one round."""

    department: str  # department code
    role: AssignmentRole
    round: int
    assigned_on: date
    due_on: date | None  # deadline as it stands now (an approved extension may have moved it)
    state: AssignmentState

    @property
    def effective(self) -> bool:
        return self.state not in ENDED_ASSIGNMENT_STATES

    @property
    def owes_reply(self) -> bool:
        return self.effective and self.role in REPLYING_ROLES


@dataclass(frozen=True, slots=True)
class ReplyFact:
    """A reply letter that was sent to the submitter (drafts are not facts)."""

    department: str
    round: int
    sent_on: date
    result_class: str | None  # code in the profile's scheme for the item's kind, as it stands now
    disclosure: Disclosure | None = None
    published_on: date | None = None


@dataclass(frozen=True, slots=True)
class CommunicationFact:
    department: str
    round: int
    on: date
    method: str = ""  # visit | meeting | phone | letter (the workflow's CommunicationMethod)


@dataclass(frozen=True, slots=True)
class FeedbackFact:
    round: int
    level: str  # satisfaction level code of the profile
    given_by: FeedbackGiver
    on: date
    department: str | None = None  # the department whose reply was rated; None: the item as a whole


@dataclass(frozen=True, slots=True)
class ExtensionFact:
    department: str
    round: int
    requested_on: date
    approved: bool | None  # None: not decided yet
    previous_due_on: date | None = None
    new_due_on: date | None = None


@dataclass(frozen=True, slots=True)
class ItemFact:
    id: int
    kind: ItemKind
    session: str  # session label, e.g. 市十六届人大四次会议
    year: int
    number: str
    title: str
    category: str | None  # category code of the profile
    submitter_type: SubmitterType
    lead_submitter: str
    delegation: str | None
    sector: str | None
    party: str | None
    during_session: bool
    key_supervision: bool
    state: ItemState
    round: int
    assignments: tuple[AssignmentFact, ...] = ()
    replies: tuple[ReplyFact, ...] = ()
    communications: tuple[CommunicationFact, ...] = ()
    feedback: tuple[FeedbackFact, ...] = ()
    extensions: tuple[ExtensionFact, ...] = ()

    @property
    def is_collective(self) -> bool:
        return self.submitter_type.is_collective

    @property
    def rounds(self) -> int:
        """Rounds the item has seen (re-handling opens round 2, 3 ...)."""
        return max([self.round, *(a.round for a in self.assignments), *(f.round for f in self.feedback)])
