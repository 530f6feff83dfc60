"""Blank form pages: what the form is for, its PDF, and a preview of its blocks."""

from __future__ import annotations

from ...models import Form
from .. import markdown as md
from ..form_preview import preview_lines
from .common import BuilderBase


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
        lines += preview_lines(form)
        if form.note:
            lines.append(f"!!! note \"填表说明\"\n    {md.text(form.note)}\n")
        from ...check.wording import iter_texts

        basis = self.cited_block(uri, "\n".join(text for _path, text in iter_texts(form)))  # type: ignore[attr-defined]
        if basis:
            lines.append(basis)
        return "\n".join(lines)
