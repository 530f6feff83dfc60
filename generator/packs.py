"""School packs: every plan a school adopts, filled in with its name, people and dates.

A pack is the folder ``<out>/<school-id>/`` (file names are ASCII so that a zip opens cleanly in
Windows Explorer, which reads zip names in the local code page, and on any USB stick)::

    README.txt              说明：每个文件是什么（UTF-8，记事本可直接打开）
    <plan-id>.docx / .pdf   each adopted plan in the GB/T 9704 layout
    xingshili.docx / .pdf   工作行事历 of all adopted plans, by teaching week
    calendar.ics            the phases and events for phone and desktop calendars
    forms/<form-id>.pdf     the blank forms the plans call for, headed with the school's name

The pipeline is that of the rest of gongyu: resolve every plan first (all problems of a school
reported together, with file and line), render every file in memory, and only then write the
folder in one atomic swap (:func:`generator.atomic.staged_dir`), so a failed school never leaves
half a pack behind. :func:`build_packs` spreads many schools over CPU cores; one bad school is
reported and the others are still produced.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import urls
from .atomic import safe_child, staged_dir
from .calendar import ResolvedPlan, SchoolYear, format_date, format_span
from .resolve import ResolvedSchool, resolve_school
from .downloads import Download
from .errors import GongyuError, Problem

if TYPE_CHECKING:
    from .cache import Cache
    from .corpus import Corpus
    from .load import SourceDoc
    from .models.school import School

XINGSHILI_NAME = "xingshili"
CALENDAR_NAME = "calendar.ics"
README_NAME = "README.txt"
FORMS_DIR = "forms"


@dataclass(frozen=True)
class Profile:
    """A school to build: the profile, where it came from (for messages) and its parsed source."""

    school: School
    doc: SourceDoc | None
    origin: str


@dataclass(frozen=True)
class Failure:
    """A school (or an input file) that could not be built, with every problem found."""

    origin: str
    problems: tuple[Problem, ...]

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


@dataclass
class BatchResult:
    """What :func:`build_packs` did."""

    out_root: Path
    built: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    #: CPU time of this process and of every worker (including their start-up), for benchmarks.
    cpu_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def built_summary(self) -> str:
        """One Chinese line: how many packs were written, where, and how long it took."""
        if not self.built:
            return "没有生成任何方案包。"
        return f"已生成 {len(self.built)} 所学校的方案包，位于 {self.out_root}（用时 {self.seconds:.1f} 秒）。"

    def failure_summary(self) -> str:
        """Every failed school with its located problems (empty when none failed)."""
        if not self.failed:
            return ""
        lines = [f"有 {len(self.failed)} 所学校（或文件）未能生成，原因如下："]
        for failure in self.failed:
            lines.append(failure.format())
        lines.append("请按提示修改后重新运行；其他学校的方案包不受影响。")
        return "\n".join(lines)

    def summary(self) -> str:
        """The Chinese summary for the command line."""
        return "\n".join(part for part in (self.built_summary(), self.failure_summary()) if part)


# --- one school ---------------------------------------------------------------------------------

def retarget(school: School, year: str) -> School:
    """The profile for another school year: its calendar and issue dates belong to the old year."""
    if year == school.year:
        return school
    from .models.school import CalendarDates, School

    data = school.model_dump()
    data["year"] = year
    data["calendar"] = CalendarDates().model_dump()
    for adoption in data["plans"]:
        adoption["issue_date"] = None
    return School.model_validate(data)


@dataclass(frozen=True)
class PackContent:
    """A school's resolved plans and the files of its pack, before anything is written."""

    school: School
    year: SchoolYear
    plans: tuple[ResolvedPlan, ...]
    files: dict[str, bytes]


