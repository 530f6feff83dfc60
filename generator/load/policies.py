"""The policy register (``plans/data/policies.yml``): every law, regulation and document the content cites.

Text keeps citing documents the way Chinese text does, by title in 《…》 and by 文号
(教基〔2022〕7号); the register says what each one is: issuer, 文号, dates, whether it has expired
or been replaced, the provisions the content relies on, and the official text it was checked
against. ``gongyu check`` (:mod:`generator.check.citations`) reads every 《…》 and 文号 in ``content/``,
``courses/`` and ``plans/`` and
fails, at the file, line and column, when a cited document is not in the register, or is no longer
in force for the school year being built, or when text uses a term the register retires
(动态清零 → 常态清零、动态销号). A new rule is then one register entry, and the check lists every
place to update.

Provincial regulations stay in ``plans/data/regulations.yml`` (see :mod:`generator.load.regulations`):
templates cite them through ``{{条例:义务教育}}`` and a pack prints the one of the school's
province. A literal 《贵州省义务教育条例》 in text is accepted when that file has it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from ..errors import GongyuError
from ..models.common import Id, Label, Strict, Text

#: Where the file is, inside ``plans/``.
FILE_NAME = "data/policies.yml"

#: The three states a register entry can be in for a school year.
CURRENT, EXPIRED, REPLACED = "现行", "已废止", "已被替代"


def _bare_title(value: str) -> str:
    if "《" in value or "》" in value:
        raise ValueError(f"“{value}”请不要带书名号：登记表中的名称写成 中华人民共和国家庭教育促进法，正文引用时再加《》")
    return value


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s]+$", value):
        raise ValueError(f"“{value}”不是网址；请写核对原文所用网页的完整地址（以 http:// 或 https:// 开头）")
    return value


def _month(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"“{value}”不是年月；请写成 2023-01 这样的格式")
    return value


Title = Annotated[Label, AfterValidator(_bare_title)]
Url = Annotated[str, AfterValidator(_url)]


class Policy(Strict):
    """One law, regulation or document, checked against its official text."""

    id: Id = Field(description="编号：小写英文字母、数字和连字符，全表唯一，例如 jiating-jiaoyu-cujinfa")
    title: Title = Field(description="正式全称（不带书名号），一字不差")
    aliases: list[Title] = Field(default_factory=list,
                                 description="正文中也会用到的其他写法（简称、旧称），不带书名号")
    issuer: Label = Field(description="制定或印发机关，例如 全国人民代表大会常务委员会、教育部等十三部门")
    number: Label | None = Field(default=None, description="文号，例如 教基〔2022〕7号、教育部令第50号；没有文号的不写")
    issued: dt.date | None = Field(default=None, description="通过或印发日期（核实过才写），例如 2021-10-23")
    issued_in: Annotated[str, AfterValidator(_month)] | None = Field(
        default=None, description="只核实到月份时写印发或公布的年月，例如 2023-01（核实到具体日期的写 issued）")
    in_force: dt.date | None = Field(default=None, description="施行日期（核实过才写）")
    expired: dt.date | None = Field(default=None, description="失效日期：到期、废止或被替代之日（没有失效的不写）")
    replaced_by: Id | None = Field(default=None, description="被哪一条登记取代（写它的编号）")
    provisions: list[Text] = Field(min_length=1, description="内容所依据的规定（用自己的话概括，不照抄原文）")
    source: Url = Field(description="核对原文所用的网页地址")
    note: Text | None = Field(default=None, description="备注（例如修订情况）")

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        if self.replaced_by is not None and self.expired is None:
            raise ValueError("写了 replaced_by（被取代）就要写 expired（从哪一天起不再适用）")
        if self.issued and self.issued_in:
            raise ValueError("issued 和 issued_in 只写一个：核实到日期的写 issued，只核实到月份的写 issued_in")
        if self.issued and self.in_force and self.in_force < self.issued:
            raise ValueError("施行日期（in_force）早于印发日期（issued），请核对")
        if self.in_force and self.expired and self.expired < self.in_force:
            raise ValueError("失效日期（expired）早于施行日期（in_force），请核对")
        return self

    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


class RetiredTerm(Strict):
    """A term a newer document replaced: text must use the new wording."""

    term: Label = Field(description="不再使用的说法，例如 动态清零")
    use: Label = Field(description="现在的说法，例如 常态清零、动态销号")
    basis: Id | None = Field(default=None, description="依据哪一条登记（写它的编号）")


class PolicyFile(Strict):
    """``plans/data/policies.yml``."""

    policies: list[Policy] = Field(default_factory=list, description="内容引用的法律、法规和文件")
    retired_terms: list[RetiredTerm] = Field(default_factory=list, description="已停用的提法和现在的说法")


def school_year_end(first_year: int) -> dt.date:
    """The last day a school year starting in autumn of ``first_year`` counts as (31 August)."""
    return dt.date(first_year + 1, 8, 31)


def year_words(first_year: int) -> str:
    return f"{first_year}—{first_year + 1}学年"


def date_words(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Register:
    """The register, looked up by id, title or 文号."""

    policies: tuple[Policy, ...] = ()
    retired: tuple[RetiredTerm, ...] = ()
    #: Whether the project has a register file at all (without one, citations are not checked).
    present: bool = False
    _by_name: dict[str, Policy] = field(default_factory=dict, compare=False, repr=False)
    _by_id: dict[str, Policy] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for policy in self.policies:
            self._by_id[policy.id] = policy
            for name in policy.names():
                self._by_name[name] = policy

    def by_title(self, title: str) -> Policy | None:
        return self._by_name.get(title)

    def by_id(self, policy_id: str) -> Policy | None:
        return self._by_id.get(policy_id)

    def by_number(self, written: str) -> Policy | None:
        """The entry whose 文号 ``written`` ends with (a match may carry words before it: 见教基〔2022〕7号)."""
        compact = re.sub(r"\s+", "", written)
        for policy in self.policies:
            if policy.number and compact.endswith(re.sub(r"\s+", "", policy.number)):
                return policy
        return None

    def status(self, policy: Policy, first_year: int) -> str:
        """现行, or 已废止 / 已被替代 when it stops applying on or before the end of that school year."""
        if policy.expired is None or policy.expired > school_year_end(first_year):
            return CURRENT
        return REPLACED if policy.replaced_by else EXPIRED

    def digest(self) -> list[str]:
        """What changes output when this file changes (for build caches)."""
        return sorted(p.model_dump_json() for p in self.policies) + sorted(t.model_dump_json() for t in self.retired)

    def __len__(self) -> int:
        return len(self.policies)


def load_register(plans_dir: Path) -> Register:
    """Read ``plans_dir/data/policies.yml`` (missing: empty register); raise located problems."""
    from ..base.paths import shown_path
    from .memo import remembered

    path = plans_dir / FILE_NAME
    if not path.is_file():
        return Register()
    return remembered(path, shown_path(path), _register_file)


def _register_file(raw: bytes, shown: str) -> Register:
    """The register file's bytes → the register (a pure function, remembered per file)."""
    from . import parse_yaml, repeated, validate
    from .source import decode_text

    doc = parse_yaml(decode_text(raw, shown), shown)
    data = validate(PolicyFile, doc)
    problems = repeated(doc, "policies", [p.id for p in data.policies], "id",
                        lambda pid: f"编号“{pid}”写了两次", "每条登记的编号必须唯一")
    seen: dict[str, int] = {}
    ids = {p.id for p in data.policies}
    for index, policy in enumerate(data.policies):
        for name_index, name in enumerate(policy.names()):
            where = ("policies", index, "title") if name_index == 0 else ("policies", index, "aliases", name_index - 1)
            if name in seen and seen[name] != index:
                problems.append(doc.problem(where, f"名称《{name}》已在第 {seen[name] + 1} 条登记中用过",
                                            "同一个名称只能指向一条登记；请删去重复的一条"))
            seen.setdefault(name, index)
        if policy.replaced_by is not None and policy.replaced_by not in ids:
            problems.append(doc.problem(("policies", index, "replaced_by"),
                                        f"replaced_by 写的“{policy.replaced_by}”不是登记表中的编号",
                                        "请写取代它的那条登记的 id，或先登记新文件"))
        if policy.replaced_by == policy.id:
            problems.append(doc.problem(("policies", index, "replaced_by"), "一条登记不能被它自己取代",
                                        "请写取代它的那条登记的 id"))
    for index, term in enumerate(data.retired_terms):
        if term.basis is not None and term.basis not in ids:
            problems.append(doc.problem(("retired_terms", index, "basis"), f"basis 写的“{term.basis}”不是登记表中的编号",
                                        "请写提出新说法的那条登记的 id"))
        if term.term in term.use:
            problems.append(doc.problem(("retired_terms", index, "use"), f"新说法“{term.use}”中仍含有“{term.term}”",
                                        "检查会把新说法也当成停用的提法；请换一个写法"))
    if problems:
        raise GongyuError(problems)
    return Register(tuple(data.policies), tuple(data.retired_terms), present=True)


