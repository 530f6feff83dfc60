"""The whole corpus: every document loaded, validated and cross-checked before anything renders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import GongyuError, Problem, ProblemList
from .load import SourceDoc, load_front_matter, load_yaml_file, validate
from .models import Article, ArticleMeta, Course, Form, Lesson, PlanTemplate, School
from .calendar.schedule import Schedule, load_schedule
from .regulations import Regulations, load_regulations

if TYPE_CHECKING:
    from .resolve import ResolvedSchool

Kind = Literal["article", "course", "lesson", "plan", "form"]
KIND_NAMES = {"article": "文章", "course": "课程", "lesson": "课时", "plan": "方案", "form": "表格", "school": "学校"}


def shown_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else path.as_posix()


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
    #: The State Council's holiday schedule typed in for years the ``holidays`` package lacks (``plans/data/holidays.yml``).
    schedule: Schedule = field(default_factory=Schedule)
    #: Only plan templates and forms (the set shipped with the package): ``related`` links to
    #: articles and lessons cannot be checked and are not used.
    templates_only: bool = False
    #: Each school profile resolved once (its year, plans and documents), reused by every output.
    resolved: dict[str, ResolvedSchool] = field(default_factory=dict)

    def title_of(self, item_id: str) -> str:
        kind = self.kinds.get(item_id)
        if kind == "article":
            return self.articles[item_id].meta.title
        table = {"course": self.courses, "lesson": self.lessons, "plan": self.plans, "form": self.forms}
        return table[kind][item_id].title if kind else item_id  # type: ignore[attr-defined]

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


def _load_article(path: Path, problems: ProblemList, corpus: Corpus) -> None:
    shown = shown_path(path)
    doc, body, body_line = load_front_matter(path, shown)
    meta = validate(ArticleMeta, doc)
    _expect_stem(doc, meta.id, path, problems, corpus)
    if _register(corpus, problems, meta.id, "article", doc, path):
        corpus.articles[meta.id] = Article(meta=meta, body=body, source=shown, body_line=body_line)


def _try(problems: ProblemList, action, path: Path, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        action(path, *args)
    except GongyuError as exc:
        problems.extend(exc.problems)
        corpus = args[-1]
        corpus.broken.add(path.parent.name if path.name == "_course.yml" else path.stem)


def _load_yaml_doc(path: Path, model, kind: Kind, problems: ProblemList, corpus: Corpus):  # type: ignore[no-untyped-def]
    doc = load_yaml_file(path, shown_path(path))
    item = validate(model, doc)
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


def _listing(folder: Path, problems: ProblemList) -> list[Path]:
    """The entries of ``folder``, sorted; hidden entries (``.x``, macOS ``._x`` on USB sticks) are skipped."""
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        problems.add(Problem(shown_path(folder), 0, 0, f"无法读取文件夹：{exc.strerror or type(exc).__name__}",
                             "请检查文件夹是否存在、是否有读取权限"))
        return []
    return sorted(entry for entry in entries if not entry.name.startswith("."))


def _files(folder: Path, kind: str, problems: ProblemList) -> list[Path]:
    """The files of one kind directly in ``folder``; misnamed ones are reported, not silently skipped."""
    if not folder.is_dir():
        return []
    found = []
    for entry in _listing(folder, problems):
        if not entry.is_file():
            continue
        if entry.suffix in _EXTENSIONS[kind]:
            found.append(entry)
        else:
            problem = _misnamed(entry, kind)
            if problem is not None:
                problems.add(problem)
    return found


def _markdown_files(folder: Path, problems: ProblemList) -> list[Path]:
    """Every Markdown file under ``folder``, depth first in sorted order, hidden folders skipped."""
    found = _files(folder, "markdown", problems)
    for entry in _listing(folder, problems):
        if entry.is_dir() and not entry.is_symlink():
            found.extend(_markdown_files(entry, problems))
    return found


def load_corpus(root: Path, *, schools: bool = True) -> Corpus:
    """Load ``content/``, ``courses/`` and ``plans/`` under ``root``; raise every problem at once."""
    root = root.resolve()
    corpus = Corpus(root=root, templates_only=not (root / "content").is_dir() and not (root / "courses").is_dir())
    problems = ProblemList()

    content = root / "content"
    if content.is_dir():
        for path in sorted(_markdown_files(content, problems)):
            _try(problems, _load_article, path, problems, corpus)

    courses = root / "courses"
    if courses.is_dir():
        for folder in (p for p in _listing(courses, problems) if p.is_dir()):
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
        corpus.schedule = load_schedule(plans)
    except GongyuError as exc:
        problems.extend(exc.problems)
    for path in _files(plans / "forms", "yaml", problems):
        _try(problems, _load_yaml_doc, path, Form, "form", problems, corpus)

    _check_references(corpus, problems)

    if schools:
        for path in _files(plans / "schools", "yaml", problems):
            try:
                load_school(path, corpus)
            except GongyuError as exc:
                problems.extend(exc.problems)
    problems.raise_if_any()
    return corpus


def _load_course(path: Path, folder: Path, problems: ProblemList, corpus: Corpus) -> None:
    doc = load_yaml_file(path, shown_path(path))
    course = validate(Course, doc)
    if course.id != folder.name:
        problems.add(doc.problem(("id",), f"课程编号“{course.id}”与文件夹名“{folder.name}”不一致",
                                 f"请把文件夹改名为 {course.id}，或把 id 改为 {folder.name}"))
    if _register(corpus, problems, course.id, "course", doc, path):
        corpus.courses[course.id] = course


def _check_references(corpus: Corpus, problems: ProblemList) -> None:
    from .wording import check_plan

    def ref(doc: SourceDoc, path: tuple, target: str, allowed: tuple[str, ...], what: str) -> None:
        kind = corpus.kinds.get(target)
        if kind is None and target in corpus.broken:
            return
        if kind is None:
            import difflib

            own = doc.data.get("id") if isinstance(doc.data, dict) else None
            # only ids that would be accepted here, and never the document itself
            candidates = sorted(item for item, k in corpus.kinds.items() if k in allowed and item != own)
            guess = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
            hint = f"您是不是想写“{guess[0]}”？" if guess else "请检查编号是否拼写正确，或先创建它"
            problems.add(doc.problem(path, f"{what}“{target}”不存在", hint))
        elif kind not in allowed:
            names = "、".join(KIND_NAMES[k] for k in allowed)
            problems.add(doc.problem(path, f"“{target}”是{KIND_NAMES[kind]}，这里需要{names}的编号"))

    any_kind = ("article", "course", "lesson", "plan", "form")
    for article_id, article in sorted(corpus.articles.items()):
        doc = corpus.sources[article_id]
        for index, target in enumerate(article.meta.related):
            ref(doc, ("related", index), target, any_kind, "相关内容")

    listed: dict[str, str] = {}
    for course_id, course in sorted(corpus.courses.items()):
        doc = corpus.sources[course_id]
        folder = corpus.files[course_id].parent
        for index, lesson_id in enumerate(course.lessons):
            if lesson_id in listed:
                problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”被列了两次",
                                         "每个课时只能属于一个课程、出现一次"))
                continue
            ref(doc, ("lessons", index), lesson_id, ("lesson",), "课时")
            if corpus.kinds.get(lesson_id) == "lesson":
                if corpus.files[lesson_id].parent != folder:
                    problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”不在本课程的文件夹里",
                                             f"请把 {corpus.sources[lesson_id].path} 移到 {shown_path(folder)}/ 中"))
                listed[lesson_id] = course_id
                corpus.lesson_course[lesson_id] = course_id
    for lesson_id, lesson in sorted(corpus.lessons.items()):
        doc = corpus.sources[lesson_id]
        lesson_file = corpus.files[lesson_id]
        if lesson_id not in listed and lesson_file not in corpus.misnamed and lesson_file.parent.name not in corpus.broken:
            problems.add(doc.problem(("id",), f"课时“{lesson_id}”没有列在所属课程 _course.yml 的 lessons 中",
                                     "请在 _course.yml 的 lessons 列表里加上这个编号"))
        course = corpus.courses.get(listed.get(lesson_id, ""))
        if course is not None and course.kind == "安全教育":
            if lesson.safety_topic is None:
                problems.add(doc.problem(("id",), "安全教育课缺少 safety_topic（安全专题）",
                                         "例如 safety_topic: 防溺水"))
            if not lesson.season:
                problems.add(doc.problem(("id",), "安全教育课缺少 season（适合开课的季节）",
                                         "例如 season: [夏季]，并用 season_note 说明原因"))
        for index, target in enumerate(lesson.related):
            ref(doc, ("related", index), target, any_kind, "相关内容")

    for form_id, form in sorted(corpus.forms.items()):
        if form.variant_of:
            doc = corpus.sources[form_id]
            ref(doc, ("variant_of",), form.variant_of, ("form",), "表格")
            if not (form.stages or form.school_types):
                problems.add(doc.problem(("variant_of",), f"表格“{form_id}”是“{form.variant_of}”的另一个版本，却没有写给哪类学校用",
                                         "请加上 school_types（例如 [幼儿园]）或 stages，并在原表上写 not_for"))

    for plan_id, plan in sorted(corpus.plans.items()):
        doc = corpus.sources[plan_id]
        problems.extend(check_plan(plan, doc))
        for index, target in enumerate(plan.forms):
            ref(doc, ("forms", index), target, ("form",), "表格")
        for index, target in enumerate(plan.related):
            if not corpus.templates_only or target in corpus.kinds:
                ref(doc, ("related", index), target, any_kind, "相关内容")
        seen: dict[str, tuple] = {}

        def unique(item_id: str, path: tuple) -> None:
            if item_id in seen:
                line, _ = doc.where(seen[item_id])
                problems.add(doc.problem(path, f"编号“{item_id}”在本方案中已用过（第 {line} 行）",
                                         "方案内的指标、阶段、事项和经常性工作的编号不能重复"))
            else:
                seen[item_id] = path

        for index, target in enumerate(plan.targets):
            unique(target.id, ("targets", index, "id"))
        for p_index, phase in enumerate(plan.phases):
            unique(phase.id, ("phases", p_index, "id"))
            for e_index, event in enumerate(phase.events):
                unique(event.id, ("phases", p_index, "events", e_index, "id"))
                if event.form:
                    ref(doc, ("phases", p_index, "events", e_index, "form"), event.form, ("form",), "表格")
        for e_index, event in enumerate(plan.events):
            unique(event.id, ("events", e_index, "id"))
            if event.form:
                ref(doc, ("events", e_index, "form"), event.form, ("form",), "表格")
        for d_index, duty in enumerate(plan.duties):
            unique(duty.id, ("duties", d_index, "id"))
            if duty.form:
                ref(doc, ("duties", d_index, "form"), duty.form, ("form",), "表格")


def load_school(path: Path, corpus: Corpus) -> School:
    """Load one school profile and check it against ``corpus``; it is also added to ``corpus.schools``."""
    from .resolve import resolve_school

    doc = load_yaml_file(path, shown_path(path))
    school = validate(School, doc)
    problems: list[Problem] = []
    if school.id in corpus.schools and corpus.school_files.get(school.id) != path.resolve():
        problems.append(doc.problem(("id",), f"学校编号“{school.id}”已被 {corpus.school_sources[school.id].path} 使用",
                                    "每所学校的编号必须唯一"))
    try:
        corpus.resolved[school.id] = resolve_school(school, corpus, doc=doc)
    except GongyuError as exc:
        problems += exc.problems
    if problems:
        raise GongyuError(problems)
    corpus.schools[school.id] = school
    corpus.school_sources[school.id] = doc
    corpus.school_files[school.id] = path.resolve()
    return school
