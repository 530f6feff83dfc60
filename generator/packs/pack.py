"""One school's pack: its files rendered in memory from the resolved school, then written in one swap."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.memo import LatestMemo
from ..resolve.school import ResolvedSchool, resolve_school
from ..schoolcal import ResolvedPlan, SchoolYear, format_date, format_span
from ..write.atomic import safe_child, staged_dir
from ..write.outputs import MARKER, PACK

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..load.corpus import Corpus
    from ..models.school import School

XINGSHILI_NAME = "xingshili"
CALENDAR_NAME = "calendar.ics"
README_NAME = "README.txt"
FORMS_DIR = "forms"


def retarget(school: School, year: str) -> School:
    """The profile for another school year: its calendar and issue dates belong to the old year."""
    if year == school.year:
        return school
    from ..models.school import CalendarDates, School

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


@dataclass
class Rendered:
    """The bytes of each document of a school's pack, by (school, file name), kept while the value it
    is rendered from (a plan's :class:`GbtDocument`, the work calendar) stays equal: `gongyu serve`
    makes the site's example packs again after a plan edit, and only the edited plan's files change.
    Holds one value per file: only for a handful of schools (the site's examples), never a batch."""

    kept: LatestMemo[bytes] = field(default_factory=LatestMemo)

    def get(self, key: Hashable, value: object, make: Callable[[], bytes]) -> bytes:
        return self.kept.get(key, (value,), make)


def pack_files(resolved: ResolvedSchool, corpus: Corpus, *, pdf: bool = True, forms: bool = True,
               rendered: Rendered | None = None, threads: int = 1) -> PackContent:
    """Render every file of a resolved school's pack in memory: ``{relative POSIX name: bytes}``.

    ``pdf=False`` leaves out every PDF (and so the forms); ``forms=False`` only the blank forms;
    ``rendered``: documents equal to those of an earlier call are not rendered again;
    ``threads``: documents rendered at once (Typst compiles outside Python's lock, so a PDF on one
    core while a Word file is poured on another). The bytes do not depend on it.
    """
    from ..render.docx.gbt import BLANK, render_docx
    from ..render.ics import calendar_ics
    from ..render.pdf.plan import render_pdf
    from ..render.xingshili import build_xingshili, xingshili_docx, xingshili_pdf
    from ..resolve.type_words import typed_form
    from .stamp import stamped_forms

    school, year, plans = resolved.school, resolved.year, resolved.plans
    jobs: dict[str, Callable[[], bytes]] = {}

    def render(name: str, value: object, make: Callable[[], bytes]) -> None:
        jobs[name] = make if rendered is None else lambda: rendered.get((school.id, name), value, make)

    sheet = build_xingshili(school.name, year, plans, office=school.is_office, kindergarten=school.type == "幼儿园")
    names = []  # the files in the order they are listed
    for plan, document in zip(plans, resolved.documents, strict=True):
        names.append(f"{plan.id}.docx")
        render(names[-1], document, lambda document=document: render_docx(document))  # type: ignore[misc]
        if pdf:
            names.append(f"{plan.id}.pdf")
            render(names[-1], document, lambda document=document: render_pdf(document))  # type: ignore[misc]
    names.append(f"{XINGSHILI_NAME}.docx")
    render(names[-1], sheet, lambda: xingshili_docx(sheet))
    if pdf:
        names.append(f"{XINGSHILI_NAME}.pdf")
        render(names[-1], sheet, lambda: xingshili_pdf(sheet))
    jobs[CALENDAR_NAME] = lambda: calendar_ics(school.id, school.name, year, plans)
    form_ids = resolved.form_ids(corpus) if pdf and forms else []
    # laid out once per process, the school's name stamped on (see stamp.py); an education office
    # hands its forms on to its schools, who fill them in: no name of its own on them
    forms_used = [typed_form(corpus.forms[form_id], school.type) for form_id in form_ids]
    stamping = "" if school.is_office else school.name
    stamped: list[bytes] = []

    def stamp() -> bytes:  # one job for all forms: they share the one compilation of the name
        stamped.extend(stamped_forms(forms_used, stamping))
        return b""

    jobs[FORMS_DIR] = stamp
    # longest first, so that no thread is left with a long job at the end: the 行事历's PDF and the
    # forms' name (templates no plan warmed up), the plans' PDFs, then the quick Word files
    first = [f"{XINGSHILI_NAME}.pdf", FORMS_DIR, *(name for name in jobs if name.endswith(".pdf"))]
    order = list(dict.fromkeys([*(name for name in first if name in jobs), *jobs]))
    done = run_all({name: jobs[name] for name in order}, threads)
    files = {name: done[name] for name in [*names, CALENDAR_NAME]}
    for form_id, form_pdf in zip(form_ids, stamped, strict=True):
        files[f"{FORMS_DIR}/{form_id}.pdf"] = form_pdf
    blanks = resolved.draft and any(BLANK in document.text() for document in resolved.documents)
    files[README_NAME] = readme(school, year, plans, corpus, form_ids, pdf=pdf, draft=blanks)
    return PackContent(school, year, plans, files)


def run_all(jobs: dict[str, Callable[[], bytes]], threads: int) -> dict[str, bytes]:
    """``{name: make()}`` for every job, on up to ``threads`` threads (each with the caller's context:
    the build date travels in a context variable). The first failure is raised once the jobs already
    running have ended; jobs not yet started are dropped."""
    if threads <= 1 or len(jobs) <= 1:
        return {name: make() for name, make in jobs.items()}
    import concurrent.futures
    import contextvars

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gongyu-render")
    try:
        futures = {name: pool.submit(contextvars.copy_context().run, make) for name, make in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def readme(school: School, year: SchoolYear, plans: Sequence[ResolvedPlan], corpus: Corpus,
           form_ids: Sequence[str], *, pdf: bool = True, draft: bool = False) -> bytes:
    """``README.txt``: what each file of the pack is (UTF-8 with BOM and CRLF, for Notepad).

    ``draft``: some information was missing and is left as ____ in the files (say so at the top).
    """
    from ..render.xingshili import estimate_note

    unit = "" if school.is_office else "幼儿园" if school.type == "幼儿园" else "学校"
    lines = [f"{school.name} {unit}方案包（{year.label}）", ""]
    if draft:
        lines += ["【草稿】部分信息（如领导小组成员）尚未填写，文件中以“________”留空，请补全后再印发。", ""]
    lines += [
        f"{'辖区学校' if school.is_office else ''}校历（未在{unit}档案中写明的日期按常规估算）：",
        f"  秋季学期：{format_span(year.autumn_start, year.autumn_end, weekday=True)}",
        f"  寒假：{format_span(year.winter_start, year.winter_end, weekday=True)}"
        f"（春节：{format_date(year.spring_festival, weekday=True)}）",
        f"  春季学期：{format_span(year.spring_start, year.spring_end, weekday=True)}",
        f"  暑假：{format_span(year.summer_start, year.summer_end, weekday=True)}",
        "  方案中的日期遇周末、法定节假日或假期时已顺延到下一个上课日（截止日期提前）。",
        *([f"  注意：{estimate_note(year, rebuild_hint=True)}"] if estimate_note(year) else []),
        "",
        "文件说明：",
    ]
    for resolved in plans:
        kinds = "Word 和 PDF" if pdf else "Word"
        lines.append(f"  {resolved.id}.docx{' / .pdf' if pdf else ''}  《{resolved.title}》"
                     f"（{kinds}，按 GB/T 9704 公文版式，可在 Word 或 WPS 中修改）")
    lines.append(f"  {XINGSHILI_NAME}.docx{' / .pdf' if pdf else ''}  工作行事历（按教学周列出各方案的工作）")
    lines.append(f"  {CALENDAR_NAME}  日历文件：导入手机或电脑日历后，各阶段和事项会按日期提醒；重新导入会更新而不会重复")
    if form_ids:
        lines.append(f"  {FORMS_DIR}/  方案用到的空白表格（" + ("发给辖区学校填写，没有印单位名称" if school.is_office
                                                         else f"已印上{unit}名称") + "）：")
        for form_id in form_ids:
            lines.append(f"    {form_id}.pdf  {corpus.forms[form_id].title}")
        lines += ["", *attachment_lines(plans, corpus, form_ids, pdf=pdf)]
    if pdf:
        lines += ["", *font_lines()]
    lines += ["", "文件名使用英文和数字，是为了在各种电脑和U盘上解压时不出现乱码。"]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def attachment_lines(plans: Sequence[ResolvedPlan], corpus: Corpus, form_ids: Sequence[str], *,
                     pdf: bool = True) -> list[str]:
    """Plan by plan, which file of ``forms/`` each “附件N” of the plan's text is (numbers differ per plan)."""
    lines = ["方案正文中的“附件N”对应的表格（各方案编号不同）："]
    for resolved in plans:
        attached = resolved.form_ids()
        if not any(form_id in form_ids for form_id in attached):
            continue
        lines.append(f"  《{resolved.title}》（{resolved.id}.{'pdf' if pdf else 'docx'}）的附件：")
        lines += [f"    附件{number}  {corpus.forms[form_id].title}  {FORMS_DIR}/{form_id}.pdf"
                  for number, form_id in enumerate(attached, start=1) if form_id in form_ids]
    return lines


def font_lines() -> list[str]:
    """What the README says about the fonts of the PDF plans: the face each role got, and what to do."""
    from ..render.pdf.plan import font_report, gbt_fonts

    lines = ["PDF 方案所用字体：", *(f"  {line}" for line in font_report())]
    if not all(gbt_fonts()["real"][role] for role in ("title", "body", "h1", "h2")):
        lines += ["生成时本机没有上述部分公文字体，PDF 中已用免费字体替代。",
                  "Word 文件中指定的是公文字体（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312），"
                  "在装有这些字体的电脑上打开即按公文字体显示；"
                  "也可以在装有公文字体的电脑上重新生成（gongyu school build … --fonts 字体文件夹）。"]
    return lines


def write_pack(content: PackContent, out_root: Path, *, project: Path | None = None) -> Path:
    """Write a rendered pack to ``out_root/<school-id>/`` in one atomic swap.

    Refused (a located error) when that folder exists and is not an earlier pack of ours, or is
    one of ``project``'s folders: a school id never replaces someone's files.
    """
    dest = safe_child(out_root, content.school.id)
    with staged_dir(dest, kind=PACK, made_by="gongyu school build", project=project) as tmp:
        for name in sorted(content.files):
            target = tmp.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.files[name])
    return dest


def build_pack(school: School | ResolvedSchool, corpus: Corpus, out_root: Path, *, draft: bool = False,
               year: str | None = None, pdf: bool = True, forms: bool = True, doc: SourceDoc | None = None,
               threads: int = 1) -> Path:
    """Build one school's pack into ``out_root/<school-id>/`` and return that folder.

    ``doc`` locates problems (default: the profile's source in ``corpus.school_sources``);
    ``year`` builds for another school year than the profile's; ``draft`` writes ____ where
    information is missing instead of failing; ``pdf=False`` skips the PDF files (fast previews),
    ``forms=False`` the blank forms; ``threads``: documents rendered at once.
    """
    if isinstance(school, ResolvedSchool):
        resolved = school
    else:
        resolved = resolve_profile(school, corpus, doc=doc, draft=draft, year=year)
    return write_pack(pack_files(resolved, corpus, pdf=pdf, forms=forms, threads=threads), Path(out_root),
                      project=corpus.root)


def resolve_profile(school: School, corpus: Corpus, *, doc: SourceDoc | None = None, draft: bool = False,
                    year: str | None = None, known: ResolvedSchool | None = None) -> ResolvedSchool:
    """The school resolved for ``year`` (default: its own) — ``known`` when that was resolved already."""
    if doc is None:
        doc = corpus.school_sources.get(school.id)
    if year:
        school = retarget(school, year)
    if known is not None and known.school == school and known.draft == draft:
        return known
    return resolve_school(school, corpus, doc=doc, draft=draft)


def zip_pack(folder: Path, top: str) -> bytes:
    """A deterministic zip of a pack folder, its files under ``top/``."""
    files = {path.relative_to(folder).as_posix(): path.read_bytes()
             for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MARKER)}
    return zip_files(files, top)


def zip_files(files: dict[str, bytes], top: str) -> bytes:
    """A deterministic zip of ``{relative name: bytes}``, every file under ``top/``."""
    from ..render.docx.gbt import write_zip

    return write_zip([(f"{top}/{name}", files[name]) for name in sorted(files)])


