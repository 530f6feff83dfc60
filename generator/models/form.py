"""Blank forms (``plans/forms/*.yml``), defined once as data and laid out by one engine."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

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


def _block_tag(value: Any) -> str | None:
    keys = set(value) if isinstance(value, dict) else set(getattr(type(value), "model_fields", {}))
    for key in ("heading", "text", "fields", "table", "signatures"):
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
    ],
    Discriminator(
        _block_tag,
        custom_error_type="form_block",
        custom_error_message="无法识别的表格块：请使用 heading、text、fields、table 或 signatures 之一",
    ),
]


class Form(Strict):
    """A printable blank form."""

    id: Id
    title: Label = Field(description="表格名称")
    purpose: Text = Field(description="什么时候、由谁使用，显示在网站上")
    orientation: Literal["纵向", "横向"] = Field(default="纵向", description="纸张方向")
    blocks: list[Block] = Field(min_length=1)
    note: Text | None = Field(default=None, description="表下的填表说明")
