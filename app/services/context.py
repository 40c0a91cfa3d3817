"""What a use-case needs besides its Session and Actor: the settings, the profile, the clock.

One `UseCase` object is built once per settings in force (the server's, a command's, a test's)
and read with `current()`; a request or command that needs another one (a test, `jianti demo`,
a command run for another profile) puts it in force with `using(...)`. Services read
`current().profile` instead of loading the profile named by the global settings themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from app.clock import office_today
from app.domain.profile import Profile
from app.rules.profiles import load_profile
from app.settings import Settings, get_settings


@dataclass(frozen=True)
class UseCase:
    settings: Settings
    profile: Profile
    today: Callable[[], date] = field(default=office_today)  # the office clock; tests pass a fixed day

    @property
    def profile_name(self) -> str:
        return self.profile.name


@lru_cache(maxsize=8)
def for_settings(settings: Settings) -> UseCase:
    """The use-case context for these settings, built once (the profile is read and validated once)."""
    return UseCase(settings=settings, profile=load_profile(settings.profile))


_in_force: ContextVar[UseCase | None] = ContextVar("jianti_use_case", default=None)


def current() -> UseCase:
    """The context in force: the one put there with using(), else the one of the settings in force."""
    return _in_force.get() or for_settings(get_settings())


@contextmanager
def using(use_case: UseCase) -> Iterator[UseCase]:
    token = _in_force.set(use_case)
    try:
        yield use_case
    finally:
        _in_force.reset(token)