def pack_files(resolved: ResolvedSchool, corpus: Corpus, *, pdf: bool = True, forms: bool = True) -> PackContent:
    """Render every file of a resolved school's pack in memory: ``{relative POSIX name: bytes}``.

    ``pdf=False`` leaves out every PDF (and so the forms); ``forms=False`` only the blank forms.
    """
    from .printables import render_form
    from .render.docx_gbt import BLANK, render_docx
    from .render.ics import calendar_ics
    from .render.plan_pdf import render_pdf
    from .render.xingshili import build_xingshili, xingshili_docx, xingshili_pdf

    school, year, plans = resolved.school, resolved.year, resolved.plans
    files: dict[str, bytes] = {}
    for plan, document in zip(plans, resolved.documents):
        files[f"{plan.id}.docx"] = render_docx(document)
        if pdf:
            files[f"{plan.id}.pdf"] = render_pdf(document)
    sheet = build_xingshili(school.name, year, plans)
    files[f"{XINGSHILI_NAME}.docx"] = xingshili_docx(sheet)
    if pdf:
        files[f"{XINGSHILI_NAME}.pdf"] = xingshili_pdf(sheet)
    files[CALENDAR_NAME] = calendar_ics(school.id, school.name, year, plans)
    form_ids = resolved.form_ids(corpus) if pdf and forms else []
    for form_id in form_ids:
        files[f"{FORMS_DIR}/{form_id}.pdf"] = render_form(corpus.forms[form_id], school_name=school.name)
    blanks = resolved.draft and any(BLANK in document.text() for document in resolved.documents)
    files[README_NAME] = readme(school, year, plans, corpus, form_ids, pdf=pdf, draft=blanks)
    return PackContent(school, year, plans, files)


def readme(school: School, year: SchoolYear, plans: Sequence[ResolvedPlan], corpus: Corpus,
           form_ids: Sequence[str], *, pdf: bool = True, draft: bool = False) -> bytes:
    """``README.txt``: what each file of the pack is (UTF-8 with BOM and CRLF, for Notepad).

    ``draft``: some information was missing and is left as ____ in the files (say so at the top).
    """
    lines = [f"{school.name} 学校方案包（{year.label}）", ""]
    if draft:
        lines += ["【草稿】部分信息（如领导小组成员）尚未填写，文件中以“________”留空，请补全后再印发。", ""]
    lines += [
        "校历（未在学校档案中写明的日期按常规估算）：",
        f"  秋季学期：{format_span(year.autumn_start, year.autumn_end)}",
        f"  寒假：{format_span(year.winter_start, year.winter_end)}（春节：{format_date(year.spring_festival)}）",
        f"  春季学期：{format_span(year.spring_start, year.spring_end)}",
        f"  暑假：{format_span(year.summer_start, year.summer_end)}",
        "",
        "文件说明：",
    ]
    for resolved in plans:
        kinds = "Word 和 PDF" if pdf else "Word"
        lines.append(f"  {resolved.id}.docx{' / .pdf' if pdf else ''}  《{resolved.title}》（{kinds}，公文格式，可在 Word 或 WPS 中修改）")
    lines.append(f"  {XINGSHILI_NAME}.docx{' / .pdf' if pdf else ''}  工作行事历（按教学周列出各方案的工作）")
    lines.append(f"  {CALENDAR_NAME}  日历文件：导入手机或电脑日历后，各阶段和事项会按日期提醒；重新导入会更新而不会重复")
    if form_ids:
        lines.append(f"  {FORMS_DIR}/  方案用到的空白表格（已印上学校名称）：")
        for form_id in form_ids:
            lines.append(f"    {form_id}.pdf  {corpus.forms[form_id].title}")
    lines += ["", "文件名使用英文和数字，是为了在各种电脑和U盘上解压时不出现乱码。"]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def write_pack(content: PackContent, out_root: Path) -> Path:
    """Write a rendered pack to ``out_root/<school-id>/`` in one atomic swap."""
    dest = safe_child(out_root, content.school.id)
    with staged_dir(dest) as tmp:
        for name in sorted(content.files):
            target = tmp.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.files[name])
    return dest


