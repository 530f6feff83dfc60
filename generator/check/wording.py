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

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import Problem
from ..load.regulations import TOPICS
from ..models.plan import entry_stages
from .profile import plan_item_ids

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..models.plan import PlanTemplate

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
PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
#: Fields of a plan that are identifiers or rules, never text.
NOT_TEXT = frozenset({"id", "form", "forms", "related", "kind", "when", "comparison", "school_stages", "stages",
                      "value", "deadline", "many"})


# --- finding placeholders -------------------------------------------------------------------------

def split_placeholder(inner: str) -> tuple[str, str]:
    name, _, arg = inner.replace("：", ":").partition(":")
    return name.strip(), arg.strip()


def placeholder_problems(text: str, item_ids: set[str], target_ids: set[str]) -> list[tuple[str, str, str]]:
    """(message, hint, the placeholder as written) for every placeholder of ``text`` that cannot be filled."""
    found: list[tuple[str, str, str]] = []
    for match in PLACEHOLDER.finditer(text):
        name, arg = split_placeholder(match.group(1))
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
    rest = PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        found.append(("“{{”和“}}”没有成对出现", f"占位符要写成一对双花括号，例如 {{{{数值:编号}}}}；可用的写法：{_EXAMPLES}",
                      "{{" if "{{" in rest else "}}"))
    return found


_KIND_WORDS = {"item": "阶段、事项或经常性工作的编号", "target": "指标编号", "topic": "法规主题（例如 义务教育）"}


def iter_texts(value: Any, path: tuple[Any, ...] = (), *, every_school: bool = False
               ) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text of a plan (or part of one) with its path in the YAML file.

    ``every_school``: only the texts every school gets (nothing inside an entry limited to some stages).
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for index, entry in enumerate(value):
            yield from iter_texts(entry, (*path, index), every_school=every_school)
    elif isinstance(value, BaseModel) and not is_rule(value) and not (every_school and entry_stages(value)):
        for name in type(value).model_fields:
            if name not in NOT_TEXT:
                yield from iter_texts(getattr(value, name), (*path, name), every_school=every_school)


#: A school grade written out: only right for one stage, so it belongs in a staged entry or {{起始年级}}.
_GRADE = re.compile(r"[一二三四五六七八九]年级|(?<![月正])初[一二三](?![十])|(?<![提增升])高[一二三](?![十个项])|选考科目")
#: A heading naming one stage (小学低年级, 初中, 高中 …): its whole section is for that stage only.
_STAGE_TITLE = re.compile(r"^(幼儿园|学前|小学|初中|高中)")
#: "Our province" written out: wrong for a 自治区 or 直辖市, and never names the province.
_SELF = re.compile(r"本省|本自治区")


def _stage_of(word: str) -> str:
    return "幼儿园" if word == "学前" else word


def is_rule(value: BaseModel) -> bool:
    return type(value).__module__.endswith("daterule")


def check_plan(plan: PlanTemplate, doc: SourceDoc) -> list[Problem]:
    """Located problems of every placeholder in ``plan`` (``gongyu check``)."""
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
        grade = _GRADE.search(PLACEHOLDER.sub("", text))
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
        self_ref = _SELF.search(PLACEHOLDER.sub("", text))
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
