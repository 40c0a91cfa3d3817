"""The reader and parser never fail with an unhandled exception, whatever the workbook holds."""

import random
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.enums import ItemKind
from app.domain.importing import REASONS, parse_workbook
from app.domain.importing.columns import CANONICAL_HEADERS, COMMON_ALIASES, KIND_ALIASES
from app.importing.reader import parse_file
from app.importing.safety import UnusableFile

HEADER_WORDS = sorted(
    {h for kind in ItemKind for h in CANONICAL_HEADERS[kind].values()}
    | {a for aliases in COMMON_ALIASES.values() for a in aliases}
    | {a for table in KIND_ALIASES.values() for aliases in table.values() for a in aliases}
)
TRICKY_TEXT = [
    "",
    " ",
    "第0259号",
    "2026年2月30日",
    "2026.1.15",
    "市交通委、市月球局",
    "是",
    "不可",
    "会上",
    "交通出行",
    "城乡建设/教育",
    "=A1",
    "#N/A",
    "张三、李四，王五",
    "\n",
    "0",
    "-1",
    "1e309",
    "𠀀𠀁",
]

cell_values = st.one_of(
    st.none(),
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(TRICKY_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times(),
)
rows_strategy = st.lists(st.lists(cell_values, max_size=14), max_size=30)


def check(result):
    for problem in result.problems:
        assert problem.code in REASONS
        assert str(problem)
    assert result.problem_count >= len(result.errors)


@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, kind=st.sampled_from(list(ItemKind)), width=st.integers(0, 8))
def test_parser_never_raises(rows, kind, width, beijing_profile):
    check(parse_workbook([("S", rows)], kind, beijing_profile, width))


@st.composite
def sheet_with_header(draw):
    kind = draw(st.sampled_from(list(ItemKind)))
    header = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=2, max_size=14))
    rows = draw(st.lists(st.lists(cell_values, max_size=len(header)), max_size=20))
    return kind, [header, *rows]


@settings(max_examples=300, deadline=None)
@given(case=sheet_with_header())
def test_parser_never_raises_below_a_real_header(case, beijing_profile):
    kind, rows = case
    result = parse_workbook([("S", rows)], kind, beijing_profile)
    check(result)
    if result.sheets[0].layout is not None and result.ok:
        assert len(result.records) == result.data_rows


def _excel_safe(value):
    """openpyxl refuses what Excel cannot hold (control characters, times as numbers are fine)."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sheet_with_header(), title_rows=st.integers(0, 3))
def test_reader_never_raises_on_generated_workbooks(case, title_rows, tmp_path, beijing_profile):
    kind, rows = case
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["市十六届人大四次会议代表建议交办清单"])
    for row in rows:
        sheet.append([_excel_safe(v) for v in row])
    path = tmp_path / "fuzz.xlsx"
    workbook.save(path)
    try:
        check(parse_file(path, kind, beijing_profile))
    except UnusableFile as refused:
        assert refused.code in ("header_only", "empty_workbook")


@pytest.fixture(scope="module")
def seed_workbook(tmp_path_factory):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["市十六届人大四次会议代表建议交办清单"])
    sheet.append(["建议号", "标题", "领衔代表", "附议代表", "代表团", "类别", "主办单位", "提出时间"])
    for n in range(1, 40):
        sheet.append(
            [n, f"关于第{n}件事的建议", "张三", "李四、王五", "朝阳代表团", "交通出行", "市交通委", date(2026, 1, 15)]
        )
    sheet.merge_cells("A1:H1")
    path = tmp_path_factory.mktemp("seed") / "seed.xlsx"
    workbook.save(path)
    return path


def _mutate_member(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        action = rng.random()
        position = rng.randrange(max(len(data), 1))
        if action < 0.4 and data:
            data[position] = rng.randrange(256)
        elif action < 0.7:
            data[position:position] = rng.choice(
                [b"<", b">", b'"', b"</c>", b"<f>1+</f>", b"&#0;", b"<v>x</v>", b't="e"']
            )
        else:
            del data[position : position + rng.randint(1, 40)]
    return bytes(data)


@pytest.mark.parametrize("seed", range(150))
def test_reader_never_raises_on_damaged_workbooks(seed, seed_workbook, tmp_path, beijing_profile):
    rng = random.Random(seed)
    damaged = tmp_path / "damaged.xlsx"
    if seed % 3 == 0:  # damage the zip container itself
        data = bytearray(seed_workbook.read_bytes())
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        damaged.write_bytes(bytes(data))
    else:  # a valid zip with damaged XML parts
        with zipfile.ZipFile(seed_workbook) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as dst:
            victims = rng.sample(src.namelist(), k=rng.randint(1, 2))
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info.filename, _mutate_member(data, rng) if info.filename in victims else data)
    try:
        check(parse_file(damaged, ItemKind.NPC_SUGGESTION, beijing_profile))
    except UnusableFile as refused:
        assert refused.reason()
