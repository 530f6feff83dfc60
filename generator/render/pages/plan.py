"""Plan template pages: the template as a school reads it, with its timeline and downloads."""

from __future__ import annotations

from ...base import urls
from ...base.numbering import chinese_number
from ...base.numbering import number_label as section_number
from ...models import PlanTemplate
from ...models.plan import Section, Target
from .. import markdown as md
from ..stage_marks import entries_md, entry_md, stage_badge
from .common import BuilderBase, describe_rule, download_label


def requirement(target: Target) -> str:
    """The requirement without the metric's name (不低于90%), then who it applies to and the note."""
    described = target.describe()
    value = described[len(target.metric):] if described.startswith(target.metric) else described
    notes = [f"适用于{'、'.join(target.school_stages)}" if target.school_stages else "", target.note or ""]
    extra = "；".join(md.text(note) for note in notes if note)
    own = "（学校自定）" if target.school_default else ""
    return f"**{md.text(value)}**{own}" + (f"<br>{extra}" if extra else "")


def targets_table(targets: list[Target]) -> str:
    """量化指标 in two columns: each metric once, its requirement and notes beside it."""
    return md.raw_table(["指标", "要求"], [[md.text(t.metric), requirement(t)] for t in targets])


class PlanPages(BuilderBase):
    def plan_page(self, plan: PlanTemplate) -> str:
        from ...resolve.wording import localise_template

        plan = localise_template(plan).plan  # placeholders in neutral words, every stage kept and badged
        uri = self.site.uris[plan.id]
        kind = plan.kind + (f"（{plan.variant}）" if plan.variant else "")
        lines = [md.front_matter(plan.title, tags=[plan.kind, "方案模板"], description=plan.summary),
                 f"# {md.text(plan.title)}\n", f"**类别：** {md.text(kind)}\n", md.paragraphs(plan.summary) + "\n"]
        buttons = self.download_buttons(uri, plan.id)
        if buttons:
            lines.append(buttons)
        if plan.id in self.timelines:
            lines.append(f"![{md.text(plan.title)}时间轴]({md.rel(uri, urls.timeline(plan.id))}){{ .gy-timeline }}\n")
        if plan.legal_basis:
            lines.append("## 依据\n")
            lines.append(self.basis_block(uri, list(plan.legal_basis)))  # type: ignore[attr-defined]
        if plan.background:
            lines.append("## 背景\n")
            lines.append("\n\n".join(entry_md(p) for p in plan.background) + "\n")
        if plan.goals:
            lines.append("## 工作目标\n")
            lines.append(entries_md(plan.goals, ordered=True) + "\n")
        if plan.targets:
            lines.append("## 量化指标\n")
            lines.append(targets_table(plan.targets) + "\n")
        if plan.principles:
            lines.append("## 工作原则\n")
            lines.append(entries_md(plan.principles, ordered=True) + "\n")
        if plan.organisation:
            lines.append(self.organisation_md(plan))
        if plan.sections:
            lines.append("## 主要内容与措施\n")
            for index, section in enumerate(plan.sections, start=1):
                lines.append(self.section_md(section, 1, index, 3))
        if plan.phases:
            lines.append("## 实施步骤与时间安排\n")
            for index, phase in enumerate(plan.phases, start=1):
                lines.append(f"### 第{chinese_number(index)}阶段：{md.text(phase.name)}{stage_badge(phase.stages)}\n")
                lines.append(f"**时间：** {md.text(describe_rule(phase.when))}\n")
                if phase.tasks:
                    lines.append(entries_md(phase.tasks) + "\n")
                if phase.events:
                    lines.append(self.events_table(phase.events) + "\n")
        if plan.events:
            lines.append("## 具体事项\n")
            lines.append(self.events_table(plan.events) + "\n")
        if plan.duties:
            lines.append("## 经常性工作\n")
            rows = [[md.text(d.title) + stage_badge(d.stages),
                     md.text(describe_rule(d.when)) + ("（学校自定）" if d.school_default else ""),
                     md.text(d.unit), md.text(d.details or "")]
                    for d in plan.duties]
            lines.append(md.raw_table(["工作", "频次", "负责", "要求"], rows) + "\n")
        for title, items in (("工作要求", plan.requirements), ("保障措施", plan.safeguards), ("预期效果", plan.outcomes)):
            if items:
                lines.append(f"## {title}\n")
                lines.append(entries_md(items, ordered=True) + "\n")
        if plan.forms:
            lines.append(self.plan_forms(uri, plan))
        lines.append(self.related(uri, plan.related))
        return "\n".join(lines)

    def organisation_md(self, plan: PlanTemplate) -> str:
        org = plan.organisation
        assert org is not None
        lines = ["## 组织机构\n", f"**{md.text(org.group)}**\n"]
        rows = [[md.text(r.role), md.text(r.holder), md.text(r.duty or "")] for r in org.roles]
        lines.append(md.raw_table(["职务", "通常由谁担任", "职责"], rows) + "\n")
        if org.office:
            lines.append(f"办公室设在{md.text(org.office)}" + (f"：{md.text(org.office_duty)}" if org.office_duty else "。") + "\n")
        if org.units:
            lines.append("### 职责分工\n")
            for unit in org.units:
                lines.append(f"**{md.text(unit.unit)}**{stage_badge(unit.stages)}\n")
                lines.append(entries_md(unit.duties) + "\n")
        return "\n".join(lines)

    def plan_forms(self, uri: str, plan: PlanTemplate) -> str:
        rows = []
        for form_id in plan.forms:
            if form_id not in self.site.uris:
                continue
            pdfs = [md.button(download_label(d), uri, d.uri) for d in self.downloads.get(form_id, []) if d.kind == "form"]
            rows.append(f"- {self.link_to(uri, form_id)} {' '.join(pdfs)}".rstrip())
        return "## 配套表格\n\n" + "\n".join(rows) + "\n"

    def events_table(self, events: list) -> str:  # type: ignore[type-arg]
        rows = []
        for event in events:
            title = md.text(event.title) + ("（截止）" if event.deadline else "") + stage_badge(event.stages)
            rows.append([title, md.text(describe_rule(event.when)), md.text(event.unit), md.text(event.details or "")])
        return md.raw_table(["事项", "时间", "责任部门", "要求"], rows)

    def section_md(self, section: Section, level: int, index: int, heading_level: int) -> str:
        number = section_number(level, index)
        head = "#" * min(heading_level, 6)
        lines = [f"{head} {md.text(number)}{md.text(section.title)}{stage_badge(section.stages)}\n"]
        for paragraph in section.paragraphs:
            lines.append(entry_md(paragraph) + "\n")
        if section.items:
            for item_index, item in enumerate(section.items, start=1):
                lines.append(f"{md.text(section_number(level + 1, item_index))}{entry_md(item)}\n")
        for sub_index, sub in enumerate(section.sections, start=1):
            lines.append(self.section_md(sub, level + 1, sub_index + len(section.items), heading_level + 1))
        return "\n".join(lines)
