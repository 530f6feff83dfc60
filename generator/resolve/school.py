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
from ..models.plan import applies
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
                                    adoption_index=index, stages=school.fit)
            resolved = localise_plan(resolved, Wording.for_school(school, corpus.regulations, adoption))
            resolved = fitting_forms(resolved, corpus, school)
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


def fitting_forms(resolved: ResolvedPlan, corpus: Corpus, school: School) -> ResolvedPlan:
    """``resolved`` without the forms that do not fit the school (a 作业 record for a kindergarten)."""
    import dataclasses

    def fits(form_id: str | None) -> bool:
        form = corpus.forms.get(form_id) if form_id else None
        return form is None or applies(form, school.fit)

    def chosen(form_id: str | None) -> str | None:
        """The form itself, its variant for this school (``variant_of``), or None."""
        if fits(form_id):
            return form_id
        return next((f.id for f in corpus.forms.values() if f.variant_of == form_id and applies(f, school.fit)), None)

    plan = resolved.plan
    if all(fits(f) for f in resolved.form_ids()):
        return resolved
    forms: list[str] = []
    for form_id in plan.forms:
        choice = chosen(form_id)
        if choice is not None and choice not in forms:
            forms.append(choice)
    plan = plan.model_copy(update={"forms": forms})

    def strip(items: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(item if fits(item.form) else dataclasses.replace(item, form=chosen(item.form)) for item in items)

    return dataclasses.replace(resolved, plan=plan, events=strip(resolved.events), duties=strip(resolved.duties))
