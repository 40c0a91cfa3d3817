"""Which open deadlines move when the calendar or a deadline rule changes.

A stored deadline keeps the rule, start and period it was computed from and the calendar
fingerprint of the years it consulted. It needs recomputing only when its rule's period changed
or the data of one of those years changed; everything else is skipped without counting a day.
Computations are shared between deadlines with the same start, period and rule (a batch
assigned on one day), so recomputing tens of thousands of deadlines costs a few hundred counts.

Closed deadlines are never passed in: the caller selects open ones only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.calendar import WorkingCalendar
from app.domain.deadlines import DEADLINE_RULES, Deadline, compute_deadline, rule_period
from app.domain.profile import DeadlineSettings, Period


@dataclass(frozen=True)
class StoredDeadline:
    key: Hashable  # the caller's id for the record
    rule: str
    start: date
    period: Period
    due: date
    calendar_fingerprint: str
    years: tuple[int, ...]  # years the stored computation consulted


@dataclass(frozen=True)
class Recomputed:
    key: Hashable
    rule: str
    old_due: date
    new: Deadline

    @property
    def moved(self) -> bool:
        return self.new.due != self.old_due


def recompute(
    stored: Iterable[StoredDeadline], calendar: WorkingCalendar, settings: DeadlineSettings | None = None
) -> list[Recomputed]:
    """New computations for the deadlines whose inputs changed (moved or not: the explanation
    and fingerprint are renewed either way, e.g. a fallback warning disappears)."""
    fingerprints: dict[tuple[int, ...], str] = {}
    computed: dict[tuple[date, Period, str], Deadline] = {}
    result = []
    for record in stored:
        period = record.period
        if settings is not None and record.rule in DEADLINE_RULES and record.rule != "custom":
            period = rule_period(settings, record.rule)
        if period == record.period:
            current = fingerprints.get(record.years)
            if current is None:
                current = fingerprints[record.years] = calendar.fingerprint(record.years)
            if current == record.calendar_fingerprint:
                continue
        cache_key = (record.start, period, record.rule)
        deadline = computed.get(cache_key)
        if deadline is None:
            deadline = computed[cache_key] = compute_deadline(calendar, record.start, period, record.rule)
        result.append(Recomputed(record.key, record.rule, record.due, deadline))
    return result
