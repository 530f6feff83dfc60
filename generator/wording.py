"""Text follows data: placeholders and school stages in plan templates.

A template sentence that states a date, a responsible unit, a target, a grade or the province's
regulation does not write it out: it writes a placeholder, filled from the resolved value of the
school's plan, so an override can never contradict the text around it::

    班主任和任课教师每学期家访的学生不少于包干学生的{{数值:kc-visit-term}}。
    可在{{时间:kc-letter-parent}}签订，家长不在家的由监护人签订。
    组织教师学习{{条例:义务教育}}。

The syntax is closed and never evaluated: ``{{名称}}`` or ``{{名称:参数}}`` (a full-width colon is
accepted), where the name is one of :data:`KEYS`. ``gongyu check`` reports an unknown name, an
item or target that is not in the plan, an unknown regulation topic and an unclosed ``{{`` at
the file, line and column where it was written.

Paragraphs, items, sections, phases, events and duties may carry ``stages`` (``[初中]``): a pack is
built only from what applies to the school's stages, so a 小学 pack never mentions junior grades
and a 九年一贯制 pack gets both. The site's template page keeps everything, marked by stage.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .errors import GongyuError, Problem
from .models.plan import Fit, StagedText, applies, entry_limited, entry_scope, entry_text
from .province import NEUTRAL_SELF, self_reference
from .regulations import TOPICS, Regulations
from .type_words import merge_renamed, type_words, typed_form

if TYPE_CHECKING:
    from .calendar import ResolvedItem, ResolvedPlan
    from .load import SourceDoc
    from .models.plan import PlanTemplate
    from .models.school import Adoption, School

#: Placeholder name → what its parameter names ("" = no parameter).
KEYS: dict[str, str] = {
    "日期": "item",      # the item's dates in the school year (its rule in words on a template)
    "时间": "item",      # the item's rule in words: 每学期开学第一周, 秋季学期结束当天
    "负责": "item",      # the unit responsible for the item
    "指标": "target",    # the whole target: 小学年辍学率低于0.1%
    "数值": "target",    # the target's value with its unit: 50%
    "省": "",            # the province's full name (贵州省)
    "本省": "",          # 本省 / 本自治区 / 本市
    "条例": "topic",     # the province's regulation on a topic, or a neutral phrase
    "起始年级": "",      # 一年级 / 七年级 / 一年级和七年级
    "毕业年级": "",      # 六年级 / 九年级 / 六年级和九年级
    "主管": "",          # the body the school reports to (profile ``authority``): 某某县教育局
}
_EXAMPLES = "{{日期:事项编号}}、{{时间:事项编号}}、{{负责:事项编号}}、{{指标:指标编号}}、{{数值:指标编号}}、" \
            "{{省}}、{{本省}}、{{条例:义务教育}}、{{起始年级}}、{{毕业年级}}、{{主管}}"
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
#: Fields of a plan that are identifiers or rules, never text.
_NOT_TEXT = frozenset({"id", "form", "forms", "related", "kind", "when", "comparison", "school_stages", "stages",
                       "school_types", "not_for", "value", "deadline", "many"})
_FIT_FIELDS = ("stages", "school_types", "not_for")
_STAGE_ORDER = ("幼儿园", "小学", "初中", "高中")
#: What {{主管}} reads as on the template's own page, where no school (and no authority) is known.
AUTHORITY_TEMPLATE = "主管教育部门（教育管理中心或教育局）"
_FIRST_GRADE = {"幼儿园": "小班", "小学": "一年级", "初中": "七年级", "高中": "高一年级"}
_LAST_GRADE = {"幼儿园": "大班", "小学": "六年级", "初中": "九年级", "高中": "高三年级"}


# --- finding placeholders -------------------------------------------------------------------------

def _split(inner: str) -> tuple[str, str]:
    name, _, arg = inner.replace("：", ":").partition(":")
    return name.strip(), arg.strip()


def placeholder_problems(text: str, item_ids: set[str], target_ids: set[str]) -> list[tuple[str, str, str]]:
    """(message, hint, the placeholder as written) for every placeholder of ``text`` that cannot be filled."""
    found: list[tuple[str, str, str]] = []
    for match in _PLACEHOLDER.finditer(text):
        name, arg = _split(match.group(1))
        shown = match.group(0)
        if name not in KEYS:
            import difflib

            guess = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.4)
            found.append((f"占位符{shown}中的“{name}”不是可用的名称",
                          (f"您是不是想写“{guess[0]}”？" if guess else "") + f"可用的写法：{_EXAMPLES}", shown))
            continue
        kind = KEYS[name]
        if not kind and arg:
            found.append((f"占位符{shown}不需要参数", f"请写成 {{{{{name}}}}}", shown))
        elif kind and not arg:
            found.append((f"占位符{shown}缺少参数", f"请写成 {{{{{name}:编号}}}}，编号是本方案中的{_KIND_WORDS[kind]}", shown))
        elif kind == "item" and arg not in item_ids:
            found.append((f"占位符{shown}中的“{arg}”不是本方案的阶段、事项或经常性工作",
                          "可用的编号：" + ("、".join(sorted(item_ids)) or "（本方案没有）"), shown))
        elif kind == "target" and arg not in target_ids:
            found.append((f"占位符{shown}中的“{arg}”不是本方案的指标",
                          "可用的编号：" + ("、".join(sorted(target_ids)) or "（本方案没有指标）"), shown))
        elif kind == "topic" and arg not in TOPICS:
            found.append((f"占位符{shown}中的“{arg}”不是可引用的法规主题", "可用的主题：" + "、".join(TOPICS), shown))
    rest = _PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        found.append(("“{{”和“}}”没有成对出现", f"占位符要写成一对双花括号，例如 {{{{数值:编号}}}}；可用的写法：{_EXAMPLES}",
                      "{{" if "{{" in rest else "}}"))
    return found


_KIND_WORDS = {"item": "阶段、事项或经常性工作的编号", "target": "指标编号", "topic": "法规主题（例如 义务教育）"}


def iter_texts(value: Any, path: tuple[Any, ...] = (), *, every_school: bool = False
               ) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text of a plan (or part of one) with its path in the YAML file.

    ``every_school``: only the texts every school adopting the plan gets (nothing inside an entry limited
    to some stages or school types).
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for index, entry in enumerate(value):
            yield from iter_texts(entry, (*path, index), every_school=every_school)
    elif isinstance(value, BaseModel) and not _is_rule(value) and not (every_school and path and entry_limited(value)):
        for name in type(value).model_fields:
            if name not in _NOT_TEXT:
                yield from iter_texts(getattr(value, name), (*path, name), every_school=every_school)


#: A school grade written out: only right for one stage, so it belongs in a staged entry or {{起始年级}}.
_GRADE = re.compile(r"[一二三四五六七八九]年级|(?<![月正])初[一二三](?![十])|(?<![提增升])高[一二三](?![十个项])|选考科目"
                    r"|[小中大]班(?![子级化额主会长])")
#: A heading naming one stage (小学低年级, 初中, 高中 …): its whole section is for that stage only.
_STAGE_TITLE = re.compile(r"^(幼儿园|学前|小学|初中|高中)")
#: "Our province" written out: wrong for a 自治区 or 直辖市, and never names the province.
_SELF = re.compile(r"本省|本自治区")


def _stage_of(word: str) -> str:
    return "幼儿园" if word == "学前" else word


def _is_rule(value: BaseModel) -> bool:
    return type(value).__module__.endswith("daterule")


def check_plan(plan: PlanTemplate, doc: SourceDoc) -> list[Problem]:
    """Located problems of every placeholder in ``plan`` (``gongyu check``)."""
    from .resolve import plan_item_ids

    items, targets = plan_item_ids(plan), {t.id for t in plan.targets}
    problems: list[Problem] = []
    for path, text in iter_texts(plan):
        if path == ("summary",) and ("{{" in text or "}}" in text):
            problems.append(doc.problem(path, "简介（summary）显示在网站的方案列表里，不能使用占位符",
                                        "简介里请直接写出模板通常的做法，例如“每学期开学第一周”"))
            continue
        for message, hint, written in placeholder_problems(text, items, targets):
            problems.append(doc.problem_at(path, written, message, hint))
    for path, text in iter_texts(plan, every_school=True):
        if path[:1] == ("summary",):
            continue
        grade = _GRADE.search(_PLACEHOLDER.sub("", text))
        heading = grade is None and path[-1:] == ("title",) and "sections" in path and _STAGE_TITLE.search(text)
        if heading:
            problems.append(doc.problem(
                path, f"小节“{text}”只适用于一个学段，其他学段的学校也会收到这一节",
                f"在这一节的 title 下面加一行 stages: [{_stage_of(heading.group(1))}]（只给有这个学段的学校）"))
        elif grade:
            problems.append(doc.problem(
                path, f"“{grade.group(0)}”只适用于一个学段，其他学段的学校也会收到这句话",
                "把这一条写成 {text: ……, stages: [初中]}（只给有这个学段的学校），"
                "或改用 {{起始年级}}、{{毕业年级}}，按学校的学段填写"))
        self_ref = _SELF.search(_PLACEHOLDER.sub("", text))
        if self_ref:
            problems.append(doc.problem(
                path, f"“{self_ref.group(0)}”写死了：自治区和直辖市的学校不能这样称呼，也看不出是哪个省",
                "引用本省的法规写 {{条例:义务教育}}（按学校所在省份填写法规全称）；指省份写 {{省}}，自称写 {{本省}}"))
    for index, target in enumerate(plan.targets):
        number = f"{target.value:g}"
        if target.note and re.search(rf"(?<![0-9.]){re.escape(number)}(?![0-9])", target.note):
            problems.append(doc.problem(
                ("targets", index, "note"), f"指标“{target.id}”的说明里写了数值 {number}，学校改写指标后说明就会与数值矛盾",
                f"说明中不要重复数值；需要时写 {{{{数值:{target.id}}}}}，生成时按学校的数值填写"))
    return problems


# --- filling them -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wording:
    """Who the text is for: a school (province, stages, its own legal basis) or the bare template."""

    province: str | None = None
    stages: frozenset[str] | None = None
    school_type: str | None = None
    regulations: Regulations = dataclasses.field(default_factory=Regulations)
    extra_basis: tuple[str, ...] = ()
    authority: str | None = None

    @classmethod
    def for_school(cls, school: School, regulations: Regulations, adoption: Adoption | None = None) -> Wording:
        extra = [*school.regulations, *(adoption.legal_basis if adoption else [])]
        return cls(school.place.province, frozenset(school.stages), school.type, regulations, tuple(extra),
                   school.authority)

    @property
    def keep(self) -> Fit | None:
        """What a school's pack keeps (its stages and type); None for the bare template (everything, marked)."""
        return None if self.stages is None else Fit(self.stages, self.school_type)

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


