"""Date rules: how a plan says *when* something happens, before it is tied to a school year.

Five forms, told apart by their keys (see :func:`_rule_tag`):

``{date: "11-16"}`` or ``{date: "11-16", to: "11-30"}``
    a fixed day or range every school year (a range may cross New Year: 12-01 to 01-08);
``{months: [1, 7], days: [20, 31]}``
    the same days in each listed month (a day past the month's end means its last day);
``{term: 每学期, week: 1}`` or ``{term: 秋季, weeks: [1, 2]}``
    teaching weeks counted from the term's first day (negative counts back from the last week);
``{anchor: 春节, offset: -7, days: 7}`` or ``{anchor: 寒假开始, until: 春节}``
    days relative to a point of the school year;
``{every: 月}`` (optionally ``within: 学期``)
    a repeated duty.

Resolving a rule for a concrete school year lives in :mod:`generator.schoolcal`; this module only
checks that a rule is possible at all (02-30 is rejected here).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from .common import Strict

#: Points of the school year a rule may count from. Order follows the school year.
ANCHORS: tuple[str, ...] = (
    "秋季开学",
    "秋季学期结束",
    "寒假开始",
    "春节",
    "寒假结束",
    "春季开学",
    "春季学期结束",
    "暑假开始",
    "暑假结束",
)
Anchor = Literal[ANCHORS]  # type: ignore[valid-type]

#: Longest month lengths, February counted as 29 so that 02-29 passes here and is checked per year.
_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
_CN_NUM = "〇一二三四五六七八九十"


def parse_month_day(value: str) -> tuple[int, int]:
    """Parse ``MM-DD`` into ``(month, day)``; raise ``ValueError`` with a Chinese message."""
    text = str(value).strip()
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdecimal() for p in parts):
        raise ValueError(f"日期“{text}”的格式不对，请写成“月-日”，例如 11-16 表示 11 月 16 日")
    month, day = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"日期“{text}”中的月份 {month} 不存在，月份应在 1 到 12 之间")
    if not 1 <= day <= _MONTH_DAYS[month]:
        raise ValueError(f"日期“{text}”不存在：{month} 月最多 {_MONTH_DAYS[month]} 天")
    return month, day


class FixedRule(Strict):
    """A fixed day, or a range of days, in every school year."""

    date: str = Field(description="月-日，例如 11-16")
    to: str | None = Field(default=None, description="区间的最后一天（月-日），可跨到次年，例如 01-08")

    @field_validator("date", "to")
    @classmethod
    def _valid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        month, day = parse_month_day(value)
        return f"{month:02d}-{day:02d}"

    @property
    def start(self) -> tuple[int, int]:
        return parse_month_day(self.date)

    @property
    def end(self) -> tuple[int, int] | None:
        return parse_month_day(self.to) if self.to else None

    def describe(self) -> str:
        m, d = self.start
        if self.end is None:
            return f"每年{m}月{d}日"
        em, ed = self.end
        if (em, ed) < (m, d):
            return f"每年{m}月{d}日至次年{em}月{ed}日"
        if em == m:
            return f"每年{m}月{d}日至{ed}日"
        return f"每年{m}月{d}日至{em}月{ed}日"


class MonthDaysRule(Strict):
    """The same span of days in each listed month, e.g. 20th–31st of January and of July."""

    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1, description="月份，例如 [1, 7]")
    days: list[Annotated[int, Field(ge=1, le=31)]] = Field(
        min_length=2, max_length=2, description="[起始日, 结束日]；结束日超过当月天数时按月底计"
    )

    @model_validator(mode="after")
    def _check(self) -> MonthDaysRule:
        first, last = self.days
        if first > last:
            raise ValueError(f"days 的起始日 {first} 晚于结束日 {last}，请把小的写在前面")
        for month in self.months:
            if first > _MONTH_DAYS[month]:
                raise ValueError(f"{month} 月没有 {first} 日，请改小起始日")
        if len(set(self.months)) != len(self.months):
            raise ValueError("months 中有重复的月份")
        return self

    def describe(self) -> str:
        months = "和".join(f"{m}月" for m in sorted(self.months))
        first, last = self.days
        end = "月底" if last >= 28 and all(last >= _MONTH_DAYS[m] for m in self.months) else f"{last}日"
        each = "每年" if len(self.months) == 1 else "每年"
        return f"{each}{months}的{first}日至{end}"


class WeekRule(Strict):
    """A teaching week (or weeks) of a term, counted from the term's first day."""

    term: Literal["秋季", "春季", "每学期"] = Field(description="秋季、春季，或每学期")
    week: int | None = Field(default=None, description="第几周；-1 表示最后一周")
    weeks: list[int] | None = Field(default=None, min_length=2, max_length=2, description="[起始周, 结束周]")

    @model_validator(mode="after")
    def _check(self) -> WeekRule:
        if (self.week is None) == (self.weeks is None):
            raise ValueError("请在 week（某一周）和 weeks（[起始周, 结束周]）中二选一")
        for value in [self.week] if self.weeks is None else self.weeks:
            if value == 0 or not -30 <= value <= 30:  # type: ignore[operator]
                raise ValueError("周次应为 1 到 30（或 -1 到 -30，从期末倒数），不能为 0")
        if self.weeks is not None:
            a, b = self.weeks
            if (a > 0) == (b > 0) and a > b:
                raise ValueError(f"weeks 的起始周 {a} 晚于结束周 {b}")
        return self

    def describe(self) -> str:
        term = "每学期" if self.term == "每学期" else f"{self.term}学期"

        def one(n: int) -> str:
            return f"第{n}周" if n > 0 else ("最后一周" if n == -1 else f"倒数第{-n}周")

        if self.week is not None:
            return f"{term}{one(self.week)}" if self.week != 1 else f"{term}开学第一周"
        a, b = self.weeks  # type: ignore[misc]
        if a > 0 and b > 0:
            return f"{term}第{a}至{b}周"
        return f"{term}{one(a)}至{one(b)}"


