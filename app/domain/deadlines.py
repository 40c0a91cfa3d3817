"""Due dates of periods counted in Chinese working days, with a full explanation.

Counting (民法典 Arts. 201–203, as the domain notes give them):
- the day the period starts is not counted;
- a period in months ends on the same-numbered day of the final month, or on that month's
  last day when there is none (Jan 31 + 1 month = Feb 28/29); a period in days ends `amount`
  days after the start;
- a period in working days ends on the `amount`-th working day after the start day;
- when the last day is not a working day, the period ends on the next working day.

`compute_deadline` returns a `Deadline`: the due date plus everything needed to explain it
(start and why, rule and period, days skipped and why, make-up working days counted, the
calendar source of every year consulted, and a warning for each year that fell back to
Monday–Friday). `Deadline.to_dict()` / `Deadline.from_dict()` round-trip through JSON;
`explain(deadline, lang)` renders it in Chinese ("zh") or English ("en").
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from app.domain.calendar import CalendarSource, DayInfo, DayKind, WorkingCalendar, YearSource
from app.domain.dates import check_day, check_period
from app.domain.enums import AssignmentRole
from app.domain.profile import DeadlineSettings, Period

EXPLANATION_VERSION = 1


class StartReason(StrEnum):
    """Why the period starts on its start date."""

    ASSIGNED = "assigned"  # 交办日期
    REASSIGNMENT_REQUESTED = "reassignment_requested"  # 申请调整日期
    RATED_DISSATISFIED = "rated_dissatisfied"  # 不满意测评日期
    REPLIED = "replied"  # 答复日期
    GIVEN = "given"  # a date given by the user (CLI, manual check)


@dataclass(frozen=True)
class DeadlineRule:
    name: str  # the key in [deadlines] of profile.toml, or "custom"
    label_zh: str
    label_en: str
    start_reason: StartReason


DEADLINE_RULES: dict[str, DeadlineRule] = {
    rule.name: rule
    for rule in (
        DeadlineRule("reply", "答复期限", "reply deadline", StartReason.ASSIGNED),
        DeadlineRule(
            "reply_max", "最长答复期限（含延期）", "longest reply deadline (with extension)", StartReason.ASSIGNED
        ),
        DeadlineRule("co_opinion", "会办意见期限", "co-handler opinion deadline", StartReason.ASSIGNED),
        DeadlineRule("reassignment_window", "申请调整期限", "reassignment request window", StartReason.ASSIGNED),
        DeadlineRule(
            "reassignment_answer",
            "调整申请答复期限",
            "office answer to a reassignment request",
            StartReason.REASSIGNMENT_REQUESTED,
        ),
        DeadlineRule(
            "rehandling_reply", "重新办理答复期限", "re-handling reply deadline", StartReason.RATED_DISSATISFIED
        ),
        DeadlineRule("feedback", "征询意见期限", "submitter feedback deadline", StartReason.REPLIED),
        DeadlineRule("publication", "答复公开期限", "reply publication deadline", StartReason.REPLIED),
        DeadlineRule("custom", "期限", "period", StartReason.GIVEN),
    )
}

#: Deadlines set when an assignment is made (交办), by the department's role.
ASSIGNMENT_DEADLINES: dict[AssignmentRole, tuple[str, ...]] = {
    AssignmentRole.LEAD: ("reply", "reply_max", "reassignment_window"),
    AssignmentRole.SPLIT: ("reply", "reply_max", "reassignment_window"),
    AssignmentRole.CO: ("co_opinion", "reassignment_window"),
    AssignmentRole.REFERENCE: (),
}


def rule_period(settings: DeadlineSettings, rule: str) -> Period:
    if rule not in DEADLINE_RULES or rule == "custom":
        raise KeyError(
            f"unknown deadline rule '{rule}'; known: {', '.join(n for n in DEADLINE_RULES if n != 'custom')}"
        )
    period: Period = getattr(settings, rule)
    return period


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class DayNote:
    """A day that mattered to the count: skipped (weekend / holiday) or a make-up working day counted."""

    day: date
    kind: DayKind
    name_zh: str = ""
    name_en: str = ""

    @classmethod
    def of(cls, info: DayInfo) -> DayNote:
        return cls(info.day, info.kind, info.name_zh, info.name_en)

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "kind": self.kind.value, "name_zh": self.name_zh, "name_en": self.name_en}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DayNote:
        return cls(
            date.fromisoformat(data["day"]), DayKind(data["kind"]), data.get("name_zh", ""), data.get("name_en", "")
        )


@dataclass(frozen=True)
class DayRun:
    """Consecutive skipped days with the same reason, for compact explanations."""

    first: date
    last: date
    kind: DayKind
    name_zh: str
    name_en: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Deadline:
    rule: str
    period: Period
    start: date
    start_reason: StartReason
    period_end: date  # last day of the period before moving off a non-working day
    due: date
    month_end_clamped: bool  # the final month has no same-numbered day: its last day was used
    skipped: tuple[DayNote, ...]  # non-working days passed over (counting, or moving the last day)
    makeup_counted: tuple[DayNote, ...]  # 调休 working days on Saturday/Sunday that counted
    years: tuple[YearSource, ...]  # calendar source of every year consulted

    @property
    def fallback_years(self) -> tuple[int, ...]:
        return tuple(y.year for y in self.years if y.source.is_fallback)

    @property
    def has_warning(self) -> bool:
        return bool(self.fallback_years)

    @property
    def moved(self) -> bool:
        return self.due != self.period_end

    @property
    def calendar_fingerprint(self) -> str:
        """Same format as WorkingCalendar.fingerprint(years): compare to know if a recompute may move it."""
        return ";".join(f"{y.year}:{y.fingerprint}" for y in self.years)

    @property
    def rule_label_zh(self) -> str:
        return DEADLINE_RULES[self.rule].label_zh if self.rule in DEADLINE_RULES else self.rule

    @property
    def rule_label_en(self) -> str:
        return DEADLINE_RULES[self.rule].label_en if self.rule in DEADLINE_RULES else self.rule

    def skipped_runs(self) -> list[DayRun]:
        runs: list[DayRun] = []
        for note in self.skipped:
            last = runs[-1] if runs else None
            if (
                last
                and last.kind == note.kind
                and last.name_zh == note.name_zh
                and last.last + timedelta(days=1) == note.day
            ):
                runs[-1] = DayRun(last.first, note.day, last.kind, last.name_zh, last.name_en)
            else:
                runs.append(DayRun(note.day, note.day, note.kind, note.name_zh, note.name_en))
        return runs

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": EXPLANATION_VERSION,
            "rule": self.rule,
            "period": {"amount": self.period.amount, "unit": self.period.unit},
            "start": self.start.isoformat(),
            "start_reason": self.start_reason.value,
            "period_end": self.period_end.isoformat(),
            "due": self.due.isoformat(),
            "month_end_clamped": self.month_end_clamped,
            "skipped": [n.to_dict() for n in self.skipped],
            "makeup_counted": [n.to_dict() for n in self.makeup_counted],
            "years": [y.to_dict() for y in self.years],
            "fallback_years": list(self.fallback_years),
            "calendar_fingerprint": self.calendar_fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Deadline:
        if data.get("version") != EXPLANATION_VERSION:
            raise ValueError(f"unsupported deadline explanation version {data.get('version')!r}")
        return cls(
            rule=data["rule"],
            period=Period(int(data["period"]["amount"]), data["period"]["unit"]),
            start=date.fromisoformat(data["start"]),
            start_reason=StartReason(data["start_reason"]),
            period_end=date.fromisoformat(data["period_end"]),
            due=date.fromisoformat(data["due"]),
            month_end_clamped=bool(data["month_end_clamped"]),
            skipped=tuple(DayNote.from_dict(n) for n in data["skipped"]),
            makeup_counted=tuple(DayNote.from_dict(n) for n in data["makeup_counted"]),
            years=tuple(YearSource.from_dict(y) for y in data["years"]),
        )


# --------------------------------------------------------------------------- computing


def add_months(start: date, months: int) -> tuple[date, bool]:
    """Same-numbered day `months` later, or that month's last day; returns (day, clamped)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day)), start.day > last_day


