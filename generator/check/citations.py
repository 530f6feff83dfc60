"""Citations in text: every 《…》 title, 文号 and retired term of ``content/``, ``courses/`` and ``plans/``
checked against the policy register (:mod:`generator.load.policies`) for a school year.

A cited document must be in the register (or be a provincial regulation of ``regulations.yml``, a
document of the project itself such as 《致家长的一封信》, or an example such as 《某某县……办法》)
and still in force at the end of the school year; a retired term (动态清零) is refused. Every
problem is located at the file, line and column where it is written. Only for a project that keeps
a register: one without ``plans/data/policies.yml`` cites freely, as before the register existed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem
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
    project, a test fixture) cites freely, as before the register existed.

    Not split: one pass over every line of every text file, three checks per line, all naming the
    same file, line and column.
    """
    from ..base.paths import shown_path

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
                for match in TITLE.finditer(line):
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
                for match in NUMBER.finditer(line):
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



__all__ = ["check_citations"]
