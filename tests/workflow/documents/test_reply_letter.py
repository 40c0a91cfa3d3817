from __future__ import annotations

import io
from datetime import date

from docx import Document

from app.documents.reply_letter import docx_filename, render_docx, render_html
from app.domain.enums import Disclosure, ItemKind, SubmitterType
from app.domain.reply_letter import ReplyLetter, published_text, quoted_title

LETTER = ReplyLetter(
    unit="北京市交通委员会",
    session_label="市十六届人大三次会议",
    item_kind=ItemKind.NPC_SUGGESTION,
    item_number="0259",
    item_title="关于修整安立路和慧忠路交叉路口过街天桥的建议",
    submitter="张建华",
    submitter_type=SubmitterType.INDIVIDUAL,
    body="一、关于过街天桥维修\n我委已会同朝阳区对天桥进行检测。\n\n二、关于无障碍设施\n计划于2026年内加装电梯。\n感谢您对交通工作的关心和支持。",
    letter_date=date(2026, 5, 20),
    contact_person="王明",
    contact_phone="010-57079999",
    result_class_code="B",
    result_class_label="正在解决或者列入规划逐步解决",
    letter_number="京交函〔2026〕118号",
)


def test_letter_wording():
    assert LETTER.title == "北京市交通委员会关于市十六届人大三次会议第0259号代表建议的答复"
    assert LETTER.addressee == "张建华代表："
    assert LETTER.opening == (
        "您提出的《关于修整安立路和慧忠路交叉路口过街天桥的建议》（第0259号）收悉。经认真研究，现答复如下："
    )
    assert LETTER.paragraphs[0] == "一、关于过街天桥维修" and len(LETTER.paragraphs) == 5
    assert LETTER.date_text == "2026年5月20日"
    assert LETTER.result_class_text == "答复类别：B"


def test_collective_cppcc_and_second_round_wording():
    from dataclasses import replace

    letter = replace(
        LETTER,
        item_kind=ItemKind.CPPCC_PROPOSAL,
        submitter="民盟北京市委",
        submitter_type=SubmitterType.PARTY_GROUP,
        item_title="《关于老旧小区增设电梯无障碍入户模式》",
        item_number="2026009",
        round=2,
    )
    assert letter.addressee == "民盟北京市委："
    assert letter.opening.startswith("你们提出的《关于老旧小区增设电梯无障碍入户模式的提案》（第2026009号）收悉")
    assert letter.title.endswith("政协提案的答复（重新办理）")
    assert (
        quoted_title("尽快解决翠花街变压器放置不合理问题", ItemKind.NPC_SUGGESTION)
        == "尽快解决翠花街变压器放置不合理问题"
    )


def test_publication_strips_contact_details():
    from dataclasses import replace

    full = published_text(LETTER)
    assert "收悉" in full and "王明" not in full and "010-57079999" not in full
    assert published_text(replace(LETTER, disclosure=Disclosure.SUMMARY), "摘要") == "摘要"
    assert published_text(replace(LETTER, disclosure=Disclosure.NONE)) is None


def test_docx_has_the_standard_layout():
    document = Document(io.BytesIO(render_docx(LETTER)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "答复类别：B"
    assert texts[2] == LETTER.title and texts[3] == "京交函〔2026〕118号"
    assert texts[4] == "张建华代表：" and texts[5] == LETTER.opening
    assert texts[-3:] == ["北京市交通委员会", "2026年5月20日", LETTER.contact_text]
    first = next(p for p in document.paragraphs if p.text == "答复类别：B")
    assert first.alignment == 2  # right
    assert docx_filename(LETTER) == "答复函-市十六届人大三次会议-第0259号.docx"


def test_html_print_view_escapes_and_contains_everything():
    from dataclasses import replace

    html = render_html(replace(LETTER, body="<script>alert(1)</script>\n二、其他"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    for text in (LETTER.title, LETTER.addressee, "（第0259号）收悉", "答复类别：B", "2026年5月20日", "联系人：王明"):
        assert text in html
