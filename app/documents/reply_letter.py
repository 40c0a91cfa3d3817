"""Reply letters as .docx (python-docx) and as a standalone HTML print view.

Layout follows the usual government letter (GB/T 9704 style): 仿宋 16pt body with two-character
first-line indent, 小标宋 22pt title, unit and date at the bottom right, result class at the
top right. The print view is a page of its own (no navigation), so it prints as the letter.
"""

from __future__ import annotations

import io

import jinja2
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app import PROJECT_ROOT
from app.domain.reply_letter import ReplyLetter

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def render_html(letter: ReplyLetter) -> str:
    return _templates.get_template("workflow/reply_letter_print.html").render(letter=letter)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _paragraph(document, text: str = "", *, align=None, indent: bool = False, **run_options):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = BODY_SIZE * 2
    if text:
        _run(paragraph, text, **run_options)
    return paragraph


def render_docx(letter: ReplyLetter) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    document.core_properties.title = letter.title

    _paragraph(document, letter.result_class_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, letter.disclosure_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document)
    _paragraph(document, letter.title, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)
    if letter.letter_number:
        _paragraph(document, letter.letter_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    _paragraph(document, letter.addressee)
    _paragraph(document, letter.opening, indent=True)
    for text in letter.paragraphs:
        _paragraph(document, text, indent=True)
    _paragraph(document)
    _paragraph(document, letter.unit, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, letter.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document)
    _paragraph(document, letter.contact_text)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_filename(letter: ReplyLetter) -> str:
    return f"答复函-{letter.session_label}-第{letter.item_number}号.docx"
