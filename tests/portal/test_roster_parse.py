"""The roster parser names every bad cell and never fails on what people put into workbooks."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.enums import Body
from app.domain.roster import parse_roster

CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.sampled_from(["代表", "委员", "代表团", "党派团体", "界别", "专委会", "x@y.cn", "13912345678", "张三"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(CELL, max_size=8), max_size=12), st.sampled_from(list(Body)))
def test_parser_never_fails(rows, body):
    sheet = [["姓名", "类型", "代表团", "界别", "党派", "联系电话", "电子邮箱"], *rows]
    result = parse_roster([("名册", sheet)], body)
    for problem in result.problems:
        assert problem.sheet == "名册" and problem.reason()


def test_cells_are_named_and_collectives_recognised():
    sheet = [
        ["市十六届人大代表名册"],
        ["序号", "姓名", "代表团", "联系电话", "电子邮箱"],
        [1, "张建华", "朝阳代表团", "13800000001", "zjh@example.cn"],
        [2, "朝阳代表团", "朝阳代表团", None, None],
        [3, "李红", "海淀代表团", "电话", "not-mail"],
        [4, "张建华", "朝阳代表团", None, None],
        [None, None, None, None, None],
    ]
    result = parse_roster([("Sheet1", sheet)], Body.NPC)
    assert [r.name for r in result.rows] == ["张建华", "朝阳代表团"]
    assert result.rows[1].kind.value == "delegation"
    places = sorted((p.cell, p.code) for p in result.problems)
    assert places == [("B6", "roster_duplicate"), ("D5", "roster_bad_phone"), ("E5", "roster_bad_email")]
    assert not result.ok
