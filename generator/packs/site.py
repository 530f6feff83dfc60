"""The site's downloads: the example schools' packs and every plan template as a blank draft."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..base import urls
from ..base.memo import LatestMemo
from ..errors import GongyuError, Problem
from ..models.download import Download

if TYPE_CHECKING:
    from ..load.corpus import Corpus
    from ..models.school import School
    from ..resolve.school import ResolvedSchool
    from ..write.cache import Cache
from .pack import Rendered, pack_files, resolve_profile, zip_files

#: The example packs' documents as last rendered in this process (`gongyu serve`: a plan edit renders that plan's files only).
_RENDERED = Rendered()
#: Each example pack's and each plan draft's downloads, kept while what their cache keys are made of is
#: the same: `gongyu serve` rebuilds after every save, and the keys (JSON of every plan) cost more than the rest.
_KEPT: LatestMemo[tuple[Download, ...]] = LatestMemo()


def site_downloads(corpus: Corpus, cache: Cache, resolved: Mapping[str, ResolvedSchool] | None = None) -> list[Download]:
    """Downloads for the site: each example school's pack as a zip, each plan template as blank Word/PDF.

    Each example school's pack is built in memory and zipped to ``packs/<school-id>.zip``; every
    plan template gives ``plans/<plan-id>/<plan-id>-draft.docx`` and ``.pdf`` with ____ blanks.
    Objects come from ``cache`` unless their inputs or the code changed; ``resolved`` holds the
    schools already resolved while the corpus was checked. An example school that cannot be built
    fails the site build (with every problem located).
    """
    from .stamp import use_cache

    use_cache(cache.folder)  # the example packs' blank forms: laid out once, kept with the site's objects

    downloads: list[Download] = []
    problems: list[Problem] = []
    forms_json: dict[str, Any] = {}
    for school_id in sorted(corpus.schools):
        school = corpus.schools[school_id]
        inputs = (school, tuple(corpus.plans.get(a.plan) for a in school.plans), corpus.forms, corpus.regulations,
                  corpus.schedule, corpus.policies)
        try:
            downloads += cache.kept(_KEPT, ("pack", school_id), inputs,
                                    functools.partial(_example_pack, school, corpus, cache, resolved, forms_json))
        except GongyuError as exc:
            problems.extend(exc.problems)
    for plan_id in sorted(corpus.plans):
        plan = corpus.plans[plan_id]
        titles = {f: corpus.forms[f].title for f in plan.forms if f in corpus.forms}
        downloads += cache.kept(_KEPT, ("plan", plan_id), (plan, titles, corpus.policies),
                                functools.partial(_plan_drafts, plan, titles, corpus, cache))
    if problems:
        raise GongyuError(problems)
    return sorted(downloads)


def _example_pack(school: School, corpus: Corpus, cache: Cache, resolved: Mapping[str, ResolvedSchool] | None,
                  forms_json: dict[str, Any]) -> tuple[Download, ...]:
    """An example school's pack as a zip in ``cache`` (``forms_json``: every form as JSON, filled on first use)."""
    if not forms_json:
        forms_json.update({k: v.model_dump(mode="json") for k, v in sorted(corpus.forms.items())})
    plans_json = {a.plan: corpus.plans[a.plan].model_dump(mode="json") for a in school.plans if a.plan in corpus.plans}

    def make() -> bytes:
        content = pack_files(resolve_profile(school, corpus, known=(resolved or {}).get(school.id)), corpus,
                             rendered=_RENDERED)
        return zip_files(content.files, school.id)

    path = cache.get(".zip", ["pack", school.model_dump(mode="json"), plans_json, forms_json,
                              corpus.regulations.digest(), corpus.schedule.digest(), corpus.policies.digest()], make)
    return (Download(owner=school.id, uri=urls.school_pack(school.id), label="学校方案包（zip）", kind="pack-zip",
                     path=path),)


def _plan_drafts(plan: Any, titles: dict[str, str], corpus: Corpus, cache: Cache) -> tuple[Download, ...]:
    """A plan template as blank Word and PDF drafts in ``cache``."""
    from ..render.docx.gbt import render_docx, template_document
    from ..render.pdf.plan import render_pdf

    inputs = [plan.model_dump(mode="json"), titles, corpus.policies.digest()]
    document = None

    def doc_for() -> Any:
        nonlocal document
        if document is None:
            document = template_document(plan, corpus)
        return document

    docx_path = cache.get(".docx", ["plan-draft-docx", *inputs], lambda: render_docx(doc_for()))
    pdf_path = cache.get(".pdf", ["plan-draft-pdf", *inputs], lambda: render_pdf(doc_for()))
    return (Download(owner=plan.id, uri=urls.plan_draft(plan.id, ".docx"), label="Word 模板（空白）", kind="plan-docx",
                     path=docx_path),
            Download(owner=plan.id, uri=urls.plan_draft(plan.id, ".pdf"), label="PDF 模板（空白）", kind="plan-pdf",
                     path=pdf_path))


