"""Translations: Chinese first (zh_CN), English too.

Catalogs are the .po files under app/locale/<locale>/LC_MESSAGES/ (one file per feature, all merged);
they are read at start-up, so there is no compile step and no stale .mo file. msgids are English.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.pofile import read_po
from babel.support import LazyProxy

from app.clock import OFFICE_TZ

LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"

_current_locale: ContextVar[str] = ContextVar("jianti_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=len(LOCALES))
def catalog(locale: str) -> dict[str, str | tuple[str, ...]]:
    """msgid -> translation for one locale, merged from every .po file of that locale."""
    messages: dict[str, str | tuple[str, ...]] = {}
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if not message.id or not message.string:
                    continue
                key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
                string = message.string
                messages[key] = tuple(string) if isinstance(string, (list, tuple)) else string
    return messages


def get_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def locale_scope(locale: str):
    token = _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(message: str, **params: Any) -> str:
    translated = catalog(get_locale()).get(message) or message
    if isinstance(translated, tuple):
        translated = translated[0]
    return translated % params if params else translated


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    translated = catalog(get_locale()).get(singular)
    if isinstance(translated, tuple):
        # zh_CN has one plural form, en two
        text = translated[0] if len(translated) == 1 or n == 1 else translated[1]
    else:
        text = singular if n == 1 else plural
    params.setdefault("num", n)
    return text % params


def lazy_gettext(message: str, **params: Any) -> LazyProxy:
    return LazyProxy(gettext, message, enable_cache=False, **params)


_ = gettext


def format_date(value: date | None, style: str = "long") -> str:
    """Dates as users write them: 2026年1月15日 in Chinese, 15 January 2026 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_format_date(value, format=style, locale=get_locale())


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, format="medium", tzinfo=OFFICE_TZ, locale=get_locale())