def mark(text: str, scope: str | list[str]) -> str:
    """How a template document marks a limited text: 【仅初中】…… (``scope`` from ``entry_scope`` or a stage list)."""
    if isinstance(scope, list):
        scope = f"仅{'、'.join(scope)}" if scope else ""
    return f"【{scope}】{text}" if scope else text


class _Filler:
    def __init__(self, resolved: ResolvedPlan, wording: Wording) -> None:
        self.wording = wording
        self.school_type = wording.school_type if wording.stages is not None else None
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
        from .calendar import format_occurrences

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
        return type_words(self._fill(text), self.school_type)

    def _fill(self, text: str) -> str:
        if "{{" not in text:
            return text

        def one(match: re.Match[str]) -> str:
            name, arg = _split(match.group(1))
            try:
                return self.value(name, arg)
            except KeyError:
                raise GongyuError(Problem(self.plan_id, 0, 0, f"方案“{self.plan_id}”中的占位符{match.group(0)}无法填写",
                                          "请先运行 gongyu check，按提示修改方案模板")) from None

        return _PLACEHOLDER.sub(one, text)


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
    if isinstance(value, BaseModel) and not _is_rule(value):
        updates = {name: _transform(getattr(value, name), filler, keep)
                   for name in type(value).model_fields if name not in _NOT_TEXT}
        if keep is not None:
            for name in _FIT_FIELDS:  # kept for this school: no longer limited, so never marked
                if name in type(value).model_fields:
                    updates[name] = []
        return value.model_copy(update=updates)
    return value


