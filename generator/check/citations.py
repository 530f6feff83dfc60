"""Citations in text: every 《…》 title, 文号 and retired term of ``content/``, ``courses/`` and ``plans/``
checked against the policy register (:mod:`generator.load.policies`) for a school year.

A cited document must be in the register (or be a provincial regulation of ``regulations.yml``, a
document of the project itself such as 《致家长的一封信》, or an example such as 《某某县……办法》)
and still in force at the end of the school year; a retired term (动态清零) is refused. Every
problem is located at the file, line and column where it is written. Only for a project that keeps
a register: one without ``plans/data/policies.yml`` cites freely, as before the register existed.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.paths import shown_path
from ..errors import GongyuError, Problem
from ..load.memo import remembered
from ..load.policies import CURRENT, NUMBER, TITLE, Policy, date_words, year_words

if TYPE_CHECKING:
    from ..load.corpus import Corpus


#: Titles that name an example, not a document (《某某县……实施办法》).
_EXAMPLE = re.compile(r"某某|××|XX|xx|＿|_")


def _project_titles(corpus: Corpus) -> list[str]:
    titles = [a.meta.title for a in corpus.articles.values()]
    titles += [course.title for course in corpus.courses.values()]
    titles += [lesson.title for lesson in corpus.lessons.values()]
    titles += [plan.title for plan in corpus.plans.values()]
    titles += [form.title for form in corpus.forms.values()]
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


def _text_files(root: Path, templates_only: bool = False) -> Iterator[Path]:
    for folder in () if templates_only else ("content", "courses"):
        base = root / folder
        if base.is_dir():
            yield from sorted(_tree(base))
    plans = root / "plans"
    for sub in (plans, plans / "forms"):
        if sub.is_dir():
            yield from sorted(p for p in sub.iterdir() if p.is_file() and p.suffix in _SUFFIXES
                              and not p.name.startswith("."))


_SUFFIXES = (".md", ".yml", ".yaml")


def _tree(folder: Path) -> Iterator[Path]:
    """The text files under ``folder``, hidden entries skipped, links to folders not followed (as ``rglob``)."""
    try:
        with os.scandir(folder) as scan:
            entries = [entry for entry in scan if not entry.name.startswith(".")]
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir() and not entry.is_symlink():
                yield from _tree(folder / entry.name)
            elif entry.is_file() and Path(entry.name).suffix in _SUFFIXES:
                yield folder / entry.name
        except OSError:
            continue


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # reported by the loader


#: What a line cites: (line, column, kind, written); kind is "title" (the words inside 《》), "number"
#: (a 文号 match, perhaps with words before it) or "term" (written: the retired term's index in the register).
Hit = tuple[int, int, str, str]


def _scan(lines: list[str], is_yaml: bool, terms: tuple[str, ...]) -> list[Hit]:
    """Every title, 文号 and retired term written in ``lines``, in reading order (comments skipped)."""
    hits: list[Hit] = []
    for number, line in enumerate(lines, start=1):
        if is_yaml and line.lstrip().startswith("#"):
            continue  # a comment, never shown
        if "《" in line:
            hits.extend((number, match.start() + 1, "title", match.group(1).strip()) for match in TITLE.finditer(line))
        if "号" in line:
            hits.extend((number, match.start() + 1, "number", match.group(0)) for match in NUMBER.finditer(line))
        for index, term in enumerate(terms):
            start = line.find(term)
            while start >= 0:
                hits.append((number, start + 1, "term", str(index)))
                start = line.find(term, start + len(term))
    return hits


def _scan_file(raw: bytes, shown: str, is_yaml: bool, terms: tuple[str, ...]) -> list[Hit]:
    """:func:`_scan` of a file's bytes (remembered per file: a pure function of the bytes and the terms)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []  # reported by the loader
    # the lines Path.read_text gives (its newline translation changes nothing splitlines() sees)
    return _scan(text.splitlines(), is_yaml, terms)


def _hits(path: Path, shown: str, terms: tuple[str, ...]) -> list[Hit]:
    is_yaml = path.suffix != ".md"
    try:
        return remembered(path, shown, _scan_file, is_yaml, terms)
    except GongyuError:  # too large or unreadable: the loader says so; scan it as it is
        return _scan(_lines(path), is_yaml, terms)


