"""Checking a school profile against the plan templates it adopts, before any date is placed."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..errors import Problem

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..load.corpus import Corpus
    from ..models import PlanTemplate
    from ..models.school import School


def plan_item_ids(plan: PlanTemplate) -> set[str]:
    """Ids a school may override or skip: phases, events and duties."""
    ids = {phase.id for phase in plan.phases}
    ids |= {event.id for _, event in plan.all_events()}
    ids |= {duty.id for duty in plan.duties}
    return ids


def profile_problems(school: School, doc: SourceDoc | None, corpus: Corpus) -> list[Problem]:
    """Cross-check a school profile against the plan templates it adopts (before placing any date)."""
    problems: list[Problem] = []
    cal = school.calendar
    first = school.first_year
    pairs = (("autumn_start", "autumn_end"), ("spring_start", "spring_end"), ("autumn_end", "spring_start"))
    for a, b in pairs:
        start, end = getattr(cal, a), getattr(cal, b)
        if start and end and end < start:
            problems.append(doc.problem(("calendar", b), f"{b}（{end}）早于 {a}（{start}）",
                                        "学期的结束日应晚于开始日，请检查年份和月份"))
    for name in ("autumn_start", "autumn_end", "spring_start", "spring_end", "spring_festival", "summer_end"):
        value = getattr(cal, name)
        if value is not None and not (f"{first}-08-01" <= value.isoformat() <= f"{first + 1}-09-30"):
            problems.append(doc.problem(("calendar", name), f"日期 {value} 不在 {school.year} 学年内",
                                        f"学年 {school.year} 的日期应在 {first} 年 8 月至 {first + 1} 年 9 月之间"))
    for index, adoption in enumerate(school.plans):
        plan = corpus.plans.get(adoption.plan)
        if plan is None and adoption.plan in corpus.broken:  # the template's own problems are reported
            continue
        if plan is None:
            guess = difflib.get_close_matches(adoption.plan, sorted(corpus.plans), n=1, cutoff=0.5)
            problems.append(doc.problem(("plans", index, "plan"), f"方案模板“{adoption.plan}”不存在",
                                        f"您是不是想写“{guess[0]}”？" if guess else
                                        "可用的方案：" + "、".join(sorted(corpus.plans))))
            continue
        target_ids = {t.id for t in plan.targets}
        for key in adoption.targets:
            if key not in target_ids:
                problems.append(doc.problem(("plans", index, "targets", key), f"方案“{plan.id}”中没有指标“{key}”",
                                            "可改写的指标：" + ("、".join(sorted(target_ids)) or "（无）"), key=True))
        item_ids = plan_item_ids(plan)
        for key in adoption.events:
            if key not in item_ids:
                problems.append(doc.problem(("plans", index, "events", key), f"方案“{plan.id}”中没有事项或阶段“{key}”",
                                            "可改写的编号：" + "、".join(sorted(item_ids)), key=True))
        for s_index, key in enumerate(adoption.skip):
            if key not in item_ids:
                problems.append(doc.problem(("plans", index, "skip", s_index), f"方案“{plan.id}”中没有事项或阶段“{key}”",
                                            "可跳过的编号：" + "、".join(sorted(item_ids))))
        roles = {role.role for role in plan.organisation.roles} if plan.organisation else set()
        for key in adoption.group:
            if key not in roles:
                problems.append(doc.problem(("plans", index, "group", key), f"方案“{plan.id}”的领导小组中没有“{key}”这一职务",
                                            "可填写的职务：" + ("、".join(sorted(roles)) or "（本方案没有领导小组）"), key=True))
    return problems
