"""Blank import templates: the canonical headers of each kind, a note on every header cell,
drop-down lists for the fixed-value columns and an instructions sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app import PROJECT_ROOT
from app.domain.enums import ItemKind
from app.domain.importing.columns import CANONICAL_HEADERS, REQUIRED_FIELDS, Field
from app.domain.profile import Profile

NOTES: dict[Field, str] = {
    Field.NUMBER: "必填。本次会议内的编号，如 259、0259 或 第0259号；系统按会议设定的位数补零，作为文本保存。",
    Field.TITLE: "必填。标题/案由，如“关于解决……问题的建议”。不超过500字。",
    Field.LEAD_SUBMITTER: "必填。领衔代表/第一提案人姓名，或代表团、党派团体、专委会、界别名称。",
    Field.CO_SIGNERS: "选填。多人用顿号、逗号、分号或换行分隔。",
    Field.SUBMITTER_COUNT: "选填。提出人数；不填时按领衔人与附议人合计。",
    Field.SUBMITTER_TYPE: "选填。委员/代表、党派团体、专委会、界别、代表团；不填时按名称判断。",
    Field.DELEGATION: "选填。所属代表团，如“朝阳区代表团”。",
    Field.SECTOR: "选填。界别，如“经济界”。",
    Field.PARTY: "选填。党派，如“民盟”。",
    Field.CATEGORY: "选填。分类名称，可写“城乡建设/交通出行”或“交通出行”。",
    Field.CONTENT: "选填。正文。",
    Field.DURING_SESSION: "选填。会上 或 闭会期间（不填视为会上）。",
    Field.AGREE_TO_PUBLISH: "选填。是/否（可/不可、公开/不公开）；不填视为同意公开。",
    Field.SUBMITTED_ON: "选填。日期，如 2026-01-15、2026/1/15、2026.1.15 或 2026年1月15日。",
    Field.INTENDED_LEAD: "选填。单位简称或全称，如“市交通委”；多个单位用顿号分隔。",
    Field.INTENDED_CO: "选填。单位简称或全称；多个单位用顿号分隔。",
    Field.INTENDED_SPLIT: "选填。分办单位；多个单位用顿号分隔。",
    Field.KEY_SUPERVISION: "选填。重点督办件填“是”。",
}
CHOICES: dict[Field, str] = {
    Field.DURING_SESSION: '"会上,闭会期间"',
    Field.AGREE_TO_PUBLISH: '"是,否"',
    Field.KEY_SUPERVISION: '"是,否"',
}
TEMPLATE_NAMES = {ItemKind.NPC_SUGGESTION: "npc_template.xlsx", ItemKind.CPPCC_PROPOSAL: "cppcc_template.xlsx"}
TEMPLATES_DIR = PROJECT_ROOT / "imports" / "templates"
#: What the import reads (app/importing/reader.py); said on every template and in imports/README.md.
FORMATS_NOTE = (
    "可导入的文件格式：Excel 工作簿 .xlsx、.xlsm（宏不会执行）、Excel 97–2003 / WPS 的 .xls、"
    "OpenDocument 表格 .ods，以及 .csv 文本（编码 UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK，"
    "分隔符为逗号、分号或制表符，自动识别）。加密的文件请先去掉密码。"
)
#: Shanghai CPPCC bodies come in three parts, one column each (imports/topics/<profile>.toml [workbook]).
BODY_PARTS = {
    Field.CONTENT_BACKGROUND: ("背景情况", "选填。提案正文第一部分：背景情况。"),
    Field.CONTENT_ANALYSIS: ("问题及分析", "选填。提案正文第二部分：问题及分析。"),
    Field.CONTENT_PROPOSALS: ("具体建议", "选填。提案正文第三部分：具体建议。"),
}


def template_path(profile_name: str, kind: ItemKind, root: Path = TEMPLATES_DIR) -> Path:
    """The shipped blank template of a profile: imports/templates/<profile>/<kind>_template.xlsx."""
    return root / profile_name / TEMPLATE_NAMES[kind]


REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(kind: ItemKind, profile: Profile, path: Path, *, body_parts: bool = False) -> Path:
    """body_parts: the CPPCC body as 背景情况 / 问题及分析 / 具体建议 columns instead of one 提案内容."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "导入清单"
    headers = dict(CANONICAL_HEADERS[kind])
    notes = dict(NOTES)
    if body_parts and kind is ItemKind.CPPCC_PROPOSAL:
        headers.pop(Field.CONTENT, None)
        for fld, (header, note) in BODY_PARTS.items():
            headers[fld], notes[fld] = header, note
    for column, (fld, header) in enumerate(headers.items(), start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if fld in REQUIRED_FIELDS else HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        cell.comment = Comment(notes[fld], "建提 Jianti", width=300, height=110)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 50 if fld in (Field.TITLE, Field.CONTENT, *BODY_PARTS) else 16
        if fld is Field.NUMBER:
            sheet.column_dimensions[letter].number_format = "@"
        if fld in CHOICES:
            validation = DataValidation(type="list", formula1=CHOICES[fld], allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("填写说明")
    kind_label = "人大代表建议" if kind is ItemKind.NPC_SUGGESTION else "政协提案"
    guide.append([f"{profile.label}{kind_label}导入模板 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["表头可以放在标题行下方；可增加其他列（导入时忽略并提示）。橙色表头为必填。"])
    guide.append([FORMATS_NOTE])
    guide.append([])
    guide.append(["列", "说明"])
    for fld, header in headers.items():
        guide.append([header, notes[fld]])
    guide.append([])
    guide.append(["分类可填："])
    for category in profile.categories:
        if kind in category.kinds:
            guide.append([category.name, "、".join(category.aliases)])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
