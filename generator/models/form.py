"""Blank forms and documents (``plans/forms/*.yml``): letters, charters, records; laid out by one engine."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Discriminator, Field, Tag

from .common import Id, Label, Strict, Text


class FormField(Strict):
    """A labelled blank to fill in."""

    label: Label
    lines: int = Field(default=1, ge=1, le=12, description="留几行")
    wide: bool = Field(default=False, description="是否占满整行")
    options: list[Label] = Field(default_factory=list, description="勾选项，例如 [父亲, 母亲, 祖辈]")


class Column(Strict):
    label: Label
    width: int = Field(default=1, ge=1, le=6, description="相对宽度")


class HeadingBlock(Strict):
    heading: Label


class TextBlock(Strict):
    text: list[Text] = Field(min_length=1)


class FieldsBlock(Strict):
    fields: list[FormField] = Field(min_length=1)
    columns: int = Field(default=2, ge=1, le=3, description="每行几栏")


class TableSpec(Strict):
    columns: list[Column] = Field(min_length=1)
    rows: int = Field(default=10, ge=1, le=60, description="空白行数")
    numbered: bool = Field(default=True, description="首列是否预印序号")


class TableBlock(Strict):
    table: TableSpec


class Signature(Strict):
    label: Label = Field(description="例如 校长（签字）、学校（盖章）")
    date: bool = Field(default=True, description="是否留日期")


class SignaturesBlock(Strict):
    signatures: list[Signature] = Field(min_length=1)


_TYPED_NUMBER = re.compile(r"^\s*(第[一二三四五六七八九十百零\d]+[章条]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])")


def _no_typed_number(value: str) -> str:
    match = _TYPED_NUMBER.match(value)
    if match:
        raise ValueError(f"开头的“{match.group(1)}”是手写的编号：编号按顺序自动生成，请删去")
    return value


#: An item of a numbered list (points of a letter, articles and chapters of a charter).
Numbered = Annotated[Text, AfterValidator(_no_typed_number)]


class LetterSpec(Strict):
    """A letter, notice or pledge: greeting, paragraphs, optional numbered points, sign-off."""

    greeting: Label | None = Field(default=None, description="称呼，例如 尊敬的家长：")
    body: list[Text] = Field(min_length=1, description="正文段落，每段首行缩进两字")
    points: list[Numbered] = Field(default_factory=list, description="分条列出的事项，自动编号 一、二、……")
    after: list[Text] = Field(default_factory=list, description="分条事项之后的段落")
    closing: list[Label] = Field(default_factory=list, description="结尾敬语，例如 [此致, 敬礼！]")
    sender: list[Label] = Field(default_factory=list, description="落款，右对齐，例如 [学校（盖章）]")
    date: bool = Field(default=True, description="落款下是否留“年 月 日”")


class LetterBlock(Strict):
    letter: LetterSpec


class ClauseGroup(Strict):
    """Articles of a charter or rules (第一条 …), numbered across the whole document."""

    chapter: Numbered | None = Field(default=None, max_length=200, description="章名（不写“第一章”，编号自动生成）")
    items: list[Numbered] = Field(min_length=1, description="各条内容（不写“第一条”，编号自动生成）")


class ClausesBlock(Strict):
    clauses: ClauseGroup


class CutBlock(Strict):
    """A cut line: what follows it (a 回执) is kept together on one page, to be cut off and returned."""

    cut: Label = Field(description="剪切线上的提示，例如 请沿虚线剪下，填好后交回班主任")


def _block_tag(value: Any) -> str | None:
    keys = set(value) if isinstance(value, dict) else set(getattr(type(value), "model_fields", {}))
    for key in ("heading", "text", "fields", "table", "signatures", "letter", "clauses", "cut"):
        if key in keys:
            return key
    return None


Block = Annotated[
    Union[
        Annotated[HeadingBlock, Tag("heading")],
        Annotated[TextBlock, Tag("text")],
        Annotated[FieldsBlock, Tag("fields")],
        Annotated[TableBlock, Tag("table")],
        Annotated[SignaturesBlock, Tag("signatures")],
        Annotated[LetterBlock, Tag("letter")],
        Annotated[ClausesBlock, Tag("clauses")],
        Annotated[CutBlock, Tag("cut")],
    ],
    Discriminator(
        _block_tag,
        custom_error_type="form_block",
        custom_error_message=(
            "无法识别的表格块：请使用 heading、text、fields、table、signatures、letter、clauses 或 cut 之一"
        ),
    ),
]


class Form(Strict):
    """A printable blank form, or a letter, notice or charter with blanks to fill in."""

    id: Id
    title: Label = Field(description="表格名称")
    purpose: Text = Field(description="什么时候、由谁使用，显示在网站上")
    orientation: Literal["纵向", "横向"] = Field(default="纵向", description="纸张方向")
    blocks: list[Block] = Field(min_length=1)
    note: Text | None = Field(default=None, description="表下的填表说明")
