"""The one sequence every command runs: load → check → resolve → render → write.

``gongyu check``, ``build``, ``serve``, ``print``, ``school build`` (one school or a batch), the
MkDocs plugin and, later, ``gongyu web`` enter here; each stage is a folder of the package and
imports only the stages before it (see ARCHITECTURE.md)::

    corpus = load_corpus(root)                      # load + check: every problem at once
    resolved = resolve_school(corpus, school)       # one immutable value per school
    content = render_pack(resolved, corpus)         # file name → bytes, in memory
    folder = write_pack(content, out_root)          # one atomic swap

The corpus is a value handed from stage to stage. Two memos make a reload cheap, and what a call
returns is the same as without them: the load stage keeps each file's parsed, frozen result while its
bytes are the same (:mod:`generator.load.memo`), and a school profile is resolved again only when it or
what resolving reads has changed (``_RESOLVED``). Between processes, :func:`load_templates` keeps a
clean read of ``plans/`` in the cache folder (:mod:`generator.write.snapshot`): a new ``gongyu school
build`` reads it back while nothing it was read from has changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .base.clock import current as current_date
from .base.clock import school_year_in_progress
from .base.memo import LatestMemo
from .check.citations import check_citations
from .check.references import check_references
from .errors import GongyuError, ProblemList
from .load.corpus import Corpus, read_corpus, read_school, school_files
from .load.memo import reading
from .load.source import SourceDoc
from .models.school import School
from .packs.pack import PackContent, pack_files
from .packs.pack import write_pack as _write_pack_folder
from .resolve import school as resolving
from .resolve.school import ResolvedSchool
from .schoolcal import daysoff

__all__ = ["Checked", "Corpus", "PackContent", "ResolvedSchool", "check", "load_checked", "load_corpus", "load_school",
           "load_templates", "render_pack", "resolve_school", "write_pack"]


@dataclass(frozen=True)
class Checked:
    """A project read and checked: its corpus, and each school profile of ``plans/schools/`` resolved once."""

    corpus: Corpus
    schools: Mapping[str, ResolvedSchool] = field(default_factory=dict)


def check(corpus: Corpus, problems: ProblemList) -> None:
    """The check stage: references between documents, course listings and every plan's placeholders."""
    check_references(corpus, problems)


def load_corpus(root: Path, *, schools: bool = True, templates: bool = False) -> Corpus:
    """Read and check ``content/``, ``courses/`` and ``plans/`` under ``root``; raise every problem at once.

    With ``schools`` the profiles in ``plans/schools/`` are read too, and each is resolved once to
    be sure it can be built (the same problems as ``gongyu school build``). With ``templates`` only
    ``plans/`` is read and checked (what school packs are made of), not the site's articles and courses.
    """
    return load_checked(root, schools=schools, templates=templates).corpus


def load_templates(root: Path, *, cache: Path | None) -> Corpus:
    """:func:`load_corpus` of ``plans/`` only, without the school profiles (what a school pack is made of),
    kept in the cache folder ``cache`` so that a new process does not read the same files again
    (:mod:`generator.write.snapshot`); ``cache`` None: read every time. The same value, the same problems."""
    from .write import snapshot
    from .write.cache import code_digest

    root = Path(root).resolve()

    def key(seen: Mapping[Path, bytes] | None = None) -> str:
        # the code and library versions (``holidays`` included: see _likely_schedules), not the fonts: they
        # play no part in reading, and the fonts' fingerprint is taken once per process, after ``--fonts``
        return snapshot.snapshot_key(root, code_digest(), current_date().day(), seen=seen)

    if cache is None:
        return load_corpus(root, schools=False, templates=True)
    before = key()
    kept = snapshot.stored(cache, root, before)
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], Corpus):
        daysoff.remember(kept[1])
        return kept[0]
    with reading(root) as session:  # the same read load_corpus makes, its digests kept for the check below
        corpus = load_corpus(root, schools=False, templates=True)
    # stored only if the bytes it was read from are those the key was made of: a file saved while it was
    # read (even one saved back at once) must not be kept under the key of the other bytes
    if key(session.digests) == before:
        snapshot.store(cache, root, before, corpus, _likely_schedules(corpus))
    return corpus


def _likely_schedules(corpus: Corpus) -> daysoff.Known:
    """The official days off of the school years a pack made today is likely for (the one in progress,
    the one before and the next), kept with the templates: a school build that finds its year there
    need not import the ``holidays`` package."""
    year = school_year_in_progress()
    found: daysoff.Known = {}
    for first in (year - 1, year, year + 1):
        years = (first, first + 1)
        found[(years, corpus.schedule)] = daysoff.official(years, corpus.schedule)
    return found


