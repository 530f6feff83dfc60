"""The whole corpus: every document of a project read and validated (cross-checks: :mod:`generator.check`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from pydantic import BaseModel

from ..base.paths import shown_path
from ..errors import GongyuError, Problem, ProblemList
from ..models import Article, ArticleMeta, Course, Form, Lesson, PlanTemplate, School
from .compose import parse_front_matter, parse_yaml
from .memo import reading, remembered
from .policies import Register, load_register
from .regulations import Regulations, load_regulations
from .schedule import Schedule, load_schedule
from .source import SourceDoc, decode_text
from .validation import validate

M = TypeVar("M", bound=BaseModel)
Kind = Literal["article", "course", "lesson", "plan", "form"]
KIND_NAMES = {"article": "文章", "course": "课程", "lesson": "课时", "plan": "方案", "form": "表格", "school": "学校"}


@dataclass
class Corpus:
    """Every document of a project, keyed by id, with the source of each for located messages."""

    root: Path
    articles: dict[str, Article] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    plans: dict[str, PlanTemplate] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    sources: dict[str, SourceDoc] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    lesson_course: dict[str, str] = field(default_factory=dict)
    school_sources: dict[str, SourceDoc] = field(default_factory=dict)
    school_files: dict[str, Path] = field(default_factory=dict)
    #: Ids (file stems) of documents that failed to load: references to them are not reported twice.
    broken: set[str] = field(default_factory=set)
    #: Files whose id differs from their name: already reported, so "not listed" is not reported again.
    misnamed: set[Path] = field(default_factory=set)
    #: Provincial regulations templates may cite (``plans/data/regulations.yml``).
    regulations: Regulations = field(default_factory=Regulations)
    #: Every law, regulation and document the content cites (``plans/data/policies.yml``).
    policies: Register = field(default_factory=Register)
    #: The State Council's holiday schedule typed in for years the ``holidays`` package lacks (``plans/data/holidays.yml``).
    schedule: Schedule = field(default_factory=Schedule)
    #: Only plan templates and forms (the set shipped with the package): ``related`` links to
    #: articles and lessons cannot be checked and are not used.
    templates_only: bool = False

    def title_of(self, item_id: str) -> str:
        kind = self.kinds.get(item_id)
        if kind == "article":
            return self.articles[item_id].meta.title
        table: dict[str, Mapping[str, Course | Lesson | PlanTemplate | Form]] = {
            "course": self.courses, "lesson": self.lessons, "plan": self.plans, "form": self.forms}
        return table[kind][item_id].title if kind else item_id

    def add_school(self, school: School, doc: SourceDoc, path: Path) -> None:
        """Record a school profile that was read and checked."""
        self.schools[school.id] = school
        self.school_sources[school.id] = doc
        self.school_files[school.id] = path.resolve()

    def course_lessons(self, course_id: str) -> list[Lesson]:
        return [self.lessons[lesson_id] for lesson_id in self.courses[course_id].lessons if lesson_id in self.lessons]


_TABLES = {"article": "articles", "course": "courses", "lesson": "lessons", "plan": "plans", "form": "forms"}


def _register(corpus: Corpus, problems: ProblemList, item_id: str, kind: Kind, doc: SourceDoc, path: Path) -> bool:
    if item_id in corpus.kinds:
        first = corpus.sources[item_id]
        first_path = corpus.files[item_id]
        if first_path in corpus.misnamed and path not in corpus.misnamed:
            # A copied file that kept its id came first in sorted order; the file named after the id
            # keeps it, and the copy is the one told to change.
            problems.add(first.problem(("id",), f"编号“{item_id}”已被{KIND_NAMES[kind]} {doc.path} 使用",
                                       "编号在整个内容库中必须唯一；请换一个编号（同时修改文件名）"))
            del getattr(corpus, _TABLES[corpus.kinds[item_id]])[item_id]
            corpus.kinds[item_id] = kind
            corpus.sources[item_id] = doc
            corpus.files[item_id] = path
            return True
        problems.add(doc.problem(("id",), f"编号“{item_id}”已被{KIND_NAMES[corpus.kinds[item_id]]} {first.path} 使用",
                                 "编号在整个内容库中必须唯一；请换一个编号（同时修改文件名）"))
        return False
    corpus.kinds[item_id] = kind
    corpus.sources[item_id] = doc
    corpus.files[item_id] = path
    return True


def _expect_stem(doc: SourceDoc, item_id: str, path: Path, problems: ProblemList, corpus: Corpus) -> None:
    if path.stem != item_id:
        problems.add(doc.problem(("id",), f"编号“{item_id}”与文件名“{path.name}”不一致",
                                 f"请把文件改名为 {item_id}{path.suffix}，或把 id 改为 {path.stem}"))
        # references by either name would only repeat this one mistake
        corpus.broken.add(path.stem)
        corpus.misnamed.add(path)


def _article(raw: bytes, shown: str) -> tuple[SourceDoc, Article]:
    """An article file's bytes → its front matter and the article (what :func:`remembered` keeps)."""
    doc, body, body_line = parse_front_matter(decode_text(raw, shown), shown)
    meta = validate(ArticleMeta, doc)
    return doc, Article(meta=meta, body=body, source=shown, body_line=body_line)


