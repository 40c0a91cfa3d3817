"""Catalog maintenance: find msgids used in app/ and templates/ and check both catalogs have them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from app import PROJECT_ROOT
from app.i18n import LOCALE_DIR, LOCALES, catalog

KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "N_": None}
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
JINJA_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def used_msgids() -> dict[str, list[str]]:
    """msgid -> places it is used ("app/web/controllers/home.py:12")."""
    found: dict[str, list[str]] = {}
    for root in (PROJECT_ROOT / "app", PROJECT_ROOT / "templates"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), METHOD_MAP, options_map=JINJA_OPTIONS, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, []).append(f"{root.name}/{filename}:{lineno}")
    return found


def missing_translations() -> dict[str, list[str]]:
    """locale -> msgids used in the code without a translation in that locale's catalogs."""
    catalog.cache_clear()
    used = used_msgids()
    return {locale: sorted(m for m in used if not catalog(locale).get(m)) for locale in LOCALES}


def add_missing(domain: str) -> dict[str, int]:
    """Append msgids missing from both locales to <locale>/LC_MESSAGES/<domain>.po with empty msgstr."""
    added = {}
    used = used_msgids()
    for locale, msgids in missing_translations().items():
        path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po = _read(path, locale, domain)
        for msgid in msgids:
            if msgid not in po:
                po.add(msgid, "", locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in used[msgid][:3]])
        with path.open("wb") as fh:
            write_po(fh, po, width=120, omit_header=False, sort_output=False)
        added[locale] = len(msgids)
    return added


def _read(path: Path, locale: str, domain: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=locale, domain=domain)
    return Catalog(locale=locale, domain=domain, project="jianti", charset="utf-8")
