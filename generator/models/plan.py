"""Plan templates (``plans/*.yml``): one per system of the source documents.

Numbering of sections (一、（一）1.（1）) is derived from nesting when a plan is rendered, so no
title or item in a template carries its own number.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator

from .common import Id, Label, PlanKind, Strict, Text
from .daterule import DateRule

Comparison = Literal["<", "<=", ">", ">=", "="]
#: Where a figure or a rhythm comes from: a national rule (政策), the local source plan the template
#: follows (来源文件), or a default the authors chose that each school may change (学校自定).
Basis = Literal["政策", "来源文件", "学校自定"]
SCHOOL_DEFAULT: Basis = "学校自定"
_BASIS_HELP = "数值或频次的来源：政策（现行法规和文件的要求）、来源文件（所参照的地方方案的要求）、学校自定（编者拟定的默认值，学校可改）"
SchoolStage = Literal["幼儿园", "小学", "初中", "高中"]
_STAGES_HELP = "只适用于这些学段的学校（不写表示都适用），例如 [初中]；九年一贯制学校两个学段都有"
_COMPARISON_WORDS = {"<": "低于", "<=": "不高于", ">": "高于", ">=": "不低于", "=": "达到"}


class Target(Strict):
    """A measurable target, e.g. primary dropout rate below 0.18 %."""

    id: Id = Field(description="指标编号，学校可按编号改写数值")
    metric: Label = Field(description="指标，例如 小学辍学率")
    comparison: Comparison = Field(description="比较：<、<=、>、>=、=")
    value: float = Field(ge=0, allow_inf_nan=False, description="数值")
    unit: Label = Field(description="单位，例如 %、人、幅、次")
    note: Text | None = Field(default=None, description="说明")
    basis: Basis | None = Field(default=None, description=_BASIS_HELP)
    school_stages: list[SchoolStage] = Field(
        default_factory=list, description="只适用于这些学段的学校（不写表示都适用），例如小学辍学率只写 [小学]"
    )

    def applies_to(self, stages: set[str]) -> bool:
        """Whether a school teaching ``stages`` (see ``School.stages``) gets this target."""
        return not self.school_stages or bool(stages & set(self.school_stages))

    def describe(self, value: float | None = None) -> str:
        number = self.value if value is None else value
        shown = f"{number:g}"
        return f"{self.metric}{_COMPARISON_WORDS[self.comparison]}{shown}{self.unit}"

    @property
    def school_default(self) -> bool:
        """A figure the template's authors chose, not a rule: shown as 学校自定 wherever it prints."""
        return self.basis == SCHOOL_DEFAULT


class StagedText(Strict):
    """A sentence or item that only applies to schools teaching some stages (e.g. 初中)."""

    text: Text = Field(description="文字")
    stages: list[SchoolStage] = Field(min_length=1, description=_STAGES_HELP)


def _entry_tag(value: object) -> str:
    return "staged" if isinstance(value, (dict, StagedText)) else "text"


#: A paragraph or item: plain text, or ``{text: …, stages: [初中]}`` when it applies to some stages only.
Entry = Annotated[
    Union[Annotated[Text, Tag("text")], Annotated[StagedText, Tag("staged")]],
    Discriminator(_entry_tag),
]


def entry_text(entry: str | StagedText) -> str:
    """The words of a paragraph or item, plain or staged."""
    return entry.text if isinstance(entry, StagedText) else entry


def entry_stages(entry: object) -> list[str]:
    """The stages an entry (text, section, event …) is limited to; empty means every stage."""
    return list(getattr(entry, "stages", None) or [])


def applies(entry: object, stages: set[str] | frozenset[str]) -> bool:
    """Whether a school teaching ``stages`` gets ``entry``."""
    limited = entry_stages(entry)
    return not limited or bool(set(limited) & set(stages))


class Role(Strict):
    """A role in a leading group; ``holder`` names the post that usually fills it."""

    role: Label = Field(description="职务，例如 组长、副组长、成员")
    holder: Label = Field(description="通常由谁担任（岗位），例如 校长、分管副校长")
    duty: Text | None = Field(default=None, description="职责")
    many: bool = Field(default=False, description="是否可以有多人（成员通常为是）")


class UnitDuty(Strict):
    """What one unit (处室, 班主任, 家长委员会 …) is responsible for."""

    unit: Label = Field(description="部门或岗位，例如 德育处、班主任")
    duties: list[Entry] = Field(min_length=1, description="职责")
    stages: list[SchoolStage] = Field(default_factory=list, description=_STAGES_HELP)


class Organisation(Strict):
    """The leading group, its office and the duties of each unit."""

    group: Label = Field(description="领导小组名称")
    roles: list[Role] = Field(min_length=1, description="领导小组的组成")
    office: Label | None = Field(default=None, description="办公室设在哪里，例如 德育处")
    office_duty: Text | None = Field(default=None, description="办公室职责")
    units: list[UnitDuty] = Field(default_factory=list, description="各部门职责分工")


