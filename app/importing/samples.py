"""Realistic sample batches for the demo, tests and benchmarks, built deterministically.

Titles are composed from a topic corpus (imports/topics/<profile>.toml) where every topic
belongs to the department that would handle it, so each generated item carries the department
it was meant for; that truth is written next to the workbook (*.expected.json) to measure
routing accuracy. The workbooks imitate hand-made assignment lists: title rows, merged cells,
numbers stored as numbers, dates in several spellings, co-signers in one cell.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app import PROJECT_ROOT
from app.domain.enums import ItemKind
from app.domain.profile import Profile

TOPICS_DIR = PROJECT_ROOT / "imports" / "topics"

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏鑫晨阳建国志文海波宁欣怡佳琪雪梅立新春晓东振宏俊峰永亮晶慧颖"
)
SECTORS = [
    ("中国共产党", "中共"),
    ("民革", "民革"),
    ("民盟", "民盟"),
    ("民建", "民建"),
    ("民进", "民进"),
    ("农工党", "农工党"),
    ("致公党", "致公党"),
    ("九三学社", "九三学社"),
    ("台盟", "台盟"),
    ("无党派人士", "无党派"),
    ("共青团", "中共"),
    ("工会", "中共"),
    ("妇联", "中共"),
    ("工商联", "无党派"),
    ("科协", "九三学社"),
    ("文化艺术界", "无党派"),
    ("科学技术界", "九三学社"),
    ("社会科学界", "民盟"),
    ("经济界", "民建"),
    ("农业界", "农工党"),
    ("教育界", "民进"),
    ("体育界", "无党派"),
    ("新闻出版界", "民盟"),
    ("医药卫生界", "农工党"),
    ("对外友好界", "致公党"),
    ("社会福利和社会保障界", "中共"),
    ("少数民族界", "中共"),
    ("宗教界", "无党派"),
    ("特别邀请人士", "中共"),
]
PARTIES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"]
CITY_BODIES = ["工商联", "妇联", "科协"]


def party_groups(city: str) -> list[str]:
    """民革北京市委 … 北京市科协: the party groups and people's organisations of the profile's city."""
    return [f"{party}{city}委" for party in PARTIES] + [f"{city}{body}" for body in CITY_BODIES]


PARTY_GROUPS = party_groups("北京市")
COMMITTEES = [
    "市政协城市建设和管理委员会",
    "市政协教育文化卫生体育委员会",
    "市政协经济委员会",
    "市政协社会和法制委员会",
    "市政协农业和农村委员会",
    "市政协人口资源环境建设委员会",
]
SECTOR_SUBMITTERS = ["经济界", "医药卫生界", "教育界", "科学技术界", "农业界", "文化艺术界"]
NAME_SEPARATORS = ["、", "、", "、", "，", ",", ";", "；", "\n"]

NPC_TEMPLATES_ACTION = [
    "关于{a}的建议",
    "关于进一步{a}的建议",
    "建议{a}",
    "关于{a}的意见和建议",
    "关于在{district}{a}的建议",
]
NPC_TEMPLATES_PROBLEM = [
    "关于解决{place}{p}问题的建议",
    "尽快解决{place}{p}问题",
    "关于{place}{p}问题的建议",
    "关于解决{p}问题的建议",
    "{place}{p}问题亟待解决",
]
CPPCC_TEMPLATES_ACTION = ["关于{a}的提案", "关于进一步{a}的提案", "关于{a}的建议", "建议{a}", "关于{a}，{a2}的提案"]
CPPCC_TEMPLATES_PROBLEM = [
    "关于解决{place}{p}问题的提案",
    "尽快解决{place}{p}问题",
    "关于{place}{p}问题的提案",
    "关于切实解决{p}问题的提案",
]
CONTENT_OPENINGS = ["近年来，", "随着城市发展，", "经过调研发现，", "群众反映，", "当前，"]


def _subject(title: str) -> str:
    subject = title
    for prefix in ("关于", "建议", "尽快解决", "解决", "切实解决", "进一步"):
        subject = subject.removeprefix(prefix)
    for suffix in ("的意见和建议", "的建议", "的提案", "问题亟待解决", "问题"):
        subject = subject.removesuffix(suffix)
    return subject


@dataclass(frozen=True)
class Topic:
    dept: str
    category: str
    co: tuple[str, ...]
    actions: tuple[str, ...]
    problems: tuple[str, ...]
    cppcc_category: str | None = None  # when the profile keeps a separate CPPCC category list

    def category_for(self, kind: ItemKind) -> str:
        if kind is ItemKind.CPPCC_PROPOSAL and self.cppcc_category:
            return self.cppcc_category
        return self.category


@dataclass
class TopicCorpus:
    topics: list[Topic]
    district_actions: list[str]
    district_problems: list[str]
    district_category: str
    places: dict[str, list[str]]
    communities: list[str]
    district_cppcc_category: str | None = None
    cppcc_body: str = "text"  # "parts": 背景情况 / 问题及分析 / 具体建议 in three columns (Shanghai)

    def district_category_for(self, kind: ItemKind) -> str:
        if kind is ItemKind.CPPCC_PROPOSAL and self.district_cppcc_category:
            return self.district_cppcc_category
        return self.district_category


def load_topics(profile_name: str = "beijing") -> TopicCorpus:
    with (TOPICS_DIR / f"{profile_name}.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    topics = [
        Topic(
            t["dept"],
            t["category"],
            tuple(t.get("co", ())),
            tuple(t.get("actions", ())),
            tuple(t.get("problems", ())),
            t.get("cppcc_category"),
        )
        for t in doc["topic"]
    ]
    district = doc["district"]
    return TopicCorpus(
        topics,
        district["actions"],
        district["problems"],
        district["category"],
        doc["places"],
        doc["communities"]["names"],
        district.get("cppcc_category"),
        doc.get("workbook", {}).get("cppcc_body", "text"),
    )


@dataclass
class SampleItem:
    number: str  # as stored, e.g. "0259"
    number_cell: Any  # as written in the workbook, e.g. 259
    title: str
    lead: str
    co_signers: list[str]
    separator: str
    submitter_type: str  # 委员 / 党派团体 / 专委会 / 界别 / 代表 / 代表团
    delegation: str | None
    sector: str | None
    party: str | None
    category_code: str
    category_cell: str
    content: str
    during_session: bool
    publish: bool
    submitted_on: date
    submitted_cell: Any
    key: bool
    expected_lead: str
    expected_co: list[str]
    intended_lead: list[str] = field(default_factory=list)  # names as written
    intended_co: list[str] = field(default_factory=list)
    content_parts: tuple[str, str, str] | None = None  # 背景情况 / 问题及分析 / 具体建议 (Shanghai CPPCC)


class SampleGenerator:
    def __init__(self, profile: Profile, kind: ItemKind, seed: int, year: int = 2026) -> None:
        self.profile, self.kind, self.year = profile, kind, year
        self.rng = random.Random(f"{profile.name}-{kind.value}-{seed}")
        self.corpus = load_topics(profile.name)
        self.departments = {d.code: d for d in profile.departments}
        self.districts = [d for d in profile.departments if d.kind.value == "district"]
        self.categories = {c.code: c for c in profile.categories}
        self.titles: set[str] = set()
        self._people = self._make_people(900)
        self.party_groups = party_groups(profile.label)

    # ------------------------------------------------------------------ people

    def _name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def _make_people(self, count: int) -> list[tuple[str, str, str, str]]:
        """(name, delegation, sector, party) for deputies or members."""
        people: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        while len(people) < count:
            name = self._name()
            if name in seen:
                continue
            seen.add(name)
            district = self.rng.choice(self.districts).short_name
            sector, party = self.rng.choice(SECTORS)
            people.append((name, f"{district}代表团", sector, party))
        return people

    # ------------------------------------------------------------------ titles

    def _place(self, district: str | None = None, community: bool | None = None) -> str:
        rng = self.rng
        district = district or rng.choice(sorted(self.corpus.places))
        place = district + rng.choice(self.corpus.places[district])
        if community if community is not None else rng.random() < 0.3:
            place += rng.choice(self.corpus.communities)
        return place

    def _title_for(self, topic: Topic | None, district_code: str | None) -> str:
        rng = self.rng
        npc = self.kind is ItemKind.NPC_SUGGESTION
        action_templates = NPC_TEMPLATES_ACTION if npc else CPPCC_TEMPLATES_ACTION
        problem_templates = NPC_TEMPLATES_PROBLEM if npc else CPPCC_TEMPLATES_PROBLEM
        if topic is None:  # a district's own matter
            assert district_code is not None  # a district's matter always names its district
            district = self.departments[district_code].short_name
            place = self._place(district, community=False)
            if rng.random() < 0.6:
                action = rng.choice(self.corpus.district_actions).format(place=place)
                return rng.choice(action_templates[:4]).format(a=action, a2=action, district="", place="", p="")
            problem = rng.choice(self.corpus.district_problems).format(place=place)
            return rng.choice(["关于解决{p}问题的建议" if npc else "关于解决{p}问题的提案", "尽快解决{p}问题"]).format(
                p=problem
            )
        use_problem = topic.problems and (not topic.actions or rng.random() < 0.35)
        if use_problem:
            template = rng.choice(problem_templates)
            place = self._place() if rng.random() < 0.7 else ""
            return template.format(p=rng.choice(topic.problems), place=place)
        template = rng.choice(action_templates)
        first, second = rng.sample(topic.actions, 2) if len(topic.actions) > 1 else (topic.actions[0],) * 2
        district = rng.choice(self.districts).short_name
        return template.format(a=first, a2=second, district=district, place="", p="")

    def _content_parts(self, title: str, topic: Topic | None) -> tuple[str, str, str]:
        """A Shanghai-style CPPCC body: 背景情况 / 问题及分析 / 具体建议."""
        rng = self.rng
        subject = _subject(title)
        measures = list(topic.actions) if topic else list(self.corpus.district_actions)
        picks = [m.replace("{place}", "") for m in rng.sample(measures, min(3, len(measures)))]
        return (
            f"{rng.choice(CONTENT_OPENINGS)}本市围绕“{subject}”开展了大量工作，取得积极成效。",
            f"经调研，{subject}方面仍存在统筹不足、标准不一、基层落实难等问题，群众反映较多。",
            f"一是{picks[0]}；二是{picks[-1]}；三是加强部门协同，建立长效机制。",
        )

    def _content(self, title: str, topic: Topic | None) -> str:
        rng = self.rng
        subject = _subject(title)
        measures = list(topic.actions) if topic else list(self.corpus.district_actions)
        picks = [m.replace("{place}", "") for m in rng.sample(measures, min(2, len(measures)))]
        return (
            f"{rng.choice(CONTENT_OPENINGS)}“{subject}”受到群众广泛关注，相关问题仍较突出。"
            f"为此建议：一是{picks[0]}；二是{picks[-1]}；三是加强部门协同，建立长效机制。"
        )

    # ------------------------------------------------------------------ items

    def _assignment_plan(self, count: int) -> list[tuple[Topic | None, str]]:
        """Which department each item is meant for: every department at least once, busy ones more."""
        plan: list[tuple[Topic | None, str]] = []
        by_dept: dict[str, list[Topic]] = {t.dept: [] for t in self.corpus.topics}
        for topic in self.corpus.topics:
            by_dept[topic.dept].append(topic)
        every: list[tuple[Topic | None, str]] = [(self.rng.choice(by_dept[code]), code) for code in sorted(by_dept)]
        every += [(None, d.code) for d in self.districts]
        plan.extend(every)
        busy = {
            "jtw": 6,
            "jw": 6,
            "wjw": 6,
            "zjw": 5,
            "mzj": 5,
            "cgw": 4,
            "sthjj": 3,
            "rsj": 3,
            "gaj": 3,
            "swj": 2,
            "yllhj": 2,
            "scjgj": 3,
            "swuj": 2,
            "ybj": 2,
            "kw": 2,
            "jxj": 2,
            "nyncj": 2,
        }
        weighted: list[tuple[Topic | None, str]] = [
            (t, t.dept) for t in self.corpus.topics for _ in range(busy.get(t.dept, 1))
        ]
        weighted += [(None, d.code) for d in self.districts]
        while len(plan) < count:
            plan.append(self.rng.choice(weighted))
        plan = plan[:count] if count >= len(every) else self.rng.sample(every, count)
        self.rng.shuffle(plan)
        return plan

    @property
    def _body_in_parts(self) -> bool:
        return self.kind is ItemKind.CPPCC_PROPOSAL and self.corpus.cppcc_body == "parts"

    def generate(self, count: int) -> list[SampleItem]:
        rng = self.rng
        npc = self.kind is ItemKind.NPC_SUGGESTION
        items: list[SampleItem] = []
        plan = self._assignment_plan(count)
        if npc:  # suggestions are numbered delegation by delegation, so delegation cells merge down
            leads = [rng.choice(self._people) for _ in plan]
            order = sorted(range(count), key=lambda i: (leads[i][1], i))
            plan = [plan[i] for i in order]
            leads = [leads[i] for i in order]
        for index, (topic, dept_code) in enumerate(plan, start=1):
            title = self._title_for(topic, dept_code)
            for _ in range(20):
                if title not in self.titles:
                    break
                title = self._title_for(topic, dept_code)
            self.titles.add(title)
            category = topic.category_for(self.kind) if topic else self.corpus.district_category_for(self.kind)
            person = leads[index - 1] if npc else rng.choice(self._people)
            items.append(self._item(index, title, topic, dept_code, category, person))
        return items

    def _item(self, index, title, topic, dept_code, category, person) -> SampleItem:
        rng = self.rng
        npc = self.kind is ItemKind.NPC_SUGGESTION
        width = self.profile.item_number_width.get(self.kind, 0)
        if npc:
            number = str(index).zfill(width) if width else str(index)
            roll = rng.random()
            number_cell: Any = index if roll < 0.9 else (number if roll < 0.96 else f"第{number}号")
        else:
            number = f"{self.year}{index:04d}"
            number_cell = int(number)
        name, delegation, sector, party = person
        submitter_type = "代表" if npc else "委员"
        lead = name
        roll = rng.random()
        if npc and roll < 0.03:
            submitter_type, lead = "代表团", delegation
        elif not npc and roll < 0.08:
            submitter_type, lead, sector, party = "党派团体", rng.choice(self.party_groups), None, None
        elif not npc and roll < 0.12:
            submitter_type, lead, sector, party = "专委会", rng.choice(COMMITTEES), None, None
        elif not npc and roll < 0.15:
            submitter_type, lead = "界别", rng.choice(SECTOR_SUBMITTERS)
            sector, party = lead, None
        co_count = 0
        if submitter_type in ("代表", "委员"):
            co_count = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 22])
        co_signers: list[str] = []
        while len(co_signers) < co_count:
            other = rng.choice(self._people)[0]
            if other != lead and other not in co_signers:
                co_signers.append(other)
        cat = self.categories[category]
        if rng.random() < 0.25 and cat.parent:
            category_cell = f"{self.categories[cat.parent].name}/{cat.name}"
        elif rng.random() < 0.2 and cat.parent:
            category_cell = self.categories[cat.parent].name
        else:
            category_cell = cat.name
        during = rng.random() < 0.85
        if during:
            submitted = date(self.year, 1, rng.randint(10, 15))
            submitted_cell: Any = submitted
        else:
            submitted = date(self.year, 2, 1) + timedelta(days=rng.randint(0, 270))
            style = rng.random()
            if style < 0.4:
                submitted_cell = f"{submitted.year}年{submitted.month}月{submitted.day}日"
            elif style < 0.7:
                submitted_cell = f"{submitted.year}.{submitted.month}.{submitted.day}"
            else:
                submitted_cell = submitted
        expected_co = list(topic.co) if topic and rng.random() < 0.5 else []
        separator = rng.choice(NAME_SEPARATORS)  # drawn before the body, as ever (samples stay as committed)
        content = self._content(title, topic)
        content_parts = self._content_parts(title, topic) if self._body_in_parts else None
        if content_parts:  # stored as the import joins the parts (app/domain/importing/parse.py)
            content = "\n".join(f"{h}：{part}" for h, part in zip(CONTENT_PART_HEADERS, content_parts, strict=True))
        item = SampleItem(
            number=number,
            number_cell=number_cell,
            title=title,
            lead=lead,
            co_signers=co_signers,
            separator=separator,
            submitter_type=submitter_type,
            delegation=delegation if npc else None,
            sector=None if npc else sector,
            party=None if npc else party,
            category_code=category,
            category_cell=category_cell,
            content=content,
            content_parts=content_parts,
            during_session=during,
            publish=rng.random() < 0.9,
            submitted_on=submitted,
            submitted_cell=submitted_cell,
            key=rng.random() < 0.03,
            expected_lead=dept_code,
            expected_co=expected_co,
        )
        if not npc:  # members often name the unit they hope will handle the proposal
            roll = rng.random()
            names = self.departments[dept_code].names
            if roll < 0.5:
                item.intended_lead = [rng.choice(names)]
            elif roll < 0.58:
                item.intended_lead = [rng.choice(self.profile.departments).short_name]
            if item.intended_lead and expected_co and rng.random() < 0.6:
                item.intended_co = [self.departments[c].short_name for c in expected_co]
        return item


# ---------------------------------------------------------------------- workbooks

NPC_COLUMNS = [
    "建议号",
    "标题",
    "领衔代表",
    "附议代表",
    "提出人数",
    "代表团",
    "类别",
    "会上/闭会",
    "可否公开",
    "提出时间",
    "重点",
    "内容",
]
CPPCC_GROUP = [
    "提案号",
    "案由",
    "提案人",
    None,
    None,
    "界别",
    "党派",
    "提案分类",
    "提出方式",
    "是否同意公开",
    "提交时间",
    "意向主办单位",
    "意向会办单位",
    "重点",
    "提案内容",
]
CPPCC_COLUMNS = [
    None,
    None,
    "提案者性质",
    "第一提案人",
    "联名提案人",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
]
TITLE_FONT = Font(bold=True, size=16)


def _npc_row(item: SampleItem) -> list[Any]:
    return [
        item.number_cell,
        item.title,
        item.lead,
        item.separator.join(item.co_signers) or None,
        1 + len(item.co_signers),
        item.delegation,
        item.category_cell,
        "会上" if item.during_session else "闭会期间",
        "是" if item.publish else "否",
        item.submitted_cell,
        "是" if item.key else None,
        item.content,
    ]


CONTENT_PART_HEADERS = ["背景情况", "问题及分析", "具体建议"]


def _cppcc_row(item: SampleItem) -> list[Any]:
    body = list(item.content_parts) if item.content_parts else [item.content]
    return [
        item.number_cell,
        item.title,
        item.submitter_type,
        item.lead,
        item.separator.join(item.co_signers) or None,
        item.sector,
        item.party,
        item.category_cell,
        "大会" if item.during_session else "平时",
        "同意" if item.publish else "不同意",
        item.submitted_cell,
        "、".join(item.intended_lead) or None,
        "、".join(item.intended_co) or None,
        "√" if item.key else None,
        *body,
    ]


def write_npc_workbook(items: Sequence[SampleItem], path: Path, session_label: str) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表建议"
    sheet.append([f"{session_label}代表建议交办清单"])
    sheet.append([f"（共{len(items)}件）"])
    sheet.append(NPC_COLUMNS)
    last = len(NPC_COLUMNS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = Alignment(horizontal="center")
    run_start, run_value = 4, None
    for offset, item in enumerate(items):
        row_number = 4 + offset
        row = _npc_row(item)
        if item.delegation == run_value:
            row[5] = None  # written once, merged down below
        else:
            _merge_run(sheet, 6, run_start, row_number - 1)
            run_start, run_value = row_number, item.delegation
        sheet.append(row)
        if isinstance(item.submitted_cell, date):
            sheet.cell(row=row_number, column=10).number_format = "yyyy-mm-dd"
    _merge_run(sheet, 6, run_start, 3 + len(items))
    _widths(sheet, [8, 50, 10, 30, 8, 14, 16, 10, 8, 12, 6, 60])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _merge_run(sheet, column: int, first: int, last: int) -> None:
    if last > first:
        sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def write_cppcc_workbook(items: Sequence[SampleItem], path: Path, session_label: str) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    parts = any(item.content_parts for item in items)
    for title, subset in (
        ("大会期间提案", [i for i in items if i.during_session]),
        ("平时提案", [i for i in items if not i.during_session]),
    ):
        sheet = workbook.create_sheet(title)
        group: list[str | None] = list(CPPCC_GROUP)
        columns: list[str | None] = list(CPPCC_COLUMNS)
        if parts:  # the body in three columns under their own headings
            group = [*group[:-1], *CONTENT_PART_HEADERS]
            columns = [*columns[:-1], *([None] * len(CONTENT_PART_HEADERS))]
        sheet.append([f"{session_label}提案交办清单（{title}）"])
        sheet.append(group)
        sheet.append(columns)
        last = len(group)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        sheet.merge_cells(start_row=2, start_column=3, end_row=2, end_column=5)  # 提案人 over three columns
        for column, header in enumerate(group, start=1):
            if header and column not in (3, 4, 5):
                sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        sheet["A1"].font = TITLE_FONT
        for row_number, item in enumerate(subset, start=4):
            sheet.append(_cppcc_row(item))
            if isinstance(item.submitted_cell, date):
                sheet.cell(row=row_number, column=11).number_format = "yyyy年m月d日"
        _widths(sheet, [11, 50, 10, 16, 30, 14, 10, 16, 8, 10, 14, 18, 18, 6] + [60] * (last - 14))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _widths(sheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_expected(items: Sequence[SampleItem], path: Path, *, kind: ItemKind, session_label: str, seed: int) -> Path:
    """The truth beside a sample workbook: the department each item was meant for."""
    doc = {
        "kind": kind.value,
        "session": session_label,
        "seed": seed,
        "count": len(items),
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "category": item.category_code,
                "lead": item.expected_lead,
                "co": item.expected_co,
            }
            for item in items
        ],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def build_batch(
    profile: Profile, kind: ItemKind, count: int, seed: int, path: Path, session_label: str, expected: bool = True
) -> list[SampleItem]:
    items = SampleGenerator(profile, kind, seed).generate(count)
    writer = write_npc_workbook if kind is ItemKind.NPC_SUGGESTION else write_cppcc_workbook
    writer(items, path, session_label)
    if expected:
        write_expected(items, path.with_suffix(".expected.json"), kind=kind, session_label=session_label, seed=seed)
    return items


def item_as_dict(item: SampleItem) -> dict[str, Any]:
    data = asdict(item)
    data["submitted_on"] = item.submitted_on.isoformat()
    data.pop("submitted_cell")
    return data