def build_pack(school: School | ResolvedSchool, corpus: Corpus, out_root: Path, *, draft: bool = False,
               year: str | None = None, pdf: bool = True, forms: bool = True, doc: SourceDoc | None = None) -> Path:
    """Build one school's pack into ``out_root/<school-id>/`` and return that folder.

    ``doc`` locates problems (default: the profile's source in ``corpus.school_sources``);
    ``year`` builds for another school year than the profile's; ``draft`` writes ____ where
    information is missing instead of failing; ``pdf=False`` skips the PDF files (fast previews),
    ``forms=False`` the blank forms.
    """
    if isinstance(school, ResolvedSchool):
        resolved = school
    else:
        resolved = resolve_profile(school, corpus, doc=doc, draft=draft, year=year)
    return write_pack(pack_files(resolved, corpus, pdf=pdf, forms=forms), Path(out_root))


def resolve_profile(school: School, corpus: Corpus, *, doc: SourceDoc | None = None, draft: bool = False,
                    year: str | None = None) -> ResolvedSchool:
    """The school resolved for ``year`` (default: its own) — taken from the corpus when it was loaded there."""
    if doc is None:
        doc = corpus.school_sources.get(school.id)
    if year:
        school = retarget(school, year)
    known = corpus.resolved.get(school.id)
    if known is not None and known.school == school and known.draft == draft:
        return known
    return resolve_school(school, corpus, doc=doc, draft=draft)


# --- many schools -------------------------------------------------------------------------------

def load_profiles(inputs: Iterable[Path], corpus: Corpus) -> tuple[list[Profile], list[Failure]]:
    """Read school profiles from YAML files, folders of YAML files and .xlsx sheets.

    Each profile is checked against the corpus (plans exist, overrides name real items; dates and
    people are checked when the school is resolved, once, by the worker that builds it); a bad
    profile or sheet row becomes a :class:`Failure` and the rest are still returned. Two schools
    with the same id: the second is refused.
    """
    from .corpus import shown_path
    from .resolve import profile_problems
    from .load import load_yaml_file, validate
    from .models.school import School

    profiles: list[Profile] = []
    failures: list[Failure] = []
    seen: dict[str, str] = {}

    def accept(school: School, doc: SourceDoc, origin: str) -> None:
        if school.id in seen:
            failures.append(Failure(origin, (doc.problem(("id",), f"学校编号“{school.id}”重复（已用于 {seen[school.id]}）",
                                                         "每所学校的编号必须唯一，它也是输出文件夹的名字"),)))
            return
        seen[school.id] = origin
        profiles.append(Profile(school, doc, origin))

    files: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml", ".xlsx")
                            and not p.name.startswith(("~$", ".")))
        elif path.exists():
            files.append(path)
        else:
            failures.append(Failure(shown_path(path), (Problem(shown_path(path), 0, 0, "找不到这个文件或文件夹",
                                                               "请检查路径是否写对"),)))
    for path in files:
        shown = shown_path(path)
        if path.suffix.lower() == ".xlsx":
            from .xlsx import read_schools

            rows, problems = read_schools(path, corpus)
            for school, doc, origin in rows:
                accept(school, doc, origin)
            for origin, row_problems in problems:
                failures.append(Failure(origin, tuple(row_problems)))
            continue
        if path.suffix.lower() not in (".yml", ".yaml"):
            failures.append(Failure(shown, (Problem(shown, 0, 0, "不认识的文件类型",
                                                    "学校档案请用 .yml 文件，学校名单请用 .xlsx 文件"),)))
            continue
        try:
            doc = load_yaml_file(path, shown)
            school = validate(School, doc)
            problems = profile_problems(school, doc, corpus)
            if problems:
                raise GongyuError(problems)
        except GongyuError as exc:
            failures.append(Failure(shown, tuple(exc.problems)))
            continue
        accept(school, doc, shown)
    return profiles, failures


# Worker state: the corpus is sent once per process, not once per school.
_WORKER_CORPUS: Corpus | None = None