# --- what a document shows as its 依据 -----------------------------------------------------------------

TITLE = re.compile(r"《([^《》\n]{1,120})》")
#: 文号: an issuer's abbreviation, the year in 〔〕 (or [] / 【】 as typed), the number; or 某某令第N号.
NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}"
                    r"(?:[〔\[【（(]\d{4}[〕\]】）)]\s*\d+\s*号|令第\s*[\d一二三四五六七八九十百零〇]+\s*号)")


def issued_words(policy: Policy) -> str:
    """通过 / 印发 date in words (to the day or the month, as verified), or ""."""
    verb = "通过" if "人民代表大会" in policy.issuer else "印发"
    if policy.issued:
        return f"{date_words(policy.issued)}{verb}"
    if policy.issued_in:
        year, month = policy.issued_in.split("-")
        return f"{year}年{int(month)}月{verb}"
    return ""


def dates_words(policy: Policy) -> str:
    """Issued and in-force dates in words: 2021年10月23日通过，2022年1月1日起施行."""
    parts = [issued_words(policy)] if issued_words(policy) else []
    if policy.in_force and policy.in_force != policy.issued:
        parts.append(f"{date_words(policy.in_force)}起施行")
    return "，".join(parts)


def describe(policy: Policy) -> str:
    """文号 and dates in words: 教基〔2022〕7号，2022年…印发，…起施行."""
    return "，".join(part for part in (policy.number or "", dates_words(policy)) if part)


