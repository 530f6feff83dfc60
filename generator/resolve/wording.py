"""Filling placeholders: a plan's text in the words of one school (or of the bare template).

The placeholders themselves and their checks are in :mod:`generator.check.wording`; here each is
replaced by the resolved value of the school's plan, and stage-limited parts are kept or dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..check.wording import NOT_TEXT, PLACEHOLDER, is_rule, split_placeholder
from ..errors import GongyuError, Problem
from ..load.regulations import TOPICS, Regulations
from ..models.plan import StagedText, applies, entry_stages, entry_text
from ..models.province import NEUTRAL_SELF, self_reference
from ..schoolcal import format_occurrences, resolve_plan

if TYPE_CHECKING:
    from ..models.plan import PlanTemplate
    from ..models.school import Adoption, School
    from ..schoolcal import ResolvedItem, ResolvedPlan

_STAGE_ORDER = ("幼儿园", "小学", "初中", "高中")
#: What {{主管}} reads as on the template's own page, where no school (and no authority) is known.
AUTHORITY_TEMPLATE = "主管教育部门（教育管理中心或教育局）"
_FIRST_GRADE = {"幼儿园": "小班", "小学": "一年级", "初中": "七年级", "高中": "高一年级"}
_LAST_GRADE = {"幼儿园": "大班", "小学": "六年级", "初中": "九年级", "高中": "高三年级"}

@dataclass(frozen=True)
class Wording:
    """Who the text is for: a school (province, stages, its own legal basis) or the bare template."""

    province: str | None = None
    stages: frozenset[str] | None = None
    regulations: Regulations = dataclasses.field(default_factory=Regulations)
    extra_basis: tuple[str, ...] = ()
    authority: str | None = None

    @classmethod
    def for_school(cls, school: School, regulations: Regulations, adoption: Adoption | None = None) -> Wording:
        extra = [*school.regulations, *(adoption.legal_basis if adoption else [])]
        return cls(school.place.province, frozenset(school.stages), regulations, tuple(extra), school.authority)

    @property
    def template(self) -> bool:
        return self.stages is None

    def regulation(self, topic: str) -> str:
        titles = self.regulations.titles(self.province, topic)
        if titles:
            return "".join(titles)
        return f"{self.province or NEUTRAL_SELF}有关{TOPICS[topic]}的地方性法规"

    def grades(self, table: Mapping[str, str]) -> str:
        if self.stages is None:
            return "、".join(f"{s}{table[s]}" for s in ("小学", "初中"))
        names = [table[s] for s in _STAGE_ORDER if s in self.stages]
        return "和".join(names) or "起始年级"


def mark(text: str, stages: list[str]) -> str:
    """How a template document marks a stage-limited text: 【仅初中】……."""
    return f"【仅{'、'.join(stages)}】{text}" if stages else text


class _Filler:
    def __init__(self, resolved: ResolvedPlan, wording: Wording) -> None:
        self.wording = wording
        self.items: dict[str, ResolvedItem] = {item.id: item for item in resolved.items()}
        self.rules: dict[str, Any] = {p.id: p.when for p in resolved.plan.phases}
        self.rules.update({e.id: e.when for _, e in resolved.plan.all_events()})
        self.rules.update({d.id: d.when for d in resolved.plan.duties})
        self.units: dict[str, str] = {e.id: e.unit for _, e in resolved.plan.all_events()}
        self.units.update({d.id: d.unit for d in resolved.plan.duties})
        self.targets: dict[str, tuple[Any, float]] = {t.id: (t, t.value) for t in resolved.plan.targets}
        self.targets.update({t.id: (t, value) for t, value in resolved.targets})
        self.plan_id = resolved.plan.id

    def value(self, name: str, arg: str) -> str:
        w = self.wording
        if name in ("日期", "时间", "负责"):
            item = self.items.get(arg)
            rule = item.rule if item is not None else self.rules[arg]
            if name == "负责":
                return (item.unit if item is not None else None) or self.units.get(arg) or "学校"
            if name == "日期" and item is not None and item.occurrences and not item.repeats:
                return _dates(format_occurrences, item.occurrences)
            return rule.describe()
        if name in ("指标", "数值"):
            target, number = self.targets[arg]
            return target.describe(number) if name == "指标" else f"{number:g}{target.unit}"
        if name == "省":
            return w.province or NEUTRAL_SELF
        if name == "本省":
            return self_reference(w.province)
        if name == "条例":
            return w.regulation(arg)
        if name == "主管":
            return w.authority or AUTHORITY_TEMPLATE
        return w.grades(_FIRST_GRADE if name == "起始年级" else _LAST_GRADE)

    def fill(self, text: str) -> str:
        if "{{" not in text:
            return text

        def one(match: re.Match[str]) -> str:
            name, arg = split_placeholder(match.group(1))
            try:
                return self.value(name, arg)
            except KeyError:
                raise GongyuError(Problem(self.plan_id, 0, 0, f"方案“{self.plan_id}”中的占位符{match.group(0)}无法填写",
                                          "请先运行 gongyu check，按提示修改方案模板")) from None

        return PLACEHOLDER.sub(one, text)


def _dates(format_occurrences: Any, occurrences: Any) -> str:
    """The dates as every other date of the pack is printed (with the weekday where the calendar supports it)."""
    import inspect

    if "weekday" in inspect.signature(format_occurrences).parameters:
        return format_occurrences(occurrences, weekday=True)
    return format_occurrences(occurrences)


def _transform(value: Any, filler: _Filler, keep: frozenset[str] | None) -> Any:
    """``value`` with every text filled and, for a school (``keep``), only what applies to its stages."""
    if isinstance(value, str):
        return filler.fill(value)
    if isinstance(value, list):
        out = []
        for entry in value:
            if keep is not None and not applies(entry, keep):
                continue
            if isinstance(entry, StagedText):
                text = filler.fill(entry.text)
                out.append(text if keep is not None else entry.model_copy(update={"text": text}))
            else:
                out.append(_transform(entry, filler, keep))
        return out
    if isinstance(value, BaseModel) and not is_rule(value):
        updates = {name: _transform(getattr(value, name), filler, keep)
                   for name in type(value).model_fields if name not in NOT_TEXT}
        if keep is not None and "stages" in type(value).model_fields:
            updates["stages"] = []  # kept for this school: no longer limited, so never marked
        return value.model_copy(update=updates)
    return value


def localise_plan(resolved: ResolvedPlan, wording: Wording) -> ResolvedPlan:
    """``resolved`` with every placeholder filled, stage-limited parts kept or dropped, and the school's basis added.

    For a school every list holds plain text afterwards; for the template (``wording.stages`` None)
    stage-limited entries stay :class:`StagedText` and item titles are marked (【仅初中】).
    """
    filler = _Filler(resolved, wording)
    keep = wording.stages
    plan = _transform(resolved.plan, filler, keep)
    basis = list(plan.legal_basis)
    for line in wording.extra_basis:
        if line not in basis:
            basis.append(line)
    plan = plan.model_copy(update={"legal_basis": basis})
    sources: dict[str, Any] = {p.id: p for p in plan.phases}
    sources.update({e.id: e for _, e in plan.all_events()})
    sources.update({d.id: d for d in plan.duties})
    originals: dict[str, Any] = {p.id: p for p in resolved.plan.phases}
    originals.update({e.id: e for _, e in resolved.plan.all_events()})
    originals.update({d.id: d for d in resolved.plan.duties})

    def redo(items: tuple[ResolvedItem, ...]) -> tuple[ResolvedItem, ...]:
        out = []
        for item in items:
            source = sources.get(item.id)
            if source is None:  # dropped: another stage's (or its phase was)
                continue
            stages = entry_stages(originals[item.id])
            title = filler.fill(item.title)
            title = mark(title, stages) if keep is None else title
            details = filler.fill(item.details) if item.details else item.details
            tasks = tuple(mark(entry_text(t), entry_stages(t)) if keep is None else entry_text(t)
                          for t in getattr(source, "tasks", ()) or ())
            out.append(dataclasses.replace(item, title=title, details=details,
                                           tasks=tasks if item.kind == "phase" else item.tasks))
        return tuple(out)

    kept_targets = {t.id: t for t in plan.targets}
    targets = tuple((kept_targets.get(t.id, t), value) for t, value in resolved.targets)
    return dataclasses.replace(resolved, plan=plan, targets=targets, phases=redo(resolved.phases),
                               events=redo(resolved.events), duties=redo(resolved.duties))


def localise_template(plan: PlanTemplate, year: Any = None) -> ResolvedPlan:
    """The bare template (or its usual dates in ``year``) with placeholders in neutral words."""
    return localise_plan(resolve_plan(plan, year), Wording())
