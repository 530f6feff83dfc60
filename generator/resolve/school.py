"""Resolving a school: its profile checked against the templates, its year, plans and documents.

This is the *resolve* stage of the pipeline (read → check → resolve → render → write). A
:class:`ResolvedSchool` is made once per school and profile and reused by every output: the
example packs of the site, ``gongyu school build`` and ``gongyu check``, which therefore fail on
exactly the same problems. Rendering (Word, PDF, iCalendar, 行事历) only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..check.profile import profile_problems
from ..errors import GongyuError
from ..load import SourceDoc
from ..schoolcal import SchoolYear, resolve_plan
from .content import plan_document
from .document import GbtDocument
from .wording import Wording, localise_plan

if TYPE_CHECKING:
    from ..load.corpus import Corpus
    from ..models.school import School
    from ..schoolcal import ResolvedPlan


class _Unlocated(SourceDoc):
    """A profile with no source file (built in code): problems name the school id only."""

    def where(self, path: Any, *, key: bool = False) -> tuple[int, int]:
        return 0, 0


@dataclass(frozen=True)
class ResolvedSchool:
    """A school ready to render: every adopted plan placed in its year, with its GB/T document."""

    school: School
    doc: SourceDoc
    year: SchoolYear
    plans: tuple[ResolvedPlan, ...]
    documents: tuple[GbtDocument, ...]  # per plan, same order
    draft: bool = False

    def form_ids(self, corpus: Corpus) -> list[str]:
        """The forms the adopted plans call for, in plan order, without repeats."""
        found: list[str] = []
        for resolved in self.plans:
            for form_id in resolved.form_ids():
                if form_id not in found and form_id in corpus.forms:
                    found.append(form_id)
        return found


def resolve_school(school: School, corpus: Corpus, *, doc: SourceDoc | None = None,
                   draft: bool = False) -> ResolvedSchool:
    """Check ``school`` against ``corpus`` and place every adopted plan in its year.

    Every problem (calendar, unknown plans or items, impossible dates, missing people unless
    ``draft``) is raised together in one :class:`GongyuError`, located in ``doc``.
    """
    doc = doc if doc is not None else _Unlocated(path=school.id, data={})
    problems = profile_problems(school, doc, corpus)
    if problems:
        raise GongyuError(problems)
    year = SchoolYear.for_school(school, doc, corpus.schedule)
    plans: list[ResolvedPlan] = []
    documents: list[GbtDocument] = []
    for index, adoption in enumerate(school.plans):
        plan = corpus.plans.get(adoption.plan)
        if plan is None:  # a template that failed to load: its problems are reported with it
            continue
        try:
            resolved = resolve_plan(plan, year, adoption, plan_doc=corpus.sources.get(plan.id), school_doc=doc,
                                    adoption_index=index, stages=school.stages)
            resolved = localise_plan(resolved, Wording.for_school(school, corpus.regulations, adoption))
            document = plan_document(resolved, corpus, school=school, adoption=adoption, draft=draft,
                                     school_doc=doc, adoption_index=index)
        except GongyuError as exc:
            problems.extend(exc.problems)
            continue
        plans.append(resolved)
        documents.append(document)
    if problems:
        raise GongyuError(problems)
    return ResolvedSchool(school, doc, year, tuple(plans), tuple(documents), draft)