def cited(text: str, register: Register) -> list[Policy]:
    """The register entries ``text`` cites (by title or 文号), in order, each once."""
    found: list[Policy] = []
    for match in TITLE.finditer(text):
        policy = register.by_title(match.group(1).strip())
        if policy is not None and policy not in found:
            found.append(policy)
    for match in NUMBER.finditer(text):
        policy = register.by_number(match.group(0))
        if policy is not None and policy not in found:
            found.append(policy)
    return found


def annotate(line: str, register: Register) -> str:
    """A basis line with the 文号 and dates of the register entry it cites added (once, after its title)."""
    policies = cited(line, register)
    if not policies:
        return line
    policy = policies[0]
    words = describe(policy)
    if not words:
        return line
    # a 文号 typed after the title is dropped: the register's words replace it
    for match in NUMBER.finditer(line):
        if register.by_number(match.group(0)) is policy:
            line = re.sub(r"[（(]\s*" + re.escape(match.group(0)[-len(policy.number or "x"):]) + r"\s*[）)]", "", line)
    for name in policy.names():
        marker = f"《{name}》"
        if marker in line:
            return line.replace(marker, f"{marker}（{words}）", 1)
    return f"{line}（{words}）"


def basis_lines(lines: Iterable[str], register: Register) -> list[str]:
    return [annotate(line, register) for line in lines]


__all__ = ["CURRENT", "EXPIRED", "FILE_NAME", "NUMBER", "REPLACED", "TITLE", "Policy", "PolicyFile", "Register", "RetiredTerm",
           "annotate", "basis_lines", "cited", "dates_words", "date_words", "describe", "load_register", "school_year_end",
           "year_words"]
