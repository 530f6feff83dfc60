"""Blank forms and documents as data: the blocks of ``plans/forms/*.yml`` ready for ``form.typ``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...base.numbering import chinese_number, number_label
from ...errors import GongyuError
from ...models import Form
from ...models.form import (
    ClausesBlock,
    CutBlock,
    FieldsBlock,
    FormField,
    HeadingBlock,
    LetterBlock,
    SignaturesBlock,
    TableBlock,
    TextBlock,
)
from .job import PrintJob, model_json

#: Blank forms: (type size, row-height factor, compact); a smaller step is taken only if it saves a
#: page. Every step keeps text at 11 pt or more and rows at 7 mm or more: a form is photocopied and
#: filled in by hand. The compact step only tightens the top margin (to 11.5 mm) and the space above
#: the 填表说明: the room a school's name over the title takes, so a form that fits one page
#: without the name does not spill its last lines onto a second.
FORM_STEPS: tuple[tuple[float, float, bool], ...] = ((11.5, 1.0, False), (11, 0.9, False), (11, 0.8, False),
                                                     (11, 0.8, True))

#: Options up to this many characters are kept on one line with their check box.
_SHORT_OPTION = 8
FORM_LABEL = "空白表格"
#: The download label of a letter, notice or charter (a form with a letter or clauses block).
DOCUMENT_LABEL = "打印版"


def _option_list(options: Iterable[str]) -> list[dict[str, Any]]:
    return [{"text": text, "short": len(text) <= _SHORT_OPTION} for text in options]


def _field_rows(block: FieldsBlock) -> list[list[dict[str, Any]]]:
    """Arrange fields into rows of ``columns`` slots.

    A wide field takes a whole row; a wide or single-column field with several lines is
    "stacked" (its label on top, room to write below, across the full width). When a row is cut
    short by a wide field, its last field stretches to the end of the row instead of leaving an
    empty cell.
    """
    columns = block.columns
    rows: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []

    def cell(item: FormField, slot: int, span: int, stacked: bool) -> dict[str, Any]:
        return {"label": item.label, "options": _option_list(item.options), "lines": item.lines,
                "slot": slot, "span": span, "stacked": stacked}

    def close() -> None:
        if current:
            used = sum(c["span"] for c in current)
            current[-1]["span"] += columns - used
            rows.append(list(current))
            current.clear()

    for item in block.fields:
        if item.wide or columns == 1:
            close()
            rows.append([cell(item, 0, columns, stacked=item.lines > 1)])
            continue
        current.append(cell(item, len(current), 1, stacked=False))
        if len(current) == columns:
            close()
    close()
    return rows


def _form_blocks(form: Form) -> list[dict[str, Any]]:
    """The blocks as template data; the blocks after a cut line are grouped to stay on one page."""
    blocks: list[dict[str, Any]] = []
    chapters = clauses = 0
    for block in form.blocks:
        if isinstance(block, HeadingBlock):
            blocks.append({"kind": "heading", "text": block.heading})
        elif isinstance(block, TextBlock):
            blocks.append({"kind": "text", "paragraphs": list(block.text)})
        elif isinstance(block, FieldsBlock):
            blocks.append({"kind": "fields", "columns": block.columns, "rows": _field_rows(block)})
        elif isinstance(block, TableBlock):
            spec = block.table
            blocks.append({
                "kind": "table",
                "columns": [{"label": c.label, "width": c.width} for c in spec.columns],
                "rows": spec.rows,
                "numbered": spec.numbered,
                "number_label": "序号",
            })
        elif isinstance(block, SignaturesBlock):
            blocks.append({"kind": "signatures",
                           "items": [{"label": s.label, "date": s.date} for s in block.signatures]})
        elif isinstance(block, LetterBlock):
            letter = block.letter
            blocks.append({
                "kind": "letter", "greeting": letter.greeting, "body": list(letter.body),
                "points": [{"number": number_label(1, n), "text": text} for n, text in enumerate(letter.points, 1)],
                "after": list(letter.after), "closing": list(letter.closing), "sender": list(letter.sender),
                "date": letter.date,
            })
        elif isinstance(block, ClausesBlock):
            group = block.clauses
            chapter = None
            if group.chapter is not None:
                chapters += 1
                chapter = f"第{chinese_number(chapters)}章　{group.chapter}"
            items = []
            for text in group.items:
                clauses += 1
                items.append({"number": f"第{chinese_number(clauses)}条", "text": text})
            blocks.append({"kind": "clauses", "chapter": chapter, "items": items})
        elif isinstance(block, CutBlock):
            blocks.append({"kind": "cut", "text": block.cut})
        else:  # pragma: no cover - the model admits no other block
            raise GongyuError(f"表格“{form.id}”中有无法排版的内容块：{type(block).__name__}")
    for index, item in enumerate(blocks):
        if item["kind"] == "cut":  # the cut line and everything after it: one piece of paper
            return blocks[:index] + [{"kind": "keep", "blocks": blocks[index:]}]
    return _signatures_with_their_section(blocks)


def form_label(form: Form) -> str:
    """What the download of ``form`` is called on its page: 空白表格, or 打印版 for a letter or charter."""
    return DOCUMENT_LABEL if any(isinstance(b, (LetterBlock, ClausesBlock)) for b in form.blocks) else FORM_LABEL


def _signatures_with_their_section(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group the last signatures with the block (and heading) before them: never sign-offs alone on a page.

    The template keeps a ``together`` group on one page when it is not too tall for that.
    """
    last = max((i for i, b in enumerate(blocks) if b["kind"] == "signatures"), default=0)
    if last == 0 or blocks[last - 1]["kind"] == "heading":
        return blocks
    start = last - 1
    if start > 0 and blocks[start - 1]["kind"] == "heading":
        start -= 1
    return blocks[:start] + [{"kind": "together", "blocks": blocks[start:last + 1]}] + blocks[last + 1:]


def form_job(form: Form, *, school_name: str | None = None) -> PrintJob:
    """A blank form, optionally headed with a school's name."""
    data = {
        "doc_title": form.title if not school_name else f"{school_name}{form.title}",
        "school": school_name or None,
        "title": form.title,
        "flipped": form.orientation == "横向",
        "blocks": _form_blocks(form),
        "note_label": "填表说明",
        "note": form.note,
        "footer": None,
    }
    return PrintJob(
        template="form",
        attempts=tuple(({**data, "size": size, "row_scale": scale, "compact": compact}, None)
                       for size, scale, compact in FORM_STEPS),
        save_page=True,
        model=model_json(form) | {"school": school_name},
    )