class Section(Strict):
    """A titled part of the plan; paragraphs, numbered items and sub-sections nest to any depth."""

    title: Label = Field(description="小标题（不要写编号，编号自动生成）")
    paragraphs: list[Entry] = Field(default_factory=list, description="段落")
    items: list[Entry] = Field(default_factory=list, description="分条列出的内容（自动编号）")
    sections: list[Section] = Field(default_factory=list, description="下一级小节")
    stages: list[SchoolStage] = Field(default_factory=list, description=_STAGES_HELP)

    @field_validator("title")
    @classmethod
    def _no_typed_number(cls, title: str) -> str:
        return _reject_typed_number(title)


class Event(Strict):
    """A dated piece of work: a meeting, a visit round, a report deadline."""

    id: Id = Field(description="事项编号，学校可按编号改日期")
    title: Label = Field(description="做什么")
    when: DateRule = Field(description="日期规则")
    unit: Label = Field(description="责任部门或岗位")
    details: Text | None = Field(default=None, description="具体要求")
    deadline: bool = Field(default=False, description="是否为截止日期（上报、提交）")
    form: Id | None = Field(default=None, description="用到的表格编号")
    stages: list[SchoolStage] = Field(default_factory=list, description=_STAGES_HELP)
    shift: Literal["顺延", "提前", "不调整"] | None = Field(
        default=None,
        description="日期遇到周末、节假日或假期时怎样调整：顺延（到下一个上课日，默认）、提前（截止日期默认）、不调整",
    )


class Phase(Strict):
    """A stage of the work with its span and events."""

    id: Id = Field(description="阶段编号")
    name: Label = Field(description="阶段名称，例如 宣传发动（不写“第一阶段”，序号自动生成）")
    when: DateRule = Field(description="阶段时间")
    tasks: list[Entry] = Field(default_factory=list, description="这一阶段的工作")
    events: list[Event] = Field(default_factory=list, description="这一阶段的具体事项")
    stages: list[SchoolStage] = Field(default_factory=list, description=_STAGES_HELP)


class Duty(Strict):
    """A recurring duty, e.g. the 代理家长's weekly talk."""

    id: Id
    title: Label = Field(description="做什么")
    when: DateRule = Field(description="多久一次（通常用 every）")
    unit: Label = Field(description="由谁做")
    details: Text | None = None
    form: Id | None = Field(default=None, description="记录用的表格编号")
    basis: Basis | None = Field(default=None, description=_BASIS_HELP)
    stages: list[SchoolStage] = Field(default_factory=list, description=_STAGES_HELP)
    only_during: Literal["停课期间"] | None = Field(
        default=None,
        description="只在某种情况下才做（停课期间）：写进方案，但不排进学校日历（calendar.ics）",
    )

    @property
    def school_default(self) -> bool:
        """A rhythm the template's authors chose, not a rule: shown as 学校自定 wherever it prints."""
        return self.basis == SCHOOL_DEFAULT


class PlanTemplate(Strict):
    """A plan template: everything a school needs to issue its own plan of this kind."""

    id: Id = Field(description="方案编号")
    kind: PlanKind = Field(description="方案类别")
    variant: Label | None = Field(default=None, description="变体名称，例如 今冬明春")
    title: Label = Field(description="文件标题（学校名称会自动加在前面）")
    summary: Text = Field(description="一段话的简介，显示在网站上")
    legal_basis: list[Label] = Field(default_factory=list, description="依据的法律和文件（书名号写全）")
    background: list[Entry] = Field(default_factory=list, description="背景与意义（段落）")
    goals: list[Entry] = Field(default_factory=list, description="工作目标")
    targets: list[Target] = Field(default_factory=list, description="量化指标")
    principles: list[Entry] = Field(default_factory=list, description="工作原则")
    organisation: Organisation | None = Field(default=None, description="组织机构")
    sections: list[Section] = Field(default_factory=list, description="工作内容与措施")
    phases: list[Phase] = Field(default_factory=list, description="实施步骤与时间安排")
    events: list[Event] = Field(default_factory=list, description="不属于某一阶段的具体事项")
    duties: list[Duty] = Field(default_factory=list, description="经常性工作")
    requirements: list[Entry] = Field(default_factory=list, description="工作要求")
    outcomes: list[Entry] = Field(default_factory=list, description="预期效果")
    safeguards: list[Entry] = Field(default_factory=list, description="保障措施")
    forms: list[Id] = Field(default_factory=list, description="方案用到的表格编号")
    related: list[Id] = Field(default_factory=list, description="相关文章、课程或方案")

    @field_validator("title")
    @classmethod
    def _no_typed_number(cls, title: str) -> str:
        return _reject_typed_number(title)

    def all_events(self) -> list[tuple[Phase | None, Event]]:
        """Every event of the plan with the phase it belongs to (None for loose events)."""
        found: list[tuple[Phase | None, Event]] = [(phase, e) for phase in self.phases for e in phase.events]
        found += [(None, e) for e in self.events]
        return found


_TYPED_NUMBER_PREFIXES = tuple("一二三四五六七八九十") + tuple("0123456789") + ("（", "(")


def _reject_typed_number(title: str) -> str:
    head = title[:4]
    if head.startswith(_TYPED_NUMBER_PREFIXES) and any(mark in head for mark in ("、", "．", ".", "）", ")")):
        raise ValueError(f"标题“{title}”以手写编号开头；编号会按层级自动生成，请删去编号")
    return title