def _slim(corpus: Corpus) -> Corpus:
    """The part of the corpus packs need (plans, forms, their sources), cheap to send to workers."""
    from .corpus import Corpus

    return Corpus(root=corpus.root, plans=dict(corpus.plans), forms=dict(corpus.forms), regulations=corpus.regulations,
                  sources={k: v for k, v in corpus.sources.items() if k in corpus.plans or k in corpus.forms},
                  kinds={k: v for k, v in corpus.kinds.items() if k in corpus.plans or k in corpus.forms})


def _init_worker(corpus: Corpus) -> None:
    global _WORKER_CORPUS
    _WORKER_CORPUS = corpus


def _build_one(task: tuple[Profile, str, bool, str | None, bool, bool]) -> tuple[str, str, Any, int, float]:
    """Run in a worker: (status "ok"/"fail", origin, path or problems, worker pid, worker CPU seconds so far)."""
    profile, out_root, draft, year, pdf, forms = task
    assert _WORKER_CORPUS is not None
    try:
        path = build_pack(profile.school, _WORKER_CORPUS, Path(out_root), draft=draft, year=year, pdf=pdf,
                          forms=forms, doc=profile.doc)
        outcome: tuple[str, Any] = ("ok", str(path))
    except GongyuError as exc:
        outcome = ("fail", tuple(exc.problems))
    except Exception as exc:  # noqa: BLE001 - one school's bug must not stop the batch
        outcome = ("fail", (Problem(profile.origin, 0, 0, f"内部错误：{type(exc).__name__}: {exc}",
                                    "请加上 --debug 重新运行，并把输出发给维护人员"),))
    return outcome[0], profile.origin, outcome[1], os.getpid(), time.process_time()