def compute_deadline(
    calendar: WorkingCalendar,
    start: date,
    period: Period,
    rule: str = "custom",
    start_reason: StartReason | None = None,
) -> Deadline:
    """The due date of `period` counted from `start` (not counted itself), explained."""
    if period.amount < 1:
        raise ValueError("a period must be at least 1")
    check_day(start, "start")
    check_period(period.amount, period.unit)
    if start_reason is None:
        start_reason = DEADLINE_RULES[rule].start_reason if rule in DEADLINE_RULES else StartReason.GIVEN
    clamped = False
    skipped: list[DayNote] = []
    makeup: list[DayNote] = []

    if period.unit == "working_days":
        day, remaining = start, period.amount
        while remaining:
            day += timedelta(days=1)
            info = calendar.day(day)
            if info.is_working:
                remaining -= 1
                if info.kind is DayKind.MAKEUP_WORKDAY:
                    makeup.append(DayNote.of(info))
            else:
                skipped.append(DayNote.of(info))
        period_end = due = day
        consulted_from = start + timedelta(days=1)
    elif period.unit in ("months", "days"):
        if period.unit == "months":
            period_end, clamped = add_months(start, period.amount)
        else:
            period_end = start + timedelta(days=period.amount)
        due = period_end
        while not (info := calendar.day(due)).is_working:
            skipped.append(DayNote.of(info))
            due += timedelta(days=1)
        if info.kind is DayKind.MAKEUP_WORKDAY:
            makeup.append(DayNote.of(info))
        consulted_from = period_end
    else:
        raise ValueError(f"unknown period unit '{period.unit}'; expected one of {', '.join(Period.UNITS)}")

    check_day(due, "due")  # a deadline past the bounds is no deadline anyone can keep
    years = tuple(calendar.year_source(y) for y in range(consulted_from.year, due.year + 1))
    return Deadline(
        rule=rule,
        period=period,
        start=start,
        start_reason=start_reason,
        period_end=period_end,
        due=due,
        month_end_clamped=clamped,
        skipped=tuple(skipped),
        makeup_counted=tuple(makeup),
        years=years,
    )


