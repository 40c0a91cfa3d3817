"""The Jinja2 environment: templates/ at the project root, i18n, CSRF field, navigation, dates."""

from __future__ import annotations

from jinja2 import BytecodeCache, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.bccache import Bucket
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from app import PROJECT_ROOT
from app.domain.audit_labels import audit_label
from app.domain.enums import Role
from app.i18n import LOCALES, format_date, format_datetime, get_locale, gettext, ngettext
from app.web import flash, nav, picker
from app.web import nav_counts as nav_count_badges
from app.web.deadline_helpers import register as register_deadline_helpers

TEMPLATES_DIR = PROJECT_ROOT / "templates"


@pass_context
def csrf_field(context) -> Markup:
    request = context.get("request")
    auth = request.scope.get("auth") if request is not None else None
    token = getattr(auth, "csrf_token", None) or (request.scope.get("jianti_anon_csrf") if request else None)
    return Markup(f'<input type="hidden" name="_csrf" value="{escape(token or "")}">')


@pass_context
def csrf_token(context) -> str:
    request = context.get("request")
    auth = request.scope.get("auth") if request is not None else None
    return getattr(auth, "csrf_token", None) or ""


@pass_context
def current_user(context):
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def flashes(context):
    request = context.get("request")
    return flash.shown(request.scope) if request is not None else []


@pass_context
def nav_entries(context):
    user = current_user(context)
    return nav.entries_for(user.role if user else None)


@pass_context
def nav_counts(context) -> dict[str, int]:
    request = context.get("request")
    return nav_count_badges.shown(request.scope) if request is not None else {}


@pass_context
def nav_split(context):
    user = current_user(context)
    return nav.split_for(user.role if user else None)


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the process, checked against each template's source by
    Jinja: an app built again in the same process (a test run builds several, a worker re-imports)
    does not compile its 58 templates again (0.7 s). Keyed by template name only, so it serves
    environments built alike: the ones build_environment() makes."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # Jinja drops it if the source's checksum changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _ProcessBytecodeCache()


def build_environment() -> Environment:
    env = Environment(
        bytecode_cache=_COMPILED,
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        current_user=current_user,
        nav_entries=nav_entries,
        nav_split=nav_split,
        nav_counts=nav_counts,
        flashes=flashes,
        audit_label=audit_label,
        departments_by_kind=picker.by_kind,
        department_names=picker.search_names,
        get_locale=get_locale,
        LOCALES=LOCALES,
        Role=Role,
    )
    env.filters.update(date=format_date, datetime=format_datetime)
    register_deadline_helpers(env)  # overdue markers and deadline explanations (issue 6)
    return env


def template_engine() -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(build_environment())