def _mp_context() -> Any:
    """Workers start from a clean process (forkserver, else spawn), never forked from this one:
    the PDF engine may already run threads here, and a forked copy of a thread pool can hang."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.packs", "generator.render.docx_gbt", "generator.render.ics"])
        return context
    return multiprocessing.get_context("spawn")


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="生成方案包", unit="所", file=sys.stderr, disable=None if enabled else True,
                dynamic_ncols=True, leave=True)


def build_packs(profiles: Sequence[Profile | Path], corpus: Corpus, out_root: Path, *, draft: bool = False,
                jobs: int | None = None, year: str | None = None, pdf: bool = True, forms: bool = True,
                progress: bool = True) -> BatchResult:
    """Build the packs of many schools, spread over ``jobs`` processes (default: every CPU core).

    ``profiles`` may be loaded :class:`Profile` objects or paths (YAML, folders, .xlsx), which are
    read with :func:`load_profiles`. A progress bar goes to stderr when it is a terminal. Schools
    that fail are listed in the result with their problems; the others are still written.
    """
    started = time.perf_counter()
    out_root = Path(out_root)
    paths = [p for p in profiles if not isinstance(p, Profile)]
    loaded = [p for p in profiles if isinstance(p, Profile)]
    result = BatchResult(out_root=out_root.resolve())
    if paths:
        more, failures = load_profiles([Path(p) for p in paths], corpus)
        loaded += more
        result.failed += failures
    jobs = max(1, jobs or os.cpu_count() or 1)
    jobs = min(jobs, max(1, len(loaded)))
    tasks = [(p, str(out_root), draft, year, pdf, forms) for p in loaded]
    bar = _progress(len(tasks), progress)
    outcomes: list[tuple[str, str, Any, int, float]] = []
    cpu_start = time.process_time()
    try:
        if jobs == 1:
            _init_worker(corpus)
            for task in tasks:
                outcomes.append(_build_one(task))
                if bar is not None:
                    bar.update(1)
        else:
            with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(),
                                                        initializer=_init_worker, initargs=(_slim(corpus),)) as pool:
                futures = [pool.submit(_build_one, task) for task in tasks]
                for future in concurrent.futures.as_completed(futures):
                    outcomes.append(future.result())
                    if bar is not None:
                        bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    own_cpu = time.process_time() - cpu_start
    workers: dict[int, float] = {}
    for *_rest, pid, cpu in outcomes:
        if pid != os.getpid():
            workers[pid] = max(workers.get(pid, 0.0), cpu)
    result.cpu_seconds = own_cpu + sum(workers.values())
    order = {p.origin: i for i, p in enumerate(loaded)}
    for status, origin, value, _pid, _cpu in sorted(outcomes, key=lambda o: order.get(o[1], 0)):
        if status == "ok":
            result.built.append(Path(value))
        else:
            result.failed.append(Failure(origin, tuple(value)))
    result.seconds = time.perf_counter() - started
    return result


# --- the site -----------------------------------------------------------------------------------

def zip_pack(folder: Path, top: str) -> bytes:
    """A deterministic zip of a pack folder, its files under ``top/``."""
    files = {path.relative_to(folder).as_posix(): path.read_bytes()
             for path in sorted(p for p in folder.rglob("*") if p.is_file())}
    return zip_files(files, top)


def zip_files(files: dict[str, bytes], top: str) -> bytes:
    """A deterministic zip of ``{relative name: bytes}``, every file under ``top/``."""
    from .render.docx_gbt import write_zip

    return write_zip([(f"{top}/{name}", files[name]) for name in sorted(files)])


def site_downloads(corpus: Corpus, cache: Cache) -> list[Download]:
    """Downloads for the site: each example school's pack as a zip, each plan template as blank Word/PDF.

    Each example school's pack is built in memory and zipped to ``packs/<school-id>.zip``; every
    plan template gives ``plans/<plan-id>/<plan-id>-draft.docx`` and ``.pdf`` with ____ blanks.
    Objects come from ``cache`` unless their inputs or the code changed. An example school that
    cannot be built fails the site build (with every problem located).
    """
    from .render.docx_gbt import render_docx, template_document
    from .render.plan_pdf import render_pdf

    downloads: list[Download] = []
    problems: list[Problem] = []
    forms_json = {k: v.model_dump(mode="json") for k, v in sorted(corpus.forms.items())}
    for school_id in sorted(corpus.schools):
        school = corpus.schools[school_id]
        plans_json = {a.plan: corpus.plans[a.plan].model_dump(mode="json") for a in school.plans if a.plan in corpus.plans}

        def make(school: School = school) -> bytes:
            content = pack_files(resolve_profile(school, corpus), corpus)
            return zip_files(content.files, school.id)

        try:
            path = cache.get(".zip", ["pack", school.model_dump(mode="json"), plans_json, forms_json,
                                      corpus.regulations.digest()], make)
        except GongyuError as exc:
            problems.extend(exc.problems)
            continue
        downloads.append(Download(owner=school_id, uri=urls.school_pack(school_id), label="学校方案包（zip）",
                                  kind="pack-zip", path=path))
    for plan_id in sorted(corpus.plans):
        plan = corpus.plans[plan_id]
        inputs = [plan.model_dump(mode="json"), {f: corpus.forms[f].title for f in plan.forms if f in corpus.forms}]
        document = None

        def doc_for(plan: Any = plan) -> Any:
            nonlocal document
            if document is None:
                document = template_document(plan, corpus)
            return document

        docx_path = cache.get(".docx", ["plan-draft-docx", *inputs], lambda: render_docx(doc_for()))
        pdf_path = cache.get(".pdf", ["plan-draft-pdf", *inputs], lambda: render_pdf(doc_for()))
        downloads.append(Download(owner=plan_id, uri=urls.plan_draft(plan_id, ".docx"),
                                  label="Word 模板（空白）", kind="plan-docx", path=docx_path))
        downloads.append(Download(owner=plan_id, uri=urls.plan_draft(plan_id, ".pdf"),
                                  label="PDF 模板（空白）", kind="plan-pdf", path=pdf_path))
    if problems:
        raise GongyuError(problems)
    return sorted(downloads)


__all__ = [
    "BatchResult",
    "Failure",
    "PackContent",
    "Profile",
    "build_pack",
    "build_packs",
    "load_profiles",
    "pack_files",
    "readme",
    "resolve_school",
    "retarget",
    "site_downloads",
    "write_pack",
    "zip_pack",
]
