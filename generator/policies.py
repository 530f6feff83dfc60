"""The policy register (``plans/data/policies.yml``): every law, regulation and document the content cites.

Text keeps citing documents the way Chinese text does, by title in 《…》 and by 文号
(教基〔2022〕7号); the register says what each one is: issuer, 文号, dates, whether it has expired
or been replaced, the provisions the content relies on, and the official text it was checked
against. ``gongyu check`` reads every 《…》 and 文号 in ``content/``, ``courses/`` and ``plans/`` and
fails, at the file, line and column, when a cited document is not in the register, or is no longer
in force for the school year being built, or when text uses a term the register retires
(动态清零 → 常态清零、动态销号). A new rule is then one register entry, and the check lists every
place to update.

Provincial regulations stay in ``plans/data/regulations.yml`` (see :mod:`generator.regulations`):
templates cite them through ``{{条例:义务教育}}`` and a pack prints the one of the school's
province. A literal 《贵州省义务教育条例》 in text is accepted when that file has it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, model_validator

from .errors import GongyuError, Problem
from .models.common import Id, Label, Strict, Text

if TYPE_CHECKING:
    from .corpus import Corpus

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
    from .corpus import shown_path
    from .load import load_yaml_file, repeated, validate

    path = plans_dir / FILE_NAME
    if not path.is_file():
        return Register()
    doc = load_yaml_file(path, shown_path(path))
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

_TITLE = re.compile(r"《([^《》\n]{1,120})》")
#: 文号: an issuer's abbreviation, the year in 〔〕 (or [] / 【】 as typed), the number; or 某某令第N号.
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}(?:[〔\[【（(]\d{4}[〕\]】）)]\s*\d+\s*号|令第\s*[\d一二三四五六七八九十百零〇]+\s*号)")


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
    for match in _TITLE.finditer(text):
        policy = register.by_title(match.group(1).strip())
        if policy is not None and policy not in found:
            found.append(policy)
    for match in _NUMBER.finditer(text):
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
    for match in _NUMBER.finditer(line):
        if register.by_number(match.group(0)) is policy:
            line = re.sub(r"[（(]\s*" + re.escape(match.group(0)[-len(policy.number or "x"):]) + r"\s*[）)]", "", line)
    for name in policy.names():
        marker = f"《{name}》"
        if marker in line:
            return line.replace(marker, f"{marker}（{words}）", 1)
    return f"{line}（{words}）"


def basis_lines(lines: Iterable[str], register: Register) -> list[str]:
    return [annotate(line, register) for line in lines]


# --- the check -------------------------------------------------------------------------------------

#: Titles that name an example, not a document (《某某县……实施办法》).
_EXAMPLE = re.compile(r"某某|××|XX|xx|＿|_")


def _project_titles(corpus: Corpus) -> list[str]:
    titles = [a.meta.title for a in corpus.articles.values()]
    titles += [x.title for x in (*corpus.courses.values(), *corpus.lessons.values(), *corpus.plans.values(),
                                 *corpus.forms.values())]
    return [t for t in titles if t]


def _own_document(title: str, own: list[str]) -> bool:
    """《致家长的一封信》, 《控辍保学工作责任书》: a plan, form, lesson or article of the project."""
    bare = re.sub(r"（[^（）]*）$", "", title)
    return any(title == t or (len(bare) >= 4 and bare in t) for t in own)


#: Words that may stand right before a 文号 in running text (见教基〔2022〕7号, 按国办发……).
_LEAD_WORDS = "见另按照依据和及与或的即为是参详等并"


def _trim_number(written: str) -> str:
    """The 文号 itself out of a match that may carry words before it: 另见教基〔2099〕1号 → 教基〔2099〕1号."""
    cut = re.search(r"[〔\[【（(]\d{4}|令第", written)
    head, tail = (written[: cut.start()], written[cut.start():]) if cut else ("", written)
    head = head[-5:] if "令第" not in tail[:2] else head[-6:]
    head = head.lstrip(_LEAD_WORDS)
    return head + tail


def _text_files(root: Path) -> Iterator[Path]:
    for folder in ("content", "courses"):
        base = root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file() and p.suffix in (".md", ".yml", ".yaml")
                              and not any(part.startswith(".") for part in p.relative_to(base).parts))
    plans = root / "plans"
    for sub in (plans, plans / "forms"):
        if sub.is_dir():
            yield from sorted(p for p in sub.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml")
                              and not p.name.startswith("."))


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # reported by the loader


def check_citations(corpus: Corpus, first_year: int) -> list[Problem]:
    """Every citation of a document that is unknown, or no longer in force in the school year starting
    in ``first_year``, and every retired term, located in the file where it is written.

    Only for a project that keeps a register (``plans/data/policies.yml``): one without it (an old
    project, a test fixture) cites freely, as before the register existed."""
    from .corpus import shown_path

    register = corpus.policies
    if not register.present:
        return []  # a project without plans/data/policies.yml has not opted in
    regulation_titles = {t.strip("《》") for r in corpus.regulations.entries for t in (r.title,)}
    own = _project_titles(corpus)
    year = year_words(first_year)
    problems: list[Problem] = []

    def stale(policy: Policy) -> tuple[str, str] | None:
        """(message, hint) when ``policy`` no longer applies in the school year; the year is in the hint only."""
        if register.status(policy, first_year) == CURRENT:
            return None
        assert policy.expired is not None
        newer = register.by_id(policy.replaced_by) if policy.replaced_by else None
        if newer is not None:
            return (f"已于{date_words(policy.expired)}被《{newer.title}》取代",
                    f"生成的是{year}的内容，这份文件已不适用；请改为依据《{newer.title}》"
                    + (f"（{newer.number}）" if newer.number else "") + "，并按新文件核对这里的要求")
        return (f"已于{date_words(policy.expired)}失效",
                f"生成的是{year}的内容，这份文件已不适用；请删去这处引用，或改为依据现行的文件"
                "（先在 plans/data/policies.yml 中登记）")

    for path in _text_files(corpus.root):
        shown = shown_path(path)
        is_yaml = path.suffix != ".md"
        for number, line in enumerate(_lines(path), start=1):
            if is_yaml and line.lstrip().startswith("#"):
                continue  # a comment, never shown
            if "《" in line:
                for match in _TITLE.finditer(line):
                    title = match.group(1).strip()
                    column = match.start() + 1
                    policy = register.by_title(title)
                    if policy is None:
                        if title in regulation_titles or _EXAMPLE.search(title) or _own_document(title, own):
                            continue
                        import difflib

                        names = [name for p in register.policies for name in p.names()]
                        guess = difflib.get_close_matches(title, names, n=1, cutoff=0.75)
                        problems.append(Problem(
                            shown, number, column, f"引用的《{title}》不在政策文件登记表中",
                            (f"您是不是想写《{guess[0]}》？" if guess else "") +
                            "如果这是一部法律、法规或文件：核对原文后在 plans/data/policies.yml 中登记"
                            "（全称、制定机关、文号、日期、所依据的规定和原文网址）；"
                            "如果名称写错了，请照登记表中的全称改正；如果是本项目的方案或表格，请写它的完整标题"))
                        continue
                    bad = stale(policy)
                    if bad is not None:
                        problems.append(Problem(shown, number, column, f"《{title}》{bad[0]}", bad[1]))
            if "号" in line:
                for match in _NUMBER.finditer(line):
                    policy = register.by_number(match.group(0))
                    shown_number = _trim_number(match.group(0))
                    column = match.start() + 1 + (len(match.group(0)) - len(shown_number))
                    if policy is None:
                        problems.append(Problem(
                            shown, number, column, f"文号“{shown_number}”不在政策文件登记表中",
                            "请核对文号：登记表中有这份文件的，照登记表改正；没有的，核对原文后在 "
                            "plans/data/policies.yml 中登记"))
                        continue
                    bad = stale(policy)
                    if bad is not None:
                        problems.append(Problem(shown, number, column, f"{shown_number}（《{policy.title}》）{bad[0]}",
                                                bad[1]))
            for term in register.retired:
                start = line.find(term.term)
                while start >= 0:
                    basis = register.by_id(term.basis) if term.basis else None
                    problems.append(Problem(
                        shown, number, start + 1, f"“{term.term}”是已停用的提法",
                        f"现在的说法是“{term.use}”" + (f"（见《{basis.title}》）" if basis else "")
                        + "；请改写这句话"))
                    start = line.find(term.term, start + len(term.term))
    return problems


__all__ = ["CURRENT", "EXPIRED", "FILE_NAME", "REPLACED", "Policy", "PolicyFile", "Register", "RetiredTerm",
           "annotate", "basis_lines", "check_citations", "cited", "dates_words", "describe", "load_register", "school_year_end",
           "year_words"]