def _document(raw: bytes, shown: str, model: type[M]) -> tuple[SourceDoc, M]:
    """A YAML file's bytes → the parsed document and its model (what :func:`remembered` keeps)."""
    doc = parse_yaml(decode_text(raw, shown), shown)
    return doc, validate(model, doc)


def _load_article(path: Path, problems: ProblemList, corpus: Corpus) -> None:
    doc, article = remembered(path, shown_path(path), _article)
    meta = article.meta
    _expect_stem(doc, meta.id, path, problems, corpus)
    if _register(corpus, problems, meta.id, "article", doc, path):
        corpus.articles[meta.id] = article


def _try(problems: ProblemList, action, path: Path, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        action(path, *args)
    except GongyuError as exc:
        problems.extend(exc.problems)
        corpus = args[-1]
        corpus.broken.add(path.parent.name if path.name == "_course.yml" else path.stem)


def _load_yaml_doc(path: Path, model, kind: Kind, problems: ProblemList, corpus: Corpus):  # type: ignore[no-untyped-def]
    doc, item = remembered(path, shown_path(path), _document, model)
    _expect_stem(doc, item.id, path, problems, corpus)
    if _register(corpus, problems, item.id, kind, doc, path):
        getattr(corpus, _TABLES[kind])[item.id] = item
    return item


#: Extensions of the files that are read; names are matched case-sensitively, as on Linux.
_EXTENSIONS = {"yaml": (".yml", ".yaml"), "markdown": (".md",)}


def _misnamed(path: Path, kind: str) -> Problem | None:
    """A file that was surely meant to be read but will not be: ``x.yml.txt``, ``x.YML``, ``x.yml ``."""
    name = path.name
    wanted = _EXTENSIONS[kind]
    for ext in wanted:
        fixed = None
        if name.lower().endswith(ext + ".txt"):
            fixed = name[: -len(ext + ".txt")] + ext
            hint = "Windows 默认隐藏扩展名，文件实际叫“{name}”；请在资源管理器中打开“文件扩展名”显示后改名为“{fixed}”"
        elif name.lower().rstrip(" .").endswith(ext) and not name.endswith(ext):
            fixed = name.rstrip(" .")
            fixed = fixed[: -len(ext)] + ext
            hint = "扩展名必须是小写的“{ext}”，且后面不能有空格或点；请改名为“{fixed}”"
        if fixed is not None:
            return Problem(shown_path(path), 0, 0, f"文件“{name}”的扩展名不对，这个文件没有被读取",
                           hint.format(name=name, fixed=fixed, ext=ext))
    return None


class _Listed(NamedTuple):
    """An entry of a folder, with what it is (from the folder listing: no file is opened)."""

    path: Path
    file: bool  # a file, or a link to one
    folder: bool  # a folder, or a link to one
    link: bool


def _is(test: Callable[[], bool]) -> bool:
    try:
        return test()
    except OSError:
        return False


def _listing(folder: Path, problems: ProblemList) -> list[_Listed]:
    """The entries of ``folder``, sorted; hidden entries (``.x``, macOS ``._x`` on USB sticks) are skipped."""
    try:
        with os.scandir(folder) as entries:
            found = [_Listed(folder / entry.name, _is(entry.is_file), _is(entry.is_dir), _is(entry.is_symlink))
                     for entry in entries if not entry.name.startswith(".")]
    except OSError as exc:
        problems.add(Problem(shown_path(folder), 0, 0, f"无法读取文件夹：{exc.strerror or type(exc).__name__}",
                             "请检查文件夹是否存在、是否有读取权限"))
        return []
    return sorted(found, key=lambda entry: entry.path)


def _files(folder: Path, kind: str, problems: ProblemList, listing: list[_Listed] | None = None) -> list[Path]:
    """The files of one kind directly in ``folder``; misnamed ones are reported, not silently skipped."""
    if listing is None:
        if not folder.is_dir():
            return []
        listing = _listing(folder, problems)
    found = []
    for entry in listing:
        if not entry.file:
            continue
        if entry.path.suffix in _EXTENSIONS[kind]:
            found.append(entry.path)
        else:
            problem = _misnamed(entry.path, kind)
            if problem is not None:
                problems.add(problem)
    return found


def _markdown_files(folder: Path, problems: ProblemList) -> list[Path]:
    """Every Markdown file under ``folder``, depth first in sorted order, hidden folders skipped."""
    listing = _listing(folder, problems)
    found = _files(folder, "markdown", problems, listing)
    for entry in listing:
        if entry.folder and not entry.link:
            found.extend(_markdown_files(entry.path, problems))
    return found


def read_corpus(root: Path, problems: ProblemList, *, templates: bool = False) -> Corpus:
    """Read ``content/``, ``courses/`` and ``plans/`` under ``root`` (not the school profiles).

    Every problem is added to ``problems``; cross-references are checked later (:mod:`generator.check`).
    A file whose bytes did not change since the last read in this process is not parsed again
    (:mod:`generator.load.memo`). ``templates``: read ``plans/`` only (plan templates, forms, their
    data), all a school pack needs, as for a folder without content: a school build then costs the
    same whatever the size of the site.
    """
    root = root.resolve()
    with reading(root):
        return _read_corpus(root, problems, templates)


def _read_corpus(root: Path, problems: ProblemList, templates: bool = False) -> Corpus:
    only = templates or (not (root / "content").is_dir() and not (root / "courses").is_dir())
    corpus = Corpus(root=root, templates_only=only)

    content = root / "content"
    if content.is_dir() and not only:
        for path in sorted(_markdown_files(content, problems)):
            _try(problems, _load_article, path, problems, corpus)

    courses = root / "courses"
    if courses.is_dir() and not only:
        for folder in (entry.path for entry in _listing(courses, problems) if entry.folder):
            course_file = folder / "_course.yml"
            if not course_file.is_file():
                lessons = _files(folder, "yaml", problems)
                problems.add(Problem(shown_path(folder), 0, 0, "课程文件夹中缺少 _course.yml",
                                     "每个课程文件夹都要有一个 _course.yml，写明课程名称和课时顺序"
                                     + ("" if lessons else "；不用的空文件夹请删除")))
                continue
            for path in _files(folder, "yaml", problems):
                if path.name == "_course.yml":
                    _try(problems, _load_course, path, folder, problems, corpus)
                else:
                    _try(problems, _load_yaml_doc, path, Lesson, "lesson", problems, corpus)

    plans = root / "plans"
    for path in _files(plans, "yaml", problems):
        _try(problems, _load_yaml_doc, path, PlanTemplate, "plan", problems, corpus)
    try:
        corpus.regulations = load_regulations(plans)
    except GongyuError as exc:
        problems.extend(exc.problems)
    try:
        corpus.policies = load_register(plans)
    except GongyuError as exc:
        problems.extend(exc.problems)
    try:
        corpus.schedule = load_schedule(plans)
    except GongyuError as exc:
        problems.extend(exc.problems)
    for path in _files(plans / "forms", "yaml", problems):
        _try(problems, _load_yaml_doc, path, Form, "form", problems, corpus)

    return corpus


def school_files(root: Path, problems: ProblemList) -> list[Path]:
    """The school profiles of the project at ``root`` (``plans/schools/*.yml``)."""
    return _files(root.resolve() / "plans" / "schools", "yaml", problems)


def _load_course(path: Path, folder: Path, problems: ProblemList, corpus: Corpus) -> None:
    doc, course = remembered(path, shown_path(path), _document, Course)
    if course.id != folder.name:
        problems.add(doc.problem(("id",), f"课程编号“{course.id}”与文件夹名“{folder.name}”不一致",
                                 f"请把文件夹改名为 {course.id}，或把 id 改为 {folder.name}"))
    if _register(corpus, problems, course.id, "course", doc, path):
        corpus.courses[course.id] = course




def read_school(path: Path, corpus: Corpus) -> tuple[School, SourceDoc, list[Problem]]:
    """Read one school profile; the problems are those of its id (already used by another profile)."""
    doc, school = remembered(path, shown_path(path), _document, School)
    problems: list[Problem] = []
    if school.id in corpus.schools and corpus.school_files.get(school.id) != path.resolve():
        problems.append(doc.problem(("id",), f"学校编号“{school.id}”已被 {corpus.school_sources[school.id].path} 使用",
                                    "每所学校的编号必须唯一"))
    return school, doc, problems
