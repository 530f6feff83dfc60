"""The site's preview of a blank form, letter or charter: its blocks as Markdown, numbered as in the PDF."""

from __future__ import annotations

from ..base.numbering import chinese_number, number_label
from ..models import Form
from ..models.form import (
    ClausesBlock,
    CutBlock,
    FieldsBlock,
    HeadingBlock,
    LetterBlock,
    SignaturesBlock,
    TableBlock,
    TextBlock,
)
from . import markdown as md


def _letter(block: LetterBlock) -> list[str]:
    letter = block.letter
    out = [md.text(letter.greeting) + "\n"] if letter.greeting else []
    out += [md.paragraphs(p) + "\n" for p in letter.body]
    out += [f"{number_label(1, n)}{md.text(p)}\n" for n, p in enumerate(letter.points, 1)]
    out += [md.paragraphs(p) + "\n" for p in letter.after]
    out += [md.text(c) + "\n" for c in letter.closing]
    sign = [md.text(s) for s in letter.sender] + (["＿＿＿＿年＿＿月＿＿日"] if letter.date else [])
    if sign:
        out.append("落款：" + "　".join(sign) + "\n")
    return out


def preview_lines(form: Form) -> list[str]:
    """Markdown lines previewing every block of ``form`` (tables show their first 3 rows)."""
    lines: list[str] = []
    clauses = chapters = 0  # 第N章 / 第N条 run on across the clause groups of a charter
    for block in form.blocks:
        if isinstance(block, HeadingBlock):
            lines.append(f"### {md.text(block.heading)}\n")
        elif isinstance(block, TextBlock):
            lines.append("\n\n".join(md.paragraphs(p) for p in block.text) + "\n")
        elif isinstance(block, FieldsBlock):
            items = []
            for f in block.fields:
                options = f"（{md.text(' / '.join(f.options))}）" if f.options else ""
                items.append(f"- {md.text(f.label)}{options}：＿＿＿＿")
            lines.append("\n".join(items) + "\n")
        elif isinstance(block, TableBlock):
            header = [c.label for c in block.table.columns]
            if block.table.numbered:
                header = ["序号", *header]
            rows = [[str(i) if block.table.numbered else "", *([""] * len(block.table.columns))][: len(header)]
                    for i in range(1, min(block.table.rows, 3) + 1)]
            lines.append(md.table(header, rows) + f"\n\n（共 {block.table.rows} 行，预览只显示 3 行）\n")
        elif isinstance(block, SignaturesBlock):
            lines.append("  \n".join(f"{md.text(s.label)}：＿＿＿＿" + ("　日期：＿＿＿＿" if s.date else "")
                                     for s in block.signatures) + "\n")
        elif isinstance(block, LetterBlock):
            lines += _letter(block)
        elif isinstance(block, ClausesBlock):
            if block.clauses.chapter:
                chapters += 1
                lines.append(f"### 第{chinese_number(chapters)}章　{md.text(block.clauses.chapter)}\n")
            for text in block.clauses.items:
                clauses += 1
                lines.append(f"**第{chinese_number(clauses)}条**　{md.text(text)}\n")
        elif isinstance(block, CutBlock):
            lines.append(f"---\n\n✂ {md.text(block.cut)}\n")
    return lines