def load_checked(root: Path, *, schools: bool = True, templates: bool = False) -> Checked:
    """:func:`load_corpus`, keeping each school profile's resolved value for the outputs that need it.

    Files unchanged since the last call in this process are not parsed again (:mod:`generator.load.memo`).
    """
    with reading(Path(root).resolve()):
        return _load_checked(root, schools=schools, templates=templates)


def _load_checked(root: Path, *, schools: bool, templates: bool = False) -> Checked:
    problems = ProblemList()
    corpus = read_corpus(root, problems, templates=templates)
    check(corpus, problems)
    resolved: dict[str, ResolvedSchool] = {}
    if schools:
        for path in school_files(corpus.root, problems):
            try:
                value = _load_school(path, corpus)
            except GongyuError as exc:
                problems.extend(exc.problems)
            else:
                resolved[value.school.id] = value
    check_cited_documents(corpus, problems)
    problems.raise_if_any()
    return Checked(corpus, resolved)


def check_cited_documents(corpus: Corpus, problems: ProblemList) -> None:
    """Documents cited in text are in the register and in force for the school years a build makes: the
    year in progress (the site) and every school profile's year; the latest is checked, since a document
    stale for an earlier year is stale for a later one too."""
    year = max([school_year_in_progress(), *(school.first_year for school in corpus.schools.values())])
    problems.extend(check_citations(corpus, year))


def load_school(path: Path, corpus: Corpus) -> School:
    """Read one school profile and check it against ``corpus`` by resolving it; add it to ``corpus.schools``."""
    return _load_school(path, corpus).school


#: Each school profile's resolved value, kept while the profile's bytes and what resolving reads of the
#: corpus stay the same: `gongyu serve` rebuilds after every save and the example schools rarely change.
_RESOLVED: LatestMemo[ResolvedSchool] = LatestMemo()


def _load_school(path: Path, corpus: Corpus) -> ResolvedSchool:
    school, doc, problems = read_school(path, corpus)
    resolved = None
    inputs = (_bytes_of(path), school, corpus.plans, corpus.forms, corpus.policies, corpus.regulations, corpus.schedule,
              frozenset(corpus.broken), current_date().day())
    try:
        resolved = _RESOLVED.get(path.resolve(), inputs, lambda: resolving.resolve_school(school, corpus, doc=doc))
    except GongyuError as exc:
        problems += exc.problems
    if problems or resolved is None:
        raise GongyuError(problems)
    corpus.add_school(school, doc, path)
    return resolved


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def resolve_school(corpus: Corpus, school: School, *, draft: bool = False,
                   doc: SourceDoc | None = None) -> ResolvedSchool:
    """The resolve stage for one school: its year, every adopted plan placed in it, each plan's document.

    ``doc`` locates its problems (default: the profile file it was loaded from; the web form passes its own).
    """
    source = doc if doc is not None else corpus.school_sources.get(school.id)
    return resolving.resolve_school(school, corpus, doc=source, draft=draft)


def render_pack(resolved: ResolvedSchool, corpus: Corpus, *, pdf: bool = True, forms: bool = True) -> PackContent:
    """The render stage for one school: every file of its pack as bytes, in memory."""
    return pack_files(resolved, corpus, pdf=pdf, forms=forms)


def write_pack(content: PackContent, out_root: Path) -> Path:
    """The write stage for one school: its pack folder under ``out_root``, replaced in one atomic swap."""
    return _write_pack_folder(content, Path(out_root))


def warm_up_pdf(font_dirs: tuple[Path, ...] = ()) -> Callable[[], None]:
    """Start warming the PDF engine on a thread of its own; return the function that waits for it.

    For a command about to render one school's pack in this process: Typst's first plan costs
    ~0.3 s more than the next, and it compiles outside Python's lock, so that time passes while
    this thread reads the templates and resolves the school. Best effort: no CJK font, or any
    other failure, is left for the render itself to report.
    """
    import contextlib
    import threading

    from .base.fonts import find_fonts
    from .render.pdf.plan import warm_up

    def warm() -> None:
        with contextlib.suppress(Exception):  # the real render reports whatever this met
            warm_up()

    try:
        find_fonts(dirs=font_dirs)
    except GongyuError:
        return lambda: None
    thread = threading.Thread(target=warm, name="gongyu-warm-up", daemon=True)
    thread.start()
    return thread.join
