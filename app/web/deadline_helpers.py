"""Jinja filters for deadlines, usable on every page (registered by app.web.templating):

- `{{ due_on|overdue_marker }}` or `{{ due_on|overdue_marker(closed=True) }}`: a badge
  "超期N天" / "今日到期" / "剩N个工作日" (only within the nearest warning distance), empty otherwise;
- `{{ record.explanation|deadline_lines }}`: the stored explanation as sentences in the page's language;
- `{{ record.explanation|deadline_summary }}`: one line (rule, period, start, due, ⚠ on fallback).
Macros built on them are in templates/deadlines/macros.html.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from markupsafe import Markup, escape

from app.clock import office_today
from app.domain.calendar import WorkingCalendar
from app.domain.deadlines import Deadline, explain, summary
from app.i18n import get_locale, gettext
from app.rules.calendars import build_calendar
from app.rules.profiles import load_profile
from app.services import context

_SOON_WORKING_DAYS_DEFAULT = 3


@lru_cache(maxsize=4)
def _calendar(profile_name: str) -> WorkingCalendar:
    # library + rules/ files; years entered on the calendar page only matter for a far-off due date
    return build_calendar(profile_name)


@lru_cache(maxsize=4)
def _soon_threshold(profile_name: str) -> int:
    warnings = [p.amount for p in load_profile(profile_name).deadlines.warnings if p.unit == "working_days"]
    return min(warnings) if warnings else _SOON_WORKING_DAYS_DEFAULT


def _lang() -> str:
    return "zh" if get_locale() == "zh_CN" else "en"


def overdue_marker(due: date | None, closed: bool = False, today: date | None = None) -> Markup:
    if due is None or closed:
        return Markup("")
    today = today or office_today()
    if due < today:
        days = (today - due).days
        text = gettext("%(n)s days overdue", n=days)
        return Markup(f'<span class="badge overdue" data-overdue-days="{days}">{escape(text)}</span>')
    if due == today:
        text = gettext("Due today")  # outside the f-string: Babel's extractor does not look inside one
        return Markup(f'<span class="badge warn">{escape(text)}</span>')
    profile_name = context.current().profile_name
    left = _calendar(profile_name).working_days_between(today, due)
    if left <= _soon_threshold(profile_name):
        text = gettext("%(n)s working days left", n=left)
        return Markup(f'<span class="badge warn" data-working-days-left="{left}">{escape(text)}</span>')
    return Markup("")


def deadline_lines(explanation: dict | None) -> list[str]:
    if not explanation:
        return []
    return explain(Deadline.from_dict(explanation), _lang())


def deadline_summary(explanation: dict | None) -> str:
    if not explanation:
        return ""
    return summary(Deadline.from_dict(explanation), _lang())


def register(env) -> None:
    env.filters.update(overdue_marker=overdue_marker, deadline_lines=deadline_lines, deadline_summary=deadline_summary)
