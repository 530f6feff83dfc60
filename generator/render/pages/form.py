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
        # which schools get it in their packs: a kindergarten gets its own version of some forms
        fit = [f"只给{'、'.join([*form.stages, *form.school_types])}" if form.stages or form.school_types else "",
               f"{'、'.join(form.not_for)}不用" if form.not_for else ""]
        versions = sorted(f.id for f in self.corpus.forms.values() if f.variant_of == form.id)
        if form.variant_of and form.variant_of in self.site.uris:
            fit.append(f"是{self.link_to(uri, form.variant_of)}给这类学校的版本")
        if versions:
            fit.append("另有版本：" + "、".join(self.link_to(uri, v) for v in versions if v in self.site.uris))
        if any(fit):
            lines.append("**适用学校：** " + "；".join(md.text(f) if "](" not in f else f for f in fit if f) + "\n")
        lines.append("## 表格内容预览\n")
        lines += preview_lines(form)
        if form.note:
            lines.append(f"!!! note \"填表说明\"\n    {md.text(form.note)}\n")
        from ...check.wording import iter_texts

        basis = self.cited_block(uri, "\n".join(text for _path, text in iter_texts(form)))  # type: ignore[attr-defined]
        if basis:
            lines.append(basis)
        return "\n".join(lines)
