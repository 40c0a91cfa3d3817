from datetime import date, datetime

import pytest

from app.domain.enums import ItemKind, SubmitterType
from app.domain.importing import normalize as norm
from app.rules.profiles import load_profile


@pytest.mark.parametrize(
    ("raw", "width", "expected"),
    [
        (259, 4, "0259"),
        (259.0, 4, "0259"),
        ("259", 4, "0259"),
        ("0259", 4, "0259"),
        ("第0259号", 4, "0259"),
        (" 第 259 号 ", 4, "0259"),
        ("00259", 4, "0259"),
        (2017009, 0, "2017009"),
        ("０２５９", 4, "0259"),  # full-width digits
        ("A-12", 4, "A-12"),
    ],
)
def test_item_numbers_are_text_padded_to_the_session_width(raw, width, expected):
    assert norm.item_number(raw, width) == expected


@pytest.mark.parametrize("raw", [12.5, -3, True, "二五九", "12 34", date(2026, 1, 1)])
def test_bad_item_numbers(raw):
    with pytest.raises(norm.CellIssue) as info:
        norm.item_number(raw, 4)
    assert info.value.code == "bad_number"


def test_number_longer_than_width():
    with pytest.raises(norm.CellIssue) as info:
        norm.item_number(12345, 4)
    assert info.value.code == "number_too_long"


def test_titles_are_trimmed_and_nfkc_normalised():
    assert norm.text("  关于解决\n停车难问题（石景山区）的建议 ") == "关于解决停车难问题（石景山区）的建议"
    assert norm.text("关于提高治理水平,逐步取消限行(限号)的建议") == "关于提高治理水平，逐步取消限行（限号）的建议"
    assert norm.text("关于“两旧一村”改造的提案，第１号") == "关于“两旧一村”改造的提案，第1号"
    assert norm.text("Ｂｅｉｊｉｎｇ  2026") == "Beijing 2026"
    assert norm.text("   ") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三、李四，王五,赵六;钱七；孙八\n周九", ("张三", "李四", "王五", "赵六", "钱七", "孙八", "周九")),
        ("张 三、 李四 、", ("张三", "李四")),
        ("张三、张三", ("张三",)),
        (None, ()),
    ],
)
def test_co_signers_split_on_every_separator(raw, expected):
    assert norm.names(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2026, 1, 15, 9, 30), date(2026, 1, 15)),
        (date(2026, 1, 15), date(2026, 1, 15)),
        ("2026-01-15", date(2026, 1, 15)),
        ("2026/1/15", date(2026, 1, 15)),
        ("2026.1.15", date(2026, 1, 15)),
        ("2026年1月15日", date(2026, 1, 15)),
        ("2026 年 1 月 15 日", date(2026, 1, 15)),
        ("2026-01-15 10:00:00", date(2026, 1, 15)),
        ("20260115", date(2026, 1, 15)),
        (46037, date(2026, 1, 15)),  # Excel serial
        (20260115, date(2026, 1, 15)),
        (None, None),
    ],
)
def test_dates_from_every_format(raw, expected):
    assert norm.a_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2026-02-30", "impossible_date"),
        ("2026年13月1日", "impossible_date"),
        ("明天", "bad_date"),
        ("1850-01-01", "date_out_of_range"),
        (12.5, "bad_date"),
    ],
)
def test_bad_dates(raw, code):
    with pytest.raises(norm.CellIssue) as info:
        norm.a_date(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("可", True),
        ("不可", False),
        ("公开", True),
        ("不公开", False),
        ("Y", True),
        ("n", False),
        (True, True),
        (1, True),
        (None, None),
    ],
)
def test_yes_no(raw, expected):
    assert norm.yes_no(raw) is expected


def test_yes_no_rejects_other_text():
    with pytest.raises(norm.CellIssue):
        norm.yes_no("也许")


def test_session_flag_and_submitter_type():
    assert norm.during_session("会上") is True
    assert norm.during_session("闭会期间") is False
    assert norm.submitter_type("党派团体") is SubmitterType.PARTY_GROUP
    assert norm.guess_submitter_type("民盟北京市委") is SubmitterType.PARTY_GROUP
    assert norm.guess_submitter_type("朝阳代表团") is SubmitterType.DELEGATION
    assert norm.guess_submitter_type("张三") is SubmitterType.INDIVIDUAL
    with pytest.raises(norm.CellIssue):
        norm.during_session("偶尔")


def test_counts():
    assert norm.count("12人") == 12
    assert norm.count(3.0) == 3
    for bad in ("许多", 0, 2.5):
        with pytest.raises(norm.CellIssue):
            norm.count(bad)


@pytest.fixture(scope="module")
def resolver():
    return norm.Resolver(load_profile("beijing"), ItemKind.NPC_SUGGESTION)


def test_categories_resolve_by_name_alias_code_and_path(resolver):
    assert resolver.category("交通出行") == "cxjs.jt"
    assert resolver.category("城乡建设/交通出行") == "cxjs.jt"
    assert resolver.category("城乡建设-住房与物业") == "cxjs.zf"
    assert resolver.category("综合经济") == "czjj"
    assert resolver.category("fzjs") == "fzjs"
    with pytest.raises(norm.CellIssue) as info:
        resolver.category("天文")
    assert info.value.code == "unknown_category"


def test_departments_resolve_short_official_alias_and_lists(resolver):
    assert resolver.departments("市交通委") == ("jtw",)
    assert resolver.departments("北京市交通委员会") == ("jtw",)
    assert resolver.departments("市发改委") == ("fgw",)
    assert resolver.departments("北京市公安局") == ("gaj",)
    assert resolver.departments("市科委、中关村管委会") == ("kw",)
    assert resolver.departments("市交通委、市公安局；朝阳区政府") == ("jtw", "gaj", "cy")
    with pytest.raises(norm.CellIssue) as info:
        resolver.departments("市交通委、市月球局")
    assert info.value.code == "unknown_department"
    assert info.value.params["value"] == "市月球局"
