"""Every user-visible string used in app/ and templates/ is translated in zh_CN and en."""

from __future__ import annotations

from app import i18n
from app.devtools.i18n import missing_translations, used_msgids


def test_catalogs_are_complete():
    missing = missing_translations()
    assert missing == {"zh_CN": [], "en": []}, missing


def test_placeholders_survive_translation():
    import re

    for locale in i18n.LOCALES:
        for msgid, translated in i18n.catalog(locale).items():
            if isinstance(translated, tuple):
                continue
            assert set(re.findall(r"%\((\w+)\)s", msgid)) == set(re.findall(r"%\((\w+)\)s", translated)), msgid


def test_extraction_sees_python_and_templates():
    used = used_msgids()
    assert "Log in" in used and "Wrong user name or password." in used and "registered" in used


def test_chinese_is_the_default_and_dates_are_written_as_users_write_them():
    from datetime import date

    assert i18n.get_locale() == "zh_CN"
    assert i18n.gettext("Log in") == "登录"
    assert i18n.format_date(date(2026, 1, 15)) == "2026年1月15日"
    with i18n.locale_scope("en"):
        assert i18n.gettext("registered") == "Registered"
        assert i18n.format_date(date(2026, 1, 15)) == "January 15, 2026"


def test_no_message_is_hidden_inside_an_f_string():
    """Babel's extractor does not look inside f-strings (Python 3.11): a literal msgid there is never
    checked for a translation ("Due today" reached a Chinese page in English that way)."""
    import re

    from app import PROJECT_ROOT

    hidden = re.compile(r"""f(["'])[^"'\n]*\{[^}\n]*\b(?:_|gettext|ngettext)\(\s*["']""")
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in (PROJECT_ROOT / "app").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert found == []