class AnchorRule(Strict):
    """Days counted from a point of the school year (开学, 春节, 寒假开始 …)."""

    anchor: Anchor = Field(description="起算点，例如 春节、寒假开始、秋季开学")
    offset: int = Field(default=0, ge=-120, le=120, description="相对起算点的天数，负数表示之前")
    days: int | None = Field(default=None, ge=1, le=120, description="持续天数，默认 1 天")
    until: Anchor | None = Field(default=None, description="持续到另一个起算点（含当天）")

    @model_validator(mode="after")
    def _check(self) -> AnchorRule:
        if self.days is not None and self.until is not None:
            raise ValueError("days 和 until 只能写一个")
        if self.until is not None and ANCHORS.index(self.until) < ANCHORS.index(self.anchor):
            raise ValueError(f"“{self.until}”在“{self.anchor}”之前，until 应是更晚的时间点")
        return self

    def describe(self) -> str:
        if self.offset == 0:
            start = self.anchor if self.anchor == "春节" else f"{self.anchor}当天"
        elif self.offset < 0:
            start = f"{self.anchor}前{-self.offset}天"
        else:
            start = f"{self.anchor}后{self.offset}天"
        if self.until is not None:
            return f"{start.removesuffix('当天')}至{self.until}"
        if self.days and self.days > 1:
            return f"{start}起，共{self.days}天"
        return start


class RepeatRule(Strict):
    """A duty repeated at a fixed rhythm."""

    every: Literal["天", "周", "月", "学期", "半年", "年"] = Field(description="每天、每周、每月、每学期、每半年、每年")
    within: Literal["学期", "全年", "假期"] = Field(default="学期", description="只在学期中、全年，或只在寒暑假")
    times: int = Field(default=1, ge=1, le=31, description="每个周期的次数")

    def describe(self) -> str:
        scope = {"学期": "", "全年": "（含假期）", "假期": "（寒暑假期间）"}[self.within]
        times = "" if self.times == 1 else f"{self.times}次"
        return f"每{self.every}{times}{scope}"


def _rule_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = set(value)
    else:
        keys = {name for name in ("date", "months", "term", "anchor", "every") if getattr(value, name, None) is not None}
    for key, tag in (("date", "fixed"), ("months", "month_days"), ("term", "week"), ("anchor", "anchor"), ("every", "repeat")):
        if key in keys:
            return tag
    return None


DateRule = Annotated[
    Union[
        Annotated[FixedRule, Tag("fixed")],
        Annotated[MonthDaysRule, Tag("month_days")],
        Annotated[WeekRule, Tag("week")],
        Annotated[AnchorRule, Tag("anchor")],
        Annotated[RepeatRule, Tag("repeat")],
    ],
    Discriminator(
        _rule_tag,
        custom_error_type="date_rule",
        custom_error_message=(
            "无法识别的日期规则：请使用 date（固定日期）、months+days（每年某几个月的某几天）、"
            "term+week（教学周）、anchor（相对春节、开学或假期）或 every（重复）之一"
        ),
    ),
]