def localise_plan(resolved: ResolvedPlan, wording: Wording) -> ResolvedPlan:
    """``resolved`` with every placeholder filled, stage-limited parts kept or dropped, and the school's basis added.

    For a school every list holds plain text afterwards; for the template (``wording.stages`` None)
    stage-limited entries stay :class:`StagedText` and item titles are marked (【仅初中】).
    """
    filler = _Filler(resolved, wording)
    keep = wording.keep
    plan = _transform(resolved.plan, filler, keep)
    basis = list(plan.legal_basis)
    for line in wording.extra_basis:
        if line not in basis:
            basis.append(line)
    plan = plan.model_copy(update={"legal_basis": basis})
    if keep is not None and plan.organisation is not None:
        plan = plan.model_copy(update={"organisation": merge_renamed(plan.organisation)})
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
            scope = entry_scope(originals[item.id])
            title = filler.fill(item.title)
            title = mark(title, scope) if keep is None else title
            details = filler.fill(item.details) if item.details else item.details
            unit = filler.fill(item.unit) if item.unit else item.unit
            tasks = tuple(mark(entry_text(t), entry_scope(t)) if keep is None else entry_text(t)
                          for t in getattr(source, "tasks", ()) or ())
            out.append(dataclasses.replace(item, title=title, details=details, unit=unit,
                                           tasks=tasks if item.kind == "phase" else item.tasks))
        return tuple(out)

    kept_targets = {t.id: t for t in plan.targets}
    targets = tuple((kept_targets.get(t.id, t), value) for t, value in resolved.targets)
    return dataclasses.replace(resolved, plan=plan, targets=targets, phases=redo(resolved.phases),
                               events=redo(resolved.events), duties=redo(resolved.duties))


def localise_template(plan: PlanTemplate, year: Any = None) -> ResolvedPlan:
    """The bare template (or its usual dates in ``year``) with placeholders in neutral words."""
    from .calendar import resolve_plan

    return localise_plan(resolve_plan(plan, year), Wording())


__all__ = ["KEYS", "Wording", "check_plan", "typed_form", "iter_texts", "localise_plan", "localise_template", "mark",
           "placeholder_problems"]