def check_citations(corpus: Corpus, first_year: int) -> list[Problem]:
    """Every citation of a document that is unknown, or no longer in force in the school year starting
    in ``first_year``, and every retired term, located in the file where it is written.

    Only for a project that keeps a register (``plans/data/policies.yml``): one without it (an old
    project, a test fixture) cites freely, as before the register existed. What each file cites is
    found once per version of the file (:func:`_scan_file`); only the judging is done on every call.
    """
    register = corpus.policies
    if not register.present:
        return []  # a project without plans/data/policies.yml has not opted in
    judge = _Judge(corpus, first_year)
    terms = tuple(term.term for term in register.retired)
    problems: list[Problem] = []
    for path in _text_files(corpus.root, corpus.templates_only):
        shown = shown_path(path)
        for number, column, kind, written in _hits(path, shown, terms):
            found = judge.hit(kind, written, column)
            if found is not None:
                problems.append(Problem(shown, number, found[0], found[1], found[2]))
    return problems


class _Judge:
    """Whether a title, 文号 or term written somewhere is a problem for the school year starting in ``first_year``."""

    def __init__(self, corpus: Corpus, first_year: int) -> None:
        self.register = corpus.policies
        self.first_year = first_year
        self.regulation_titles = {t.strip("《》") for r in corpus.regulations.entries for t in (r.title,)}
        self.own = _project_titles(corpus)
        self.year = year_words(first_year)
        self.guesses: dict[str, list[str]] = {}
        self.verdicts: dict[tuple[str, str], tuple[int, str, str] | None] = {}

    def hit(self, kind: str, written: str, column: int) -> tuple[int, str, str] | None:
        """(column, message, hint) when ``written`` (found at ``column``) is a problem, else None."""
        key = (kind, written)
        if key not in self.verdicts:  # the same title is cited in many files
            self.verdicts[key] = (self.title(written) if kind == "title" else self.number(written) if kind == "number"
                                  else self.term(int(written)))
        verdict = self.verdicts[key]
        return None if verdict is None else (column + verdict[0], verdict[1], verdict[2])

    def term(self, index: int) -> tuple[int, str, str]:
        term = self.register.retired[index]
        basis = self.register.by_id(term.basis) if term.basis else None
        return (0, f"“{term.term}”是已停用的提法",
                f"现在的说法是“{term.use}”" + (f"（见《{basis.title}》）" if basis else "") + "；请改写这句话")

    def title(self, title: str) -> tuple[int, str, str] | None:
        policy = self.register.by_title(title)
        if policy is None:
            if title in self.regulation_titles or _EXAMPLE.search(title) or _own_document(title, self.own):
                return None
            guess = self.guess(title)
            return (0, f"引用的《{title}》不在政策文件登记表中",
                    (f"您是不是想写《{guess[0]}》？" if guess else "") +
                    "如果这是一部法律、法规或文件：核对原文后在 plans/data/policies.yml 中登记"
                    "（全称、制定机关、文号、日期、所依据的规定和原文网址）；"
                    "如果名称写错了，请照登记表中的全称改正；如果是本项目的方案或表格，请写它的完整标题")
        bad = self.stale(policy)
        return None if bad is None else (0, f"《{title}》{bad[0]}", bad[1])

    def number(self, written: str) -> tuple[int, str, str] | None:
        """The verdict on a 文号 match; its column moves past the words before the 文号 itself."""
        policy = self.register.by_number(written)
        shown_number = _trim_number(written)
        shift = len(written) - len(shown_number)
        if policy is None:
            return (shift, f"文号“{shown_number}”不在政策文件登记表中",
                    "请核对文号：登记表中有这份文件的，照登记表改正；没有的，核对原文后在 "
                    "plans/data/policies.yml 中登记")
        bad = self.stale(policy)
        return None if bad is None else (shift, f"{shown_number}（《{policy.title}》）{bad[0]}", bad[1])

    def guess(self, title: str) -> list[str]:
        if title not in self.guesses:
            names = [name for p in self.register.policies for name in p.names()]
            self.guesses[title] = difflib.get_close_matches(title, names, n=1, cutoff=0.75)
        return self.guesses[title]

    def stale(self, policy: Policy) -> tuple[str, str] | None:
        """(message, hint) when ``policy`` no longer applies in the school year; the year is in the hint only."""
        register, year = self.register, self.year
        if register.status(policy, self.first_year) == CURRENT:
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


__all__ = ["check_citations"]
