"""What a plan says as an official document: its sections, leading group, dates and attachments.

:func:`plan_document` lays out a resolved (and localised) plan as a :class:`GbtDocument`;
:func:`template_document` does the same for a bare template with ____ blanks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..base.numbering import chinese_number
from ..errors import GongyuError, Problem
from ..models.plan import entry_scope
from ..schoolcal import ResolvedItem, ResolvedPlan, format_date, format_occurrences
from .document import (
    BLANK,
    GbtDocument,
    _end,
    _generic_post,
    _join_titles,
    _Outline,
    _pad_role,
    _t,
    _where,
)
from .wording import mark

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..load.corpus import Corpus
    from ..models.plan import PlanTemplate
    from ..models.school import Adoption, School


#: How a missing name can wait, in the command line's words (``gongyu web`` says it its own way).
DRAFT_ADVICE = "暂时不知道的，可以加 --draft 先生成留有空白的草稿"


def leading_group(
    plan: PlanTemplate,
    school: School | None,
    adoption: Adoption | None,
    *,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """``[(role, "王建国（校长）"), …]`` for the plan's leading group, and what is missing.

    Names come from ``adoption.group`` (role → names) or else from ``school.people`` by each
    role's holder post; roles that may have many people (``many: true``) whose post is not in
    ``people`` are written as the post (各年级组长). Every missing person is one located problem;
    the line then shows :data:`BLANK`.

    Not split: one pass over the roles in template order; the missing names are found in the same pass.
    """
    org = plan.organisation
    if org is None:
        return [], []
    people = dict(school.people) if school else {}
    if school is not None:  # a kindergarten's 校长 column (a county's list) is its 园长
        from .type_words import type_words

        for post, name in school.people.items():
            people.setdefault(type_words(post, school.type), name)
    post_of: dict[str, str] = {}
    for post, name in people.items():
        post_of.setdefault(name, post)
    group = dict(adoption.group) if adoption else {}
    problems: list[Problem] = []
    order: list[str] = []
    for role in org.roles:
        if role.role not in order:
            order.append(role.role)
    lines: list[tuple[str, str]] = []
    for role_name in order:
        parts: list[str] = []
        if role_name in group:
            names = [n for n in group[role_name] if n.strip()]
            if not names:
                parts.append(BLANK)
                where = ("plans", adoption_index, "group", role_name)
                problems.append(_where(school_doc, school.id if school else plan.id, where,
                                       f"方案“{plan.id}”的{org.group}中“{role_name}”没有填写姓名",
                                       f"请在 group 的“{role_name}”后面写上姓名，例如 {role_name}: [张三]"))
            for name in names:
                title = post_of.get(name)
                parts.append(f"{name}（{title}）" if title else name)
        else:
            for role in org.roles:
                if role.role != role_name:
                    continue
                if role.holder in people:
                    parts.append(f"{people[role.holder]}（{role.holder}）")
                elif role.many:
                    parts.append(_generic_post(role.holder))
                else:
                    parts.append(f"{BLANK}（{role.holder}）")
                    if school is None:
                        continue
                    from ..load.source import SourceDoc as Located

                    # the fix in the words of the source: YAML keys for a profile, cells for a sheet row
                    path, missing, fix = (school_doc or Located(school.id, None)).missing_post(
                        role.holder, role_name, adoption_index=adoption_index, grouped=bool(group))
                    problems.append(_where(
                        school_doc, school.id, path, f"方案“{plan.id}”的{org.group}缺少{role_name}：{missing}",
                        f"{fix}；{DRAFT_ADVICE}",
                    ))
        lines.append((role_name, "、".join(parts)))
    return lines, problems


def _item_when(item: ResolvedItem) -> str:
    when = item.when()
    if not item.deadline:
        return when
    single = bool(item.occurrences) and all(o.start == o.end for o in item.occurrences)
    return f"{when}前完成" if single or not item.occurrences else f"{when}内完成"


def _form_ref(form_id: str | None, attachments: list[str]) -> str:
    if not form_id or form_id not in attachments:
        return ""
    return f"填写附件{attachments.index(form_id) + 1}。"


def plan_document(
    resolved: ResolvedPlan,
    corpus: Corpus | None = None,
    *,
    school: School | None = None,
    adoption: Adoption | None = None,
    draft: bool = False,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
) -> GbtDocument:
    """Lay out a resolved plan as a GB/T 9704 document.

    Without ``school`` the result is the bare template with ____ blanks for the school's name,
    people and date (the site's "Word 模板"). With a school, missing people raise one
    :class:`GongyuError` listing everything missing, unless ``draft`` is set.

    Not split: it follows the GB/T 9704 document from the title to the attachments, one section after
    another, in the order they are printed; each section is a few lines.
    """
    plan = resolved.plan
    school_name = school.name if school else BLANK
    # a figure the template's authors chose: the unit issuing the plan may change it
    own_choice = ("中心自定" if school is not None and school.is_office
                  else "幼儿园自定" if school is not None and school.type == "幼儿园" else "学校自定")
    group_lines, missing = leading_group(plan, school, adoption, school_doc=school_doc, adoption_index=adoption_index)
    if missing and school is not None and not draft:
        raise GongyuError(missing)
    out = _Outline()
    attachments = resolved.form_ids()
    attachment_titles = [
        (corpus.forms[f].title if corpus is not None and f in corpus.forms else f) for f in attachments
    ]

    # background and basis
    if plan.background or plan.legal_basis:
        out.section("背景和依据")
        for text in plan.background:
            out.para(_t(text))
        if plan.legal_basis:
            basis = [_t(b) for b in plan.legal_basis]  # marked (【仅幼儿园】) on a template
            if corpus is not None:
                from ..load.policies import basis_lines

                basis = basis_lines(basis, corpus.policies)
            out.para(f"主要依据：{_join_titles(basis)}。")

    # goals and targets
    if plan.goals or resolved.targets:
        out.section("工作目标")
        if plan.goals and resolved.targets:
            out.heading(2, 1, "总体目标")
            out.items(3, [_t(g) for g in plan.goals])
            out.heading(2, 2, "具体指标")
            level_targets = 3
        else:
            out.items(2, [_t(g) for g in plan.goals])
            level_targets = 2
        texts = []
        for target, value in resolved.targets:
            text = target.describe(value)
            remarks = [own_choice] if target.school_default else []
            if target.note:  # notes never restate the value (gongyu check), so they hold after an override
                remarks.append(target.note.rstrip("。"))
            if remarks:
                text += f"（{'；'.join(remarks)}）"
            texts.append(_end(text))
        out.items(level_targets, texts)

    if plan.principles:
        out.section("工作原则")
        out.items(2, [_t(p) for p in plan.principles])

    # organisation
    org = plan.organisation
    if org is not None:
        out.section("组织机构和职责")
        sub = 0
        sub += 1
        out.heading(2, sub, org.group)
        out.para(f"成立{org.group}，成员如下：")
        width = max(len(title) for title, _ in group_lines) if group_lines else 0
        for title, names in group_lines:
            out.para(f"{_pad_role(title, width)}：{names}")
        seen_duties: set[str] = set()
        for role in org.roles:
            if role.duty and role.role not in seen_duties:
                seen_duties.add(role.role)
                out.para(f"{role.role}职责：{_end(role.duty)}")
        if org.office:
            sub += 1
            out.heading(2, sub, "办公室")
            if org.office.endswith("办公室"):  # an office of its own (控辍保学办公室), not a department
                text = f"{_group_word(org.group)}下设{org.office}"
            else:
                text = f"{_group_word(org.group)}下设办公室，办公室设在{org.office}"
            text += f"，{_end(org.office_duty)}" if org.office_duty else "。"
            for post in ("主任", "负责人"):
                head = school.people.get(f"{org.office}{post}") if school else None
                if head:
                    text += f"办公室{post}由{head}同志担任。"
                    break
            out.para(text)
        if org.units:
            sub += 1
            out.heading(2, sub, "职责分工")
            for u_index, unit in enumerate(org.units, start=1):
                out.heading(3, u_index, mark(unit.unit, entry_scope(unit)))
                out.items(4, [_end(_t(d)) for d in unit.duties])

    # the plan's own sections
    def emit(level: int, n: int, section: Any) -> None:
        out.heading(level, n, mark(section.title, entry_scope(section)))
        for text in section.paragraphs:
            out.para(_t(text))
        k = out.items(level + 1, [_end(_t(t)) for t in section.items])
        for sub_section in section.sections:
            emit(level + 1, k, sub_section)
            k += 1

    for section in plan.sections:
        out.top += 1
        emit(1, out.top, section)

    # phases with their dates
    if resolved.phases:
        out.section("实施步骤和时间安排")
        many = len(resolved.phases) > 1
        for p_index, phase in enumerate(resolved.phases, start=1):
            stage = f"第{chinese_number(p_index)}阶段：" if many else ""
            dated = phase.occurrences and not phase.repeats
            when = format_occurrences(phase.occurrences, weekday=True) if dated else phase.when()
            out.heading(2, p_index, f"{stage}{phase.title}（{when}）")
            k = out.items(3, [_end(_t(t)) for t in phase.tasks])
            texts = []
            for event in resolved.phase_events(phase.id):
                texts.append(_event_text(event, attachments))
            out.items(3, texts, start=k)

    loose = resolved.loose_events()
    if loose:
        out.section("重要时间节点")
        out.items(2, [_event_text(e, attachments) for e in loose])

    if resolved.duties:
        out.section("经常性工作")
        texts = []
        chosen = {d.id for d in plan.duties if d.school_default}
        for duty in resolved.duties:
            rhythm = duty.rule.describe() + (f"，频次{own_choice}" if duty.id in chosen else "")
            text = f"{duty.title}（{rhythm}，{duty.unit}负责）。"
            if duty.details:
                text += _end(duty.details)
            text += _form_ref(duty.form, attachments)
            texts.append(text)
        out.items(2, texts)

    for title, entries in (("工作要求", plan.requirements), ("预期效果", plan.outcomes), ("保障措施", plan.safeguards)):
        if entries:
            out.section(title)
            out.items(2, [_end(_t(t)) for t in entries])

    if school is not None and resolved.issue_date is not None:
        date = format_date(resolved.issue_date)
    else:
        date = "____年__月__日"
    title = resolved.title
    combined = f"{school_name}{title}"
    # the school's name on a line of its own when the whole title would not fit on one (or is a blank)
    title_lines = (school_name, title) if len(combined) > 20 or school is None else (combined,)
    return GbtDocument(
        title_lines=title_lines,
        blocks=tuple(out.blocks),
        attachments=tuple(attachment_titles),
        issuer=school_name,
        date=date,
        meta_title=combined.replace(BLANK, ""),
        meta_author=school.name if school else "共育",
        draft=draft or school is None,
    )


def _event_text(event: ResolvedItem, attachments: list[str]) -> str:
    when = _item_when(event)
    sep = "；" if ("、" in when or "：" in when) else "，"
    text = f"{event.title}（{when}{sep}{event.unit}负责）。"
    if event.details:
        text += _end(event.details)
    return text + _form_ref(event.form, attachments)


def template_document(plan: PlanTemplate, corpus: Corpus | None = None) -> GbtDocument:
    """The bare template of ``plan``: rules in words, ____ for the school's name, people and date."""
    from .wording import localise_template

    return plan_document(localise_template(plan), corpus, draft=True)


def _group_word(group: str) -> str:
    """How the body text refers back to the group: 领导小组, 工作小组, 委员会 … as the plan names it."""
    match = re.search(r"(领导小组|工作小组|指导小组|委员会|小组)$", group)
    return match.group(1) if match else group
