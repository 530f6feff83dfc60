"""Shared vocabulary and field types for every document kind.

The controlled vocabularies (audiences, stages, topics, plan kinds) are kept here so that the
loader can suggest the nearest valid value when an author mistypes one.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

#: Readers. 社会 is the community side of 家校社: 村（居）委会 and 儿童主任, 妇联, 关工委, volunteers.
Audience = Literal["家长", "教师", "学校", "社会", "学生"]

STAGES: tuple[str, ...] = ("学前", "小学低年级", "小学中年级", "小学高年级", "初中", "高中", "跨学段")
Stage = Literal["学前", "小学低年级", "小学中年级", "小学高年级", "初中", "高中", "跨学段"]

#: Topics used to group articles and lessons on the site. Order is the display order.
TOPICS: tuple[str, ...] = (
    "学习习惯",
    "亲子沟通",
    "情绪与心理",
    "手机与网络",
    "安全",
    "隔代教育",
    "留守儿童",
    "校园欺凌",
    "家校合作",
    "劳动与运动",
    "升学衔接",
    "阅读",
    "多子女家庭",
    "家访",
    "家长会",
    "代理家长",
    "控辍保学",
    "强制报告",
    "学校计划",
    "家长委员会",
    "评价",
    "心理健康",
)
Topic = Literal[TOPICS]  # type: ignore[valid-type]

#: The ten systems of the source documents, then the kinds added for current national rules
#: (教联体 2024, student mental-health crises, bullying prevention as a standing system).
PLAN_KINDS: tuple[str, ...] = (
    "三年行动计划",
    "协同育人工作方案",
    "育人做法与建议",
    "家长学校工作方案",
    "协同育人实施方案",
    "留守儿童关爱保护",
    "控辍保学",
    "校园欺凌专项治理",
    "停课不停学",
    "安全教育",
    "教联体",
    "学生心理危机干预",
    "学生欺凌防治",
)
PlanKind = Literal[PLAN_KINDS]  # type: ignore[valid-type]

SAFETY_TOPICS: tuple[str, ...] = (
    "防溺水",
    "防火",
    "交通安全",
    "食品安全",
    "防汛与自然灾害",
    "防欺凌",
    "网络安全",
    "自我保护",
    "公共卫生",
    "社会安全",
    "意外伤害",
)
SafetyTopic = Literal[SAFETY_TOPICS]  # type: ignore[valid-type]

Season = Literal["春季", "夏季", "秋季", "冬季", "全年"]

_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            "编号只能由小写英文字母、数字和连字符“-”组成，以字母或数字开头和结尾，最长 64 个字符"
            "（例如 kongchuo-baoxue）"
        )
    if value in _WINDOWS_RESERVED:
        raise ValueError(f"编号“{value}”是 Windows 的保留文件名，请换一个")
    return value


#: An identifier that is safe as a file or folder name on every system and unique in the corpus.
Id = Annotated[str, AfterValidator(_check_id)]


#: Characters no text of ours may hold: control characters (tab and line feed excepted), a carriage
#: return (a lone one is a line break to some readers and not to others) and the bidirectional
#: overrides that make a name read differently from what it holds.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("文字中含有空字符（NUL），请删除")
    match = _CONTROL.search(value)
    if match is not None:
        what = "回车符" if match.group() == "\r" else "看不见的控制字符"
        raise ValueError(f"文字的第{match.start() + 1}个字符是{what}（U+{ord(match.group()):04X}），请删除")
    return value


#: A non-empty line of user-visible text.
Text = Annotated[str, Field(min_length=1, max_length=20000), AfterValidator(_check_text)]
#: A short label (title, role, column name).
Label = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_check_text)]


class Strict(BaseModel):
    """Base of every model read from a file: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=True, defer_build=True)
