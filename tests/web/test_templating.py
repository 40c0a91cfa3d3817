"""The Jinja environment's in-process cache of compiled templates."""

from __future__ import annotations

import os

from jinja2 import Environment, FileSystemLoader

from app.web import templating


def test_a_second_environment_reuses_compiled_templates_until_the_source_changes(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("first {{ n }}", encoding="utf-8")
    cache = templating._ProcessBytecodeCache()
    compiled = []
    original = Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)

    def render() -> str:
        return (
            Environment(loader=FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
            .get_template("page.html")
            .render(n=1)
        )

    assert render() == "first 1" and len(compiled) == 1
    assert render() == "first 1" and len(compiled) == 1  # a new environment, the compiled code reused
    page.write_text("second {{ n }}", encoding="utf-8")
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    assert render() == "second 1" and len(compiled) == 2  # the source changed: compiled again


def test_the_app_environment_uses_the_process_cache():
    assert templating.build_environment().bytecode_cache is templating._COMPILED
