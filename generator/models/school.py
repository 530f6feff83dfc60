"""School profiles (``plans/schools/*.yml``): the facts a school pack is generated from.

Only aggregate counts of students are kept; no child is ever named in a profile.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, field_validator, model_validator

from .common import Id, Label, Strict, Text
from .daterule import DateRule
from .province import checked as checked_province

#: 教育管理中心 is a township education office, not a school: it adopts township plans (xiangzhen-kongchuo)
#: for the primary and junior-secondary schools it oversees.
SchoolType = Literal["幼儿园", "小学", "初中", "九年一贯制", "完全中学", "高中", "教学点", "特殊教育学校", "教育管理中心"]
#: The school types in order, for the xlsx drop-down, ``school new`` and messages.
SCHOOL_TYPES: tuple[str, ...] = get_args(SchoolType)
_TYPE_STAGES: dict[str, tuple[str, ...]] = {
    "幼儿园": ("幼儿园",),
    "小学": ("小学",),
    "初中": ("初中",),
    "九年一贯制": ("小学", "初中"),
    "完全中学": ("初中", "高中"),
    "高中": ("高中",),
    "教学点": ("小学",),
    "特殊教育学校": ("小学", "初中"),
    "教育管理中心": ("小学", "初中"),
}
_YEAR_RE = re.compile(r"^([0-9]{4})-([0-9]{4})$")


def _check_regulation(value: str) -> str:
    """A county's own regulation or document: one title in book-title marks, e.g. 《某某县……办法》."""
    if not (value.startswith("《") and "》" in value) or value.count("《") != 1:
        raise ValueError(f"“{value}”应是一份文件的名称，用书名号写全，例如《某某县控辍保学工作实施办法》；"
                         "多份文件请分成多行")
    if "{{" in value or "}}" in value:
        raise ValueError("文件名称中不能有“{{”或“}}”")
    return value


def _check_basis_line(value: str) -> str:
    if "{{" in value or "}}" in value:
        raise ValueError("依据中不能有“{{”或“}}”")
    return value


Regulation = Annotated[Label, AfterValidator(_check_regulation)]
BasisLine = Annotated[Label, AfterValidator(_check_basis_line)]


class Place(Strict):
    province: Annotated[Label, AfterValidator(checked_province)] = Field(
        description="省（自治区、直辖市）的全称，例如 贵州省、广西壮族自治区、重庆市")
    city: Label | None = Field(default=None, description="市（州）")
    county: Label = Field(description="县（市、区）")
    town: Label | None = Field(default=None, description="乡镇（街道）")


class OwnDay(Strict):
    """A day (or days) of the school's own: a local holiday, a 调课 school day, or an activity."""

    date: dt.date = Field(description="日期，例如 2026-10-30")
    to: dt.date | None = Field(default=None, description="持续到哪一天（含当天），只有一天的不写")
    name: Label = Field(description="名称，例如 秋季运动会、三月三放假、调课上课")
    type: Literal["放假", "上课", "活动"] = Field(
        description="放假（本地节日等，这天不安排工作）、上课（调课补上课，周末也算上课日）、活动（运动会等，只在行事历和日历中列出）"
    )

    @model_validator(mode="after")
    def _order(self) -> OwnDay:
        if self.to is not None and self.to < self.date:
            raise ValueError(f"to（{self.to}）早于 date（{self.date}），请把结束日写在开始日之后")
        return self


class CalendarDates(Strict):
    """Term and vacation dates; every one may be left out and is then estimated."""

    autumn_start: dt.date | None = Field(default=None, description="秋季学期开学日")
    autumn_end: dt.date | None = Field(default=None, description="秋季学期最后一天（散学典礼）")
    spring_start: dt.date | None = Field(default=None, description="春季学期开学日")
    spring_end: dt.date | None = Field(default=None, description="春季学期最后一天")
    spring_festival: dt.date | None = Field(default=None, description="春节（农历正月初一），一般不必填写")
    summer_end: dt.date | None = Field(default=None, description="暑假最后一天，默认 8 月 31 日")
    days: list[OwnDay] = Field(
        default_factory=list, description="本校自己的日子：放假（本地节日）、上课（调课）、活动（运动会等），会加在国家法定节假日之上"
    )


class Students(Strict):
    """Aggregate counts only."""

    total: int = Field(ge=0, le=100000, description="在校生总数")
    left_behind: int | None = Field(default=None, ge=0, description="留守儿童人数")
    boarding: int | None = Field(default=None, ge=0, description="住校生人数")
    classes: int | None = Field(default=None, ge=0, le=2000, description="班级数")

    @model_validator(mode="after")
    def _parts_within_total(self) -> Students:
        for name, value in (("left_behind", self.left_behind), ("boarding", self.boarding)):
            if value is not None and value > self.total:
                raise ValueError(f"{name} 的人数 {value} 超过了在校生总数 {self.total}")
        return self


