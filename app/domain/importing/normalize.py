"""Cell value normalisation. Every function takes a raw cell value (str, int, float, bool,
date, datetime, time or None, as a spreadsheet library hands them over) and returns the clean
value or raises CellIssue naming the reason."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.enums import ItemKind, SubmitterType
from app.domain.profile import Category, Department, Profile


class CellIssue(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(code)


MIN_DATE, MAX_DATE = date(1990, 1, 1), date(2100, 12, 31)
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year quirk
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_ANY_SPACE = re.compile(r"\s")
_ANY_HALF_PUNCT = re.compile(r"[,;:!?()]")
_HAS_CJK = re.compile(f"[{_CJK}]")
_NAME_SEPARATORS = re.compile(r"[、，,;；\n\r\t/|]+|\s{2,}")
_PLAIN_NAME = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf·]+")  # Chinese characters only: already NFKC, no separator
#: CJK ideographs and the full-width punctuation NFKC keeps (、。“”《》…), no spaces, no ASCII
_PLAIN_TEXT = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf、。“”‘’《》〈〉【】—·]+")
_NUMBER = re.compile(r"第?\s*([0-9A-Za-z][0-9A-Za-z\-]*)\s*号?")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise CellIssue("bad_text", value=value)
        value = int(value)
    return str(value)


def text(value: Any, *, limit: int | None = None) -> str | None:
    """Trimmed NFKC text with whitespace collapsed (none kept between Chinese characters)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellIssue("bad_text", value=value)
    if value.__class__ is str and len(value) < 200 and _PLAIN_TEXT.fullmatch(value):
        if limit is not None and len(value) > limit:
            raise CellIssue("text_too_long", length=len(value), limit=limit)
        return value  # Chinese text and full-width punctuation only: nothing to normalise
    if isinstance(value, int | float):
        raw = _number_text(value)
    elif isinstance(value, datetime | date | time):
        raise CellIssue("bad_text", value=value)
    else:
        raw = str(value)
    cleaned = raw if unicodedata.is_normalized("NFKC", raw) else unicodedata.normalize("NFKC", raw)
    cleaned = cleaned.strip()
    if _ANY_SPACE.search(cleaned):
        cleaned = _SPACES.sub(" ", _SPACE_BETWEEN_CJK.sub("", cleaned))
    if _ANY_HALF_PUNCT.search(cleaned):
        cleaned = _restore_chinese_punctuation(cleaned)
    if limit is not None and len(cleaned) > limit:
        raise CellIssue("text_too_long", length=len(cleaned), limit=limit)
    return cleaned or None


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,;:!?()]|[,;:!?()](?=[{_CJK}])")


def _restore_chinese_punctuation(value: str) -> str:
    """NFKC turns ，（） into ,() everywhere; next to Chinese text they go back to full width,
    so a title reads the same whichever way it was typed."""
    return _PUNCT_NEAR_CJK.sub(lambda m: _FULL_WIDTH[m.group(0)], value)