def compute_rule_deadline(settings: DeadlineSettings, calendar: WorkingCalendar, rule: str, start: date) -> Deadline:
    return compute_deadline(calendar, start, rule_period(settings, rule), rule)


def assignment_deadlines(
    settings: DeadlineSettings, calendar: WorkingCalendar, assigned_on: date, role: AssignmentRole
) -> dict[str, Deadline]:
    """The deadlines an assignment gets when it is made (交办), keyed by rule name."""
    return {
        rule: compute_rule_deadline(settings, calendar, rule, assigned_on)
        for rule in ASSIGNMENT_DEADLINES[AssignmentRole(role)]
    }


def warning_dates(settings: DeadlineSettings, calendar: WorkingCalendar, due: date) -> list[tuple[Period, date]]:
    """The days to warn before `due` (profile `warnings`, e.g. 10 and 3 working days before)."""
    result = []
    for period in settings.warnings:
        if period.unit == "working_days":
            result.append((period, calendar.subtract_working_days(due, period.amount)))
        elif period.unit == "days":
            result.append((period, due - timedelta(days=period.amount)))
        else:
            result.append((period, add_months(due, -period.amount)[0]))
    return result


# --------------------------------------------------------------------------- explaining

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_START_REASONS = {
    StartReason.ASSIGNED: ("交办日期", "assignment date"),
    StartReason.REASSIGNMENT_REQUESTED: ("申请调整日期", "date of the reassignment request"),
    StartReason.RATED_DISSATISFIED: ("不满意测评日期", "date of the dissatisfied rating"),
    StartReason.REPLIED: ("答复日期", "reply date"),
    StartReason.GIVEN: ("指定日期", "given date"),
}

