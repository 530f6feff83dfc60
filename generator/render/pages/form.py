"""Blank form pages: what the form is for, its PDF, and a preview of its blocks."""

from __future__ import annotations

from ...models import Form
from ...models.form import FieldsBlock, HeadingBlock, SignaturesBlock, TableBlock, TextBlock
from .. import markdown as md
from .common import BuilderBase


def block_md(block: object) -> str:
    """One block of a form as Markdown (tables show their first three rows)."""
    if isinstance(block, HeadingBlock):
        return f"### {md.text(block.heading)}\n"
    if isinstance(block, TextBlock):
        return "\n\n".join(md.paragraphs(p) for p in block.text) + "\n"
    if isinstance(block, FieldsBlock):
        items = []
        for f in block.fields:
            options = f"（{md.text(' / '.join(f.options))}）" if f.options else ""
            items.append(f"- {md.text(f.label)}{options}：＿＿＿＿")
        return "\n".join(items) + "\n"
    if isinstance(block, TableBlock):
        header = [c.label for c in block.table.columns]
        if block.table.numbered:
            header = ["序号", *header]
        rows = [[str(i) if block.table.numbered else "", *([""] * len(block.table.columns))][: len(header)]
                for i in range(1, min(block.table.rows, 3) + 1)]
        return md.table(header, rows) + f"\n\n（共 {block.table.rows} 行，预览只显示 3 行）\n"
    if isinstance(block, SignaturesBlock):
        return "  \n".join(f"{md.text(s.label)}：＿＿＿＿" + ("　日期：＿＿＿＿" if s.date else "")
                           for s in block.signatures) + "\n"
    return ""


class FormPages(BuilderBase):
    def form_page(self, form: Form) -> str:
        uri = self.site.uris[form.id]
        lines = [md.front_matter(form.title, tags=["表格"], description=form.purpose), f"# {md.text(form.title)}\n",
                 md.paragraphs(form.purpose) + "\n"]
        buttons = self.download_buttons(uri, form.id)
        if buttons:
            lines.append(buttons)
        users = sorted(plan.id for plan in self.corpus.plans.values() if form.id in plan.forms)
        if users:
            lines.append("**用于：** " + "、".join(self.link_to(uri, plan_id) for plan_id in users) + "\n")
        lines.append("## 表格内容预览\n")
        lines += [text for text in (block_md(block) for block in form.blocks) if text]
        if form.note:
            lines.append(f"!!! note \"填表说明\"\n    {md.text(form.note)}\n")
        return "\n".join(lines)