def item_number(value: Any, width: int) -> str:
    """259 / '259' / '0259' / '第0259号' -> '0259' for a 4-digit session; kept as text."""
    if is_blank(value):
        raise CellIssue("missing_value")
    if isinstance(value, bool | date | time):
        raise CellIssue("bad_number", value=value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not (value == value and value.is_integer()):
            raise CellIssue("bad_number", value=value)
        if value < 0:
            raise CellIssue("bad_number", value=value)
        raw = str(int(value))
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip()
        match = _NUMBER.fullmatch(raw)
        if not match:
            raise CellIssue("bad_number", value=value)
        raw = match.group(1)
    if len(raw) > 32:
        raise CellIssue("bad_number", value=value)
    if raw.isdigit() and width:
        if len(raw) > width:
            stripped = raw.lstrip("0") or "0"
            if len(stripped) > width:
                raise CellIssue("number_too_long", value=raw, width=width)
            raw = stripped
        raw = raw.zfill(width)
    return raw


def names(value: Any, *, limit: int = 100) -> tuple[str, ...]:
    """'张三、李四，王五; 赵六\\n钱七' -> ('张三', '李四', '王五', '赵六', '钱七'), duplicates dropped."""
    if is_blank(value):
        return ()
    if not isinstance(value, str):
        value = text(value) or ""
    if len(value) <= limit and _PLAIN_NAME.fullmatch(value):  # one name, nothing to clean: most cells
        return (value,)
    result: list[str] = []
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    for part in _NAME_SEPARATORS.split(value):
        name = part.strip()
        if _ANY_SPACE.search(name):  # 张 三 -> 张三, but John  Smith -> John Smith
            name = _SPACES.sub("", name) if _HAS_CJK.search(name) else _SPACES.sub(" ", name)
        name = name.strip(" .。")
        if not name:
            continue
        if len(name) > limit:
            raise CellIssue("name_too_long", value=name, limit=limit)
        if name not in result:
            result.append(name)
    return tuple(result)


_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*\d{1,2}[:时]\d{2}(?:[:分]\d{2}秒?)?分?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def _checked(found: date, shown: Any) -> date:
    if not MIN_DATE <= found <= MAX_DATE:
        raise CellIssue("date_out_of_range", value=shown, low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat())
    return found


def a_date(value: Any) -> date | None:
    """Excel dates and datetimes, serial numbers, and text such as 2026-01-15, 2026/1/15,
    2026.1.15, 2026年1月15日 or 20260115."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _checked(value.date(), value.date().isoformat())
    if isinstance(value, date):
        return _checked(value, value.isoformat())
    if isinstance(value, bool | time | timedelta):
        raise CellIssue("bad_date", value=value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not (value == value and value.is_integer()):
            raise CellIssue("bad_date", value=value)
        number = int(value)
        if 19000101 <= number <= 29991231:
            return a_date(str(number))
        if 1 <= number <= 2958465:  # Excel's serial range
            return _checked((EXCEL_EPOCH + timedelta(days=number)).date(), number)
        raise CellIssue("bad_date", value=value)
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    if len(raw) == 5 and raw.isdigit():  # an Excel serial that travelled as text (a CSV export)
        return a_date(int(raw))
    if raw.endswith((".0", ".00")) and raw.split(".")[0].isdigit() and len(raw.split(".")[0]) == 5:
        return a_date(int(raw.split(".")[0]))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                found = date(year, month, day)
            except ValueError:
                raise CellIssue("impossible_date", value=raw) from None
            return _checked(found, raw)
    raise CellIssue("bad_date", value=raw)


_YES = {
    "是",
    "可",
    "可以",
    "公开",
    "同意",
    "同意公开",
    "可公开",
    "y",
    "yes",
    "true",
    "1",
    "√",
    "✓",
    "✔",
    "★",
    "重点",
    "是重点",
}
_NO = {"否", "不可", "不可以", "不公开", "不同意", "不同意公开", "n", "no", "false", "0", "×", "✗", "非重点"}


def yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = _SPACES.sub("", unicodedata.normalize("NFKC", str(value))).lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellIssue("bad_yes_no", value=value)


_DURING = {"会上", "会议期间", "大会期间", "会期", "会上提出", "大会", "是"}
_BETWEEN = {"闭会", "闭会期间", "平时", "闭会期间提出", "会后", "否"}


def during_session(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))
    if key in _DURING:
        return True
    if key in _BETWEEN:
        return False
    raise CellIssue("bad_session_flag", value=value)


def count(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellIssue("bad_count", value=value)
    if isinstance(value, float) and value == value and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("人").removesuffix("名").strip()
        if not raw.isdigit():
            raise CellIssue("bad_count", value=value)
        number = int(raw)
    if not 1 <= number <= 10_000:
        raise CellIssue("bad_count", value=value)
    return number


_SUBMITTER_TYPES = {
    "委员": SubmitterType.INDIVIDUAL,
    "个人": SubmitterType.INDIVIDUAL,
    "代表": SubmitterType.INDIVIDUAL,
    "委员个人": SubmitterType.INDIVIDUAL,
    "委员联名": SubmitterType.INDIVIDUAL,
    "代表联名": SubmitterType.INDIVIDUAL,
    "individual": SubmitterType.INDIVIDUAL,
    "党派团体": SubmitterType.PARTY_GROUP,
    "党派": SubmitterType.PARTY_GROUP,
    "团体": SubmitterType.PARTY_GROUP,
    "人民团体": SubmitterType.PARTY_GROUP,
    "party_group": SubmitterType.PARTY_GROUP,
    "专委会": SubmitterType.SPECIAL_COMMITTEE,
    "专门委员会": SubmitterType.SPECIAL_COMMITTEE,
    "special_committee": SubmitterType.SPECIAL_COMMITTEE,
    "界别": SubmitterType.SECTOR,
    "sector": SubmitterType.SECTOR,
    "代表团": SubmitterType.DELEGATION,
    "delegation": SubmitterType.DELEGATION,
}


def submitter_type(value: Any) -> SubmitterType | None:
    if is_blank(value):
        return None
    key = _SPACES.sub("", unicodedata.normalize("NFKC", str(value))).lower()
    if key in _SUBMITTER_TYPES:
        return _SUBMITTER_TYPES[key]
    raise CellIssue("bad_submitter_type", value=value)


def guess_submitter_type(lead: str) -> SubmitterType:
    """Collective submitters are recognisable by name (北京代表团, 民盟北京市委, 经济委员会)."""
    if lead.endswith("代表团"):
        return SubmitterType.DELEGATION
    if lead.endswith("界") or lead.endswith("界别"):
        return SubmitterType.SECTOR
    if lead.endswith("委员会") and not lead.startswith("北京市"):
        return SubmitterType.SPECIAL_COMMITTEE
    if lead.endswith(("市委", "市委会", "工商联", "总工会", "团市委", "妇联", "科协", "台联", "侨联", "青联")):
        return SubmitterType.PARTY_GROUP
    return SubmitterType.INDIVIDUAL


def _key(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


class Resolver:
    """Resolves category and department names against a profile (codes, names, aliases;
    NFKC and whitespace insensitive; 北京市 prefix tolerated)."""

    def __init__(self, profile: Profile, kind: ItemKind) -> None:
        self.profile, self.kind = profile, kind
        self._categories: dict[str, Category] = {}
        self._all_categories: dict[str, Category] = {}
        for cat in profile.categories:
            for name in (cat.code, cat.name, *cat.aliases):
                self._all_categories.setdefault(_key(name), cat)
                if kind in cat.kinds:
                    self._categories.setdefault(_key(name), cat)
        self._departments: dict[str, Department] = {}
        for dept in profile.departments:
            for name in (dept.code, *dept.names):
                self._departments.setdefault(_key(name), dept)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._category_cache: dict[str, str] = {}

    def category(self, value: Any) -> str | None:
        """'交通出行', '城乡建设/交通出行', '城乡建设-交通出行' -> the most specific known code."""
        if isinstance(value, str):
            cached = self._category_cache.get(value)
            if cached is not None:
                return cached
            code = self._category(value)
            if code is not None:
                self._category_cache[value] = code
            return code
        return self._category(value)

    def _category(self, value: Any) -> str | None:
        raw = text(value)
        if raw is None:
            return None
        key = _key(raw)
        if key in self._categories:
            return self._categories[key].code
        found = None
        for part in re.split(r"[/\\\-—>＞|、]+", key):
            if part in self._categories:
                cat = self._categories[part]
                if found is None or cat.parent is not None:
                    found = cat
            elif part in self._all_categories:
                raise CellIssue("category_wrong_kind", value=raw)
            elif part:
                raise CellIssue("unknown_category", value=raw)
        if found is not None:
            return found.code
        if key in self._all_categories:
            raise CellIssue("category_wrong_kind", value=raw)
        raise CellIssue("unknown_category", value=raw)

    def department(self, name: str) -> str:
        key = _key(name)
        for candidate in (key, key.removeprefix("北京市"), "市" + key.removeprefix("北京市")):
            dept = self._departments.get(candidate)
            if dept is not None:
                return dept.code
        raise CellIssue("unknown_department", value=name)

    def departments(self, value: Any) -> tuple[str, ...]:
        """A cell naming one or more departments ('市交通委、市公安局') -> their codes."""
        if is_blank(value):
            return ()
        raw = str(value) if not isinstance(value, str) else value
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        codes: list[str] = []
        with contextlib.suppress(CellIssue):  # a name that itself holds a separator (市科委、中关村管委会)
            codes.append(self.department(raw))
        for name in [] if codes else _split_departments(raw):
            code = self.department(name)
            if code not in codes:
                codes.append(code)
        result = tuple(codes)
        self._cache[raw] = result
        return result


def _split_departments(raw: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[、，,;；\n\r/]+", unicodedata.normalize("NFKC", raw)) if p.strip()]
    return parts