_UNITS = {"months": ("个月", "month(s)"), "working_days": ("个工作日", "working day(s)"), "days": ("天", "day(s)")}

_SOURCES = {
    CalendarSource.LIBRARY: ("国务院公布的节假日安排（{origins}）", "official schedule ({origins})"),
    CalendarSource.OFFICE: ("本办录入的节假日安排（{origins}）", "office entries ({origins})"),
    CalendarSource.LIBRARY_AND_OFFICE: (
        "国务院公布的节假日安排，并以本办录入为准（{origins}）",
        "official schedule with office entries taking precedence ({origins})",
    ),
    CalendarSource.FALLBACK: ("无节假日安排数据，按周一至周五计算", "no holiday schedule: Monday to Friday assumed"),
}


def format_day(day: date, lang: str = "zh") -> str:
    if lang == "zh":
        return f"{day.isoformat()}（星期{_WEEKDAYS_ZH[day.weekday()]}）"
    return f"{day.isoformat()} ({_WEEKDAYS_EN[day.weekday()]})"


def period_text(period: Period, lang: str = "zh") -> str:
    zh, en = _UNITS.get(period.unit, (period.unit, period.unit))
    return f"{period.amount}{zh}" if lang == "zh" else f"{period.amount} {en}"


def _reason(kind: DayKind, name_zh: str, name_en: str, lang: str) -> str:
    if kind is DayKind.HOLIDAY:
        return name_zh if lang == "zh" else (name_en or name_zh)
    if kind is DayKind.MAKEUP_WORKDAY:
        return f"{name_zh}调休上班" if lang == "zh" else f"make-up working day for {name_en or name_zh}"
    return "周末" if lang == "zh" else "weekend"


def _run_text(run: DayRun, lang: str) -> str:
    reason = _reason(run.kind, run.name_zh, run.name_en, lang)
    if run.days == 1:
        return f"{format_day(run.first, lang)} {reason}"
    if lang == "zh":
        return f"{run.first.isoformat()}至{run.last.isoformat()} {reason}（{run.days}天）"
    return f"{run.first.isoformat()} to {run.last.isoformat()} {reason} ({run.days} days)"


def summary(deadline: Deadline, lang: str = "zh") -> str:
    """One line: rule, period, start and due date (with a warning mark when a fallback was used)."""
    mark = " ⚠" if deadline.has_warning else ""
    if lang == "zh":
        return (
            f"{deadline.rule_label_zh}：自{deadline.start.isoformat()}起{period_text(deadline.period, 'zh')}，"
            f"至{format_day(deadline.due, 'zh')}{mark}"
        )
    return (
        f"{deadline.rule_label_en}: {period_text(deadline.period, 'en')} from {deadline.start.isoformat()}, "
        f"due {format_day(deadline.due, 'en')}{mark}"
    )