class GroupMembers(Strict):
    """Who fills a leading group, role → person names."""

    members: dict[Label, list[Label]] = Field(description="职务 → 姓名列表，例如 组长: [王明]")


class Adoption(Strict):
    """A plan the school adopts, with its own changes."""

    plan: Id = Field(description="方案模板编号")
    title: Label | None = Field(default=None, description="改用的标题")
    issue_date: dt.date | None = Field(default=None, description="印发日期，默认为秋季开学日")
    group: dict[Label, list[Label]] = Field(
        default_factory=dict, description="领导小组成员：职务 → 姓名列表（未写的按 people 中的岗位填）"
    )
    targets: dict[Id, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(default_factory=dict, description="改写的指标：指标编号 → 数值")
    events: dict[Id, DateRule] = Field(default_factory=dict, description="改写的日期：事项或阶段编号 → 日期规则")
    skip: list[Id] = Field(default_factory=list, description="本校不做的事项或阶段编号")
    legal_basis: list[BasisLine] = Field(
        default_factory=list, description="本方案另加的依据（县里的文件、上级通知），写在“主要依据”的最后")


class School(Strict):
    """A school profile."""

    id: Id = Field(description="学校编号，用作输出文件夹名")
    name: Label = Field(description="学校全称")
    type: SchoolType = Field(description="学校类型（乡镇教育管理中心也用本档案，类型写 教育管理中心）")
    place: Place
    authority: Label = Field(description="主管单位，例如 某某县教育局 或 某某镇教育管理中心")
    year: str = Field(description="学年，例如 2026-2027")
    calendar: CalendarDates = Field(default_factory=CalendarDates, description="校历（可省略，按常规估算）")
    people: dict[Label, Label] = Field(default_factory=dict, description="岗位 → 姓名，例如 校长: 王明")
    departments: list[Label] = Field(default_factory=list, description="本校的处室，例如 德育处、教导处")
    regulations: list[Regulation] = Field(
        default_factory=list,
        description="本地（县、市）的法规和文件，书名号写全，会加在每份方案“主要依据”的最后，例如《某某县控辍保学工作实施办法》")
    phone: Label | None = Field(default=None, description="学校对外电话（是否公开由学校决定）")
    students: Students | None = None
    plans: list[Adoption] = Field(min_length=1, description="采用的方案")
    note: Text | None = None

    @property
    def is_office(self) -> bool:
        """A township education office (教育管理中心), not a school: its files say 本中心, not 本校."""
        return self.type == "教育管理中心"

    @property
    def self_word(self) -> str:
        """How the unit's own documents name it: 本校, or 本中心 for an education office."""
        return "本中心" if self.is_office else "本校"

    @field_validator("name")
    @classmethod
    def _one_line_name(cls, value: str) -> str:
        """The name heads every file, a progress line and a calendar's title: one line, and not
        something a spreadsheet would take for a formula."""
        value = value.strip()
        if any(ch in value for ch in "\n\t\u2028\u2029\x85"):
            raise ValueError("学校名称应写在一行内，不能有换行或制表符")
        if value[:1] in ("=", "+", "-", "@"):
            raise ValueError(f"学校名称以“{value[0]}”开头，像是公式而不是学校名称，请直接写学校全称")
        return value

    @field_validator("year")
    @classmethod
    def _year(cls, value: str) -> str:
        match = _YEAR_RE.match(str(value).strip())
        if not match:
            raise ValueError(f"学年“{value}”的格式不对，请写成 2026-2027")
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1:
            raise ValueError(f"学年“{value}”的两个年份应相差一年，例如 {first}-{first + 1}")
        if not 2000 <= first <= 2100:
            raise ValueError(f"学年“{value}”超出了支持的范围（2000—2100）")
        return value

    @property
    def stages(self) -> set[str]:
        """The school stages a school of this type teaches (for stage-specific targets)."""
        return set(_TYPE_STAGES[self.type])

    @property
    def first_year(self) -> int:
        return int(self.year[:4])

    @model_validator(mode="after")
    def _unique_adoptions(self) -> School:
        seen: set[str] = set()
        for adoption in self.plans:
            if adoption.plan in seen:
                raise ValueError(f"方案“{adoption.plan}”在 plans 中出现了两次")
            seen.add(adoption.plan)
        return self
