"""The reply letter (答复函) in the standard layout.

答复类别 (result class) at the top right, then the title, the letter number, the addressee,
the opening "您提出的《…》（第…号）收悉…现答复如下：", the body answered point by point,
the unit and date at the bottom right, and the contact person and phone. Contact details are
for the submitter only: the published version (see `published_text`) strips them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.domain.enums import Disclosure, ItemKind, SubmitterType

KIND_NOUN = {ItemKind.NPC_SUGGESTION: "建议", ItemKind.CPPCC_PROPOSAL: "提案"}
KIND_TITLE_NOUN = {ItemKind.NPC_SUGGESTION: "代表建议", ItemKind.CPPCC_PROPOSAL: "政协提案"}
SUBMITTER_SUFFIX = {ItemKind.NPC_SUGGESTION: "代表", ItemKind.CPPCC_PROPOSAL: "委员"}
DISCLOSURE_LABEL = {Disclosure.FULL: "全文公开", Disclosure.SUMMARY: "摘要公开", Disclosure.NONE: "不予公开"}


@dataclass(frozen=True)
class ReplyLetter:
    unit: str  # official name of the replying department
    session_label: str  # e.g. 市十六届人大三次会议
    item_kind: ItemKind
    item_number: str  # kept as text: 0259
    item_title: str
    submitter: str  # lead submitter or the collective body
    submitter_type: SubmitterType
    body: str  # paragraphs separated by blank lines or newlines
    letter_date: date
    contact_person: str
    contact_phone: str
    result_class_code: str
    result_class_label: str
    disclosure: Disclosure = Disclosure.FULL
    letter_number: str = ""  # 文号, e.g. 京交函〔2026〕118号
    co_signers: Sequence[str] = field(default_factory=tuple)
    round: int = 1

    @property
    def title(self) -> str:
        again = "（重新办理）" if self.round > 1 else ""
        return (
            f"{self.unit}关于{self.session_label}第{self.item_number}号{KIND_TITLE_NOUN[ItemKind(self.item_kind)]}"
            f"的答复{again}"
        )

    @property
    def addressee(self) -> str:
        if SubmitterType(self.submitter_type).is_collective:
            return f"{self.submitter}："
        return f"{self.submitter}{SUBMITTER_SUFFIX[ItemKind(self.item_kind)]}："

    @property
    def opening(self) -> str:
        you = "你们" if SubmitterType(self.submitter_type).is_collective else "您"
        title = quoted_title(self.item_title, ItemKind(self.item_kind))
        return f"{you}提出的《{title}》（第{self.item_number}号）收悉。经认真研究，现答复如下："

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in re.split(r"\n+", self.body.strip()) if line.strip()]

    @property
    def date_text(self) -> str:
        return f"{self.letter_date.year}年{self.letter_date.month}月{self.letter_date.day}日"

    @property
    def result_class_text(self) -> str:
        return f"答复类别：{self.result_class_code}"

    @property
    def disclosure_text(self) -> str:
        return f"公开属性：{DISCLOSURE_LABEL[Disclosure(self.disclosure)]}"

    @property
    def contact_text(self) -> str:
        return f"联系人：{self.contact_person}　　联系电话：{self.contact_phone}"


def quoted_title(title: str, kind: ItemKind) -> str:
    """The item title as it stands inside 《》: brackets removed, ending in 的建议/的提案 style."""
    text = title.strip().strip("《》").strip()
    noun = KIND_NOUN[kind]
    if text.startswith("关于") and not text.endswith(noun):
        text = f"{text}的{noun}"
    return text


def published_text(letter: ReplyLetter, summary: str = "") -> str | None:
    """The text for publication: none, the summary, or the full letter without contact details."""
    disclosure = Disclosure(letter.disclosure)
    if disclosure is Disclosure.NONE:
        return None
    if disclosure is Disclosure.SUMMARY:
        return summary.strip()
    lines = [letter.title, letter.addressee, letter.opening, *letter.paragraphs, letter.unit, letter.date_text]
    return "\n".join(lines)