def explain(deadline: Deadline, lang: str = "zh") -> list[str]:
    """The explanation as sentences, in Chinese ("zh") or English ("en")."""
    zh = lang == "zh"
    start_zh, start_en = _START_REASONS[deadline.start_reason]
    lines = []
    if zh:
        weekday = _WEEKDAYS_ZH[deadline.start.weekday()]
        lines.append(f"起算日：{deadline.start.isoformat()}（星期{weekday}，{start_zh}），起算日当天不计入。")
        lines.append(f"规则：{deadline.rule_label_zh}，{period_text(deadline.period, lang)}。")
    else:
        weekday = _WEEKDAYS_EN[deadline.start.weekday()]
        lines.append(f"Start: {deadline.start.isoformat()} ({weekday}, {start_en}); the start day is not counted.")
        lines.append(f"Rule: {deadline.rule_label_en}, {period_text(deadline.period, lang)}.")

    unit = deadline.period.unit
    if unit == "working_days":
        lines.append(
            f"自起算日次日起计算{deadline.period.amount}个工作日。"
            if zh
            else f"{deadline.period.amount} working days are counted from the day after the start."
        )
    elif unit == "months":
        if deadline.month_end_clamped:
            lines.append(
                f"期满月份没有对应日，以该月最后一日{format_day(deadline.period_end, lang)}为期间最后一日。"
                if zh
                else f"The final month has no same-numbered day, so its last day {format_day(deadline.period_end, lang)} ends the period."
            )
        else:
            lines.append(
                f"期间最后一日为期满月份的对应日：{format_day(deadline.period_end, lang)}。"
                if zh
                else f"The period ends on the same-numbered day of the final month: {format_day(deadline.period_end, lang)}."
            )
    else:
        lines.append(
            f"期间最后一日：{format_day(deadline.period_end, lang)}。"
            if zh
            else f"The period's last day: {format_day(deadline.period_end, lang)}."
        )

    runs = deadline.skipped_runs()
    if runs and unit == "working_days":
        joined = "；".join(_run_text(r, lang) for r in runs) if zh else "; ".join(_run_text(r, lang) for r in runs)
        lines.append(f"跳过的非工作日：{joined}。" if zh else f"Non-working days skipped: {joined}.")
    elif runs:
        first = runs[0]
        reason = _reason(first.kind, first.name_zh, first.name_en, lang)
        lines.append(
            f"期间最后一日为非工作日（{reason}），顺延至下一个工作日{format_day(deadline.due, lang)}。"
            if zh
            else f"The last day is not a working day ({reason}); the deadline moves to the next working day, {format_day(deadline.due, lang)}."
        )
        if len(runs) > 1 or runs[0].days > 1:
            joined = "；".join(_run_text(r, lang) for r in runs) if zh else "; ".join(_run_text(r, lang) for r in runs)
            lines.append(f"顺延跳过：{joined}。" if zh else f"Days passed over: {joined}.")

    if deadline.makeup_counted and unit != "working_days":
        note = deadline.makeup_counted[0]
        reason = _reason(note.kind, note.name_zh, note.name_en, lang)
        lines.append(
            f"截止日{format_day(note.day, lang)}为调休上班日（{reason}），是工作日，不顺延。"
            if zh
            else f"The due date {format_day(note.day, lang)} is a make-up working day ({reason}), so it stands."
        )
    elif deadline.makeup_counted:
        days = (
            "、".join(
                f"{format_day(n.day, lang)}（{_reason(n.kind, n.name_zh, n.name_en, lang)}）"
                for n in deadline.makeup_counted
            )
            if zh
            else ", ".join(
                f"{format_day(n.day, lang)} ({_reason(n.kind, n.name_zh, n.name_en, lang)})"
                for n in deadline.makeup_counted
            )
        )
        lines.append(
            f"计为工作日的调休上班日：{days}。" if zh else f"Make-up working days counted as working days: {days}."
        )

    for year in deadline.years:
        template_zh, template_en = _SOURCES[year.source]
        origins = "、".join(year.origins) if zh else ", ".join(year.origins)
        text = (template_zh if zh else template_en).format(origins=origins)
        lines.append(f"{year.year}年日历：{text}。" if zh else f"Calendar {year.year}: {text}.")

    for fallback_year in deadline.fallback_years:
        lines.append(
            f"警告：{fallback_year}年的节假日安排尚未录入，该年按周一至周五计算工作日；录入后本期限将重新计算。"
            if zh
            else f"Warning: the {fallback_year} holiday schedule is not loaded yet, so Monday to Friday were taken as working days; "
            "the deadline will be recomputed once it is loaded."
        )

    lines.append(f"截止日期：{format_day(deadline.due, lang)}。" if zh else f"Due: {format_day(deadline.due, lang)}.")
    return lines
