"""Random but plausible years of items, for cross-checks and benchmarks (seeded, reproducible)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.domain.enums import AssignmentRole as R
from app.domain.enums import AssignmentState as S
from app.domain.enums import Disclosure, ItemKind, ItemState, SubmitterType
from app.domain.profile import Profile
from app.domain.statistics.facts import (
    AssignmentFact,
    CommunicationFact,
    ExtensionFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)

DELEGATIONS = ["东城代表团", "西城代表团", "朝阳代表团", "海淀代表团", "丰台代表团", "解放军代表团"]
SECTORS = ["经济界", "教育界", "医药卫生界", "科学技术界", "农业界", "社会福利和社会保障界"]
PARTIES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"]
TITLES = [
    "关于老旧小区增设电梯的建议", "关于完善社区养老服务的建议", "关于优化公交线路的提案",
    "关于加强中小学课后服务的建议", "关于推进垃圾分类的提案", "关于改善营商环境的建议",
]  # fmt: skip
# at the end of the year most items are closed; the open ones were mostly assigned late in the year
STATES = (
    [ItemState.CLOSED] * 11
    + [ItemState.AWAITING_FEEDBACK] * 3
    + [ItemState.REPLIED] * 2
    + [
        ItemState.IN_PROGRESS,
        ItemState.IN_PROGRESS,
        ItemState.ASSIGNED,
    ]
)


def generate_items(profile: Profile, count: int, year: int = 2026, seed: int = 7) -> list[ItemFact]:
    rng = random.Random(seed)
    departments = [d.code for d in profile.departments]
    categories = [c.code for c in profile.categories]
    sessions = {
        ItemKind.NPC_SUGGESTION: [f"市人大{year}年会议", f"市人大{year}年闭会期间"],
        ItemKind.CPPCC_PROPOSAL: [f"市政协{year}年会议"],
    }
    levels = [lv.code for lv in profile.satisfaction]
    dissatisfied = next(lv.code for lv in profile.satisfaction if lv.opens_new_round)
    numbers: dict[ItemKind, int] = {k: 0 for k in ItemKind}
    items = []
    for item_id in range(1, count + 1):
        kind = ItemKind.NPC_SUGGESTION if rng.random() < 0.45 else ItemKind.CPPCC_PROPOSAL
        numbers[kind] += 1
        number = f"{numbers[kind]:04d}" if kind is ItemKind.NPC_SUGGESTION else f"{year}{numbers[kind]:04d}"
        classes = [rc.code for rc in profile.result_schemes[kind]]
        state = rng.choice(
            STATES + [ItemState.WITHDRAWN] * (rng.random() < 0.02) + [ItemState.MERGED] * (rng.random() < 0.02)
        )
        still_open = state in (ItemState.ASSIGNED, ItemState.IN_PROGRESS)
        assigned_on = date(year, 1, 20) + timedelta(
            days=rng.randint(150 if still_open else 0, 300 if still_open else 200)
        )
        rounds = 2 if state is not ItemState.ASSIGNED and rng.random() < 0.08 else 1
        ended = state in (ItemState.WITHDRAWN, ItemState.MERGED)

        assignments, replies, comms, feedback, extensions = [], [], [], [], []
        picked = rng.sample(departments, 5)
        split = rng.random() < 0.1
        replying = picked[:2] if split else picked[:1]
        round_start = assigned_on
        for rnd in range(1, rounds + 1):
            due = round_start + timedelta(days=90 if rnd == 1 else 30)
            for dept in replying:
                role = R.SPLIT if split else R.LEAD
                due_now = due
                if rng.random() < 0.1:
                    approved = rng.random() < 0.7
                    new_due = due + timedelta(days=rng.choice([30, 60, 90]))
                    extensions.append(ExtensionFact(dept, rnd, due - timedelta(days=10), approved, due, new_due))
                    if approved and rng.random() < 0.5:
                        due_now = new_due  # some loaders move the assignment's deadline, some do not
                replied = not ended and (rnd < rounds or state not in (ItemState.ASSIGNED, ItemState.IN_PROGRESS))
                if replied:
                    sent = due + timedelta(days=rng.randint(1, 40) if rng.random() < 0.1 else rng.randint(-70, 0))
                    disclosure = rng.choice([Disclosure.FULL, Disclosure.FULL, Disclosure.SUMMARY, Disclosure.NONE])
                    published = (
                        sent + timedelta(days=10) if disclosure is not Disclosure.NONE and rng.random() < 0.8 else None
                    )
                    replies.append(
                        ReplyFact(
                            dept, rnd, sent, rng.choice(classes + [None] * (rng.random() < 0.05)), disclosure, published
                        )
                    )
                    if rng.random() < 0.85:
                        comms.append(
                            CommunicationFact(dept, rnd, sent - timedelta(days=rng.randint(-5, 40)), "meeting")
                        )
                    if rnd < rounds or (state is ItemState.CLOSED and rng.random() < 0.9):
                        level = dissatisfied if rnd < rounds else rng.choice(levels)
                        giver = FeedbackGiver.OFFICE if rng.random() < 0.3 else FeedbackGiver.SUBMITTER
                        feedback.append(
                            FeedbackFact(rnd, level, giver, sent + timedelta(days=15), dept if split else None)
                        )
                a_state = S.CANCELLED if ended else (S.SENT if replied else S.DRAFTING)
                assignments.append(AssignmentFact(dept, role, rnd, round_start, due_now, a_state))
            round_start = due + timedelta(days=20)
        for dept in picked[2 : 2 + rng.randint(0, 2)]:
            assignments.append(
                AssignmentFact(
                    dept,
                    R.CO,
                    1,
                    assigned_on,
                    assigned_on + timedelta(days=30),
                    S.CANCELLED if ended else S.OPINION_SENT,
                )
            )
        if rng.random() < 0.1:
            assignments.append(AssignmentFact(picked[4], R.REFERENCE, 1, assigned_on, None, S.CLOSED))
        if rng.random() < 0.05:
            assignments.append(
                AssignmentFact(picked[4], R.LEAD, 1, assigned_on, assigned_on + timedelta(days=90), S.REASSIGNED)
            )

        collective = rng.random() < 0.15
        items.append(
            ItemFact(
                id=item_id,
                kind=kind,
                session=rng.choice(sessions[kind]),
                year=year if rng.random() < 0.97 else year - 1,
                number=number,
                title=rng.choice(TITLES),
                category=rng.choice(categories + [None]),
                submitter_type=rng.choice(list(SubmitterType)[1:]) if collective else SubmitterType.INDIVIDUAL,
                lead_submitter=f"代表{item_id}",
                delegation=rng.choice(DELEGATIONS + [None]) if kind is ItemKind.NPC_SUGGESTION else None,
                sector=rng.choice(SECTORS + [None]) if kind is ItemKind.CPPCC_PROPOSAL else None,
                party=rng.choice(PARTIES + [None]) if kind is ItemKind.CPPCC_PROPOSAL else None,
                during_session=rng.random() < 0.8,
                key_supervision=rng.random() < 0.03,
                state=state,
                round=rounds,
                assignments=tuple(assignments),
                replies=tuple(replies),
                communications=tuple(comms),
                feedback=tuple(feedback),
                extensions=tuple(extensions),
            )
        )
    return items
