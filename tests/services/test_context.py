"""The use-case context: built once per settings, replaceable for one request or command."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.rules.profiles import load_profile
from app.services import context
from app.settings import get_settings


def test_the_context_follows_the_settings_in_force_and_is_built_once():
    first = context.current()
    assert first.settings is get_settings() and first.profile_name == get_settings().profile
    assert context.current() is first  # not rebuilt per call


def test_using_puts_another_context_in_force_for_a_block_only():
    shanghai = context.UseCase(
        settings=replace(get_settings(), profile="shanghai"),
        profile=load_profile("shanghai"),
        today=lambda: date(2026, 3, 1),
    )
    before = context.current()
    with context.using(shanghai):
        assert context.current().profile_name == "shanghai" and context.current().today() == date(2026, 3, 1)
    assert context.current() is before
