"""Public disclosure (公开), pure: strip personal data from a text before it goes online.

Removed: mobile and landline phone numbers, resident ID numbers (15 or 18 digits), e-mail
addresses, and the contact person's name wherever it appears (also after 联系人/联系电话 labels).
The caller shows the office the exact result, and what was removed, before publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "［已隐去］"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ID = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)\(?0\d{2,3}\)?[- ]?[2-9]\d{6,7}(?:[-转]\d{1,6})?(?!\d)")
_CONTACT_LINE = re.compile(r"(联系人|联系电话|电话|手机|邮箱|电子邮件)\s*[:：]\s*[^\n，,；;。]*")


@dataclass(frozen=True)
class Removed:
    kind: str  # phone | id_number | email | contact_person | contact_line
    text: str


@dataclass(frozen=True)
class Stripped:
    text: str
    removed: tuple[Removed, ...]


def strip_personal_data(text: str, *, contact_names: tuple[str, ...] = ()) -> Stripped:
    removed: list[Removed] = []

    def sub(pattern: re.Pattern[str], kind: str, value: str) -> str:
        def repl(match: re.Match[str]) -> str:
            removed.append(Removed(kind, str(match.group(0))))
            return MASK

        return pattern.sub(repl, value)

    out = sub(_CONTACT_LINE, "contact_line", text)
    out = sub(_EMAIL, "email", out)
    out = sub(_ID, "id_number", out)
    out = sub(_MOBILE, "phone", out)
    out = sub(_LANDLINE, "phone", out)
    for name in sorted({n.strip() for n in contact_names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        if name in out:
            removed.extend(Removed("contact_person", name) for _ in range(out.count(name)))
            out = out.replace(name, MASK)
    return Stripped(out, tuple(removed))
