"""Reading a posted school form with the Excel reader's cell rules, and showing a profile in the form.

A submitted form is read field by field with the same functions as a sheet row
(``generator.xlsx.cells``), validated with :func:`generator.load.validate` and checked with
:func:`generator.check.profile.profile_problems`, so a principal sees the message the command line
gives, placed beside the field it is about (:class:`generator.web.fields.FormDoc`).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import GongyuError, Problem
from ..models.school import SCHOOL_TYPES, School
from ..xlsx.cells import cell_date, cell_int, cell_people, cell_plain, cell_text, cell_type, cell_year, set_path, split_titles
from ..xlsx.columns import SPLIT
from .fields import ADOPTION_FIELDS, DAY_FIELDS, GENERAL, MAX_DAYS, PRESERVED, SPARE_DAYS, FormDoc, _number, school_fields

if typing.TYPE_CHECKING:
    from ..load.corpus import Corpus


@dataclass
class Submission:
    """What a posted form became: the profile data, its document for messages, and the problems."""

    data: dict[str, Any]
    doc: FormDoc
    problems: list[Problem] = field(default_factory=list)
    school: School | None = None


def _lines(text: str) -> list[str]:
    return [part for part in SPLIT.split(text) if part]


@dataclass
class _Reading:
    """What reading a form collects: the profile data, the field each value came from, labels, problems."""

    data: dict[str, Any]
    where: dict[tuple[Any, ...], str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=lambda: {GENERAL: "整张表"})
    problems: list[Problem] = field(default_factory=list)

    def bad(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(key, 0, 0, message, hint))


def read_form(form: Mapping[str, Any], school_id: str, corpus: Corpus, saved: dict[str, Any] | None = None) -> Submission:
    """Read a posted form (``form.get``/``getlist``) into a checked profile for ``school_id``.

    ``saved`` is the profile saved before (fields the form does not show are kept from it).
    Problems are located by field; the profile is valid only when there are none.
    """
    getlist = getattr(form, "getlist", lambda key: [form[key]] if key in form else [])
    reading = _Reading({"id": school_id})
    first_year = _read_fields(form, reading)
    _read_days(form, reading, first_year)
    _read_plans(form, getlist, reading, corpus, saved, first_year)

    data, problems = reading.data, reading.problems
    doc = FormDoc(data, reading.where, reading.labels)
    submission = Submission(data, doc, sorted(problems))
    if problems:
        return submission
    from ..check.profile import profile_problems
    from ..load import validate

    try:
        school = validate(School, doc)
        more = profile_problems(school, doc, corpus)
        if more:
            raise GongyuError(more)
    except GongyuError as exc:
        submission.problems = list(exc.problems)
        return submission
    submission.school = school
    return submission


def _read_fields(form: Mapping[str, Any], reading: _Reading) -> int | None:
    """The profile's own fields; returns the school year's first year (``None`` when not given)."""
    data, where, bad = reading.data, reading.where, reading.bad
    fields = school_fields()
    for spec in fields:
        where[spec.path] = spec.key
        reading.labels[spec.key] = spec.label
    # the school year first: a date written without its year (“9月1日”) takes it from there
    first_year = None
    for spec in fields:
        raw = form.get(spec.key)
        text = cell_text(raw)
        if spec.kind != "people" and text == "":
            if spec.required:
                bad(spec.key, f"“{spec.label}”不能为空", spec.help)
            continue
        try:
            if spec.kind == "date":
                set_path(data, spec.path, cell_date(text, _year_of(spec.path, first_year)))
            elif spec.kind == "int":
                set_path(data, spec.path, cell_int(cell_plain(text)))
            elif spec.kind == "year":
                set_path(data, spec.path, cell_year(text))
                first_year = int(data["year"][:4])
            elif spec.kind == "list":
                set_path(data, spec.path, _lines(text))
            elif spec.kind == "titles":
                found = split_titles(text)
                set_path(data, spec.path, found)
                for i in range(len(found)):
                    where[(*spec.path, i)] = spec.key
            elif spec.kind == "people":
                people = data.setdefault("people", {})
                for post, name in cell_people(raw or "").items():
                    people.setdefault(post, name)
                    where[("people", post)] = spec.key
            elif spec.path == ("type",):
                set_path(data, spec.path, cell_type(text, SCHOOL_TYPES))
            else:
                set_path(data, spec.path, text)
        except ValueError as exc:
            bad(spec.key, f"{spec.label}：{exc}", spec.help)
    if "students" in data and "total" not in data["students"]:
        bad("students.total", "写了学生人数但缺少“在校生人数”", "请填写在校生总数")
    return first_year


def _read_days(form: Mapping[str, Any], reading: _Reading, first_year: int | None) -> None:
    """The school's own days: rows of date / to / name / type; a blank row is no row."""
    days: list[dict[str, Any]] = []
    reading.where[("calendar", "days")] = "days"
    reading.labels["days"] = "本校自己的日子"
    for row in range(MAX_DAYS + SPARE_DAYS):
        values = {name: cell_text(form.get(f"days.{row}.{name}")) for name, *_ in DAY_FIELDS}
        if not any(v for k, v in values.items() if k != "type"):
            continue
        day: dict[str, Any] = {}
        key = f"days.{row}"
        reading.labels[key] = f"本校自己的日子第{len(days) + 1}行"
        reading.where[("calendar", "days", len(days))] = key
        for name, label, kind, _options in DAY_FIELDS:
            if values[name] == "":
                continue
            try:
                day[name] = cell_date(values[name], _any_year(first_year)) if kind == "date" else values[name]
            except ValueError as exc:
                reading.bad(key, f"{label}：{exc}")
        days.append(day)
    if days:
        reading.data.setdefault("calendar", {})["days"] = days


def _read_plans(form: Mapping[str, Any], getlist: Any, reading: _Reading, corpus: Corpus,
                saved: dict[str, Any] | None, first_year: int | None) -> None:
    """The plans: a checkbox per template, each with its own options."""
    chosen = [p for p in getlist("plans") if p in corpus.plans]
    reading.where[("plans",)] = "plans"
    reading.labels["plans"] = "采用方案"
    previous = {a.get("plan"): a for a in (saved or {}).get("plans", [])}
    adoptions = []
    for index, plan_id in enumerate(chosen):
        prefix = f"plan.{plan_id}"
        reading.where[("plans", index)] = prefix
        reading.labels[prefix] = corpus.plans[plan_id].title
        adoption = _read_options(form, reading, plan_id, index, first_year)
        skip = [s for s in getlist(f"{prefix}.skip") if s]
        if skip:
            adoption["skip"] = skip
            reading.where[("plans", index, "skip")] = f"{prefix}.skip"
        targets = _read_targets(form, reading, corpus, plan_id, index)
        if targets:
            adoption["targets"] = targets
        kept = previous.get(plan_id, {})
        for name, _value in kept.items():
            if ("plans", "*", name) in PRESERVED and kept.get(name):
                adoption[name] = kept[name]
        adoptions.append(adoption)
    if not chosen:
        reading.bad("plans", "“采用方案”不能为空", "请至少勾选一份方案")
    reading.data["plans"] = adoptions


def _read_options(form: Mapping[str, Any], reading: _Reading, plan_id: str, index: int,
                  first_year: int | None) -> dict[str, Any]:
    """An adopted plan's own options (title, issue date, group, legal basis) as an adoption."""
    prefix = f"plan.{plan_id}"
    adoption: dict[str, Any] = {"plan": plan_id}
    for name, label, _help, kind in ADOPTION_FIELDS:
        key = f"{prefix}.{name}"
        reading.where[("plans", index, name)] = key
        reading.labels[key] = label
        raw = form.get(key)
        text = cell_text(raw)
        if not text:
            continue
        try:
            if kind == "date":
                adoption[name] = cell_date(text, _any_year(first_year))
            elif kind == "titles":
                adoption[name] = [t for t in (line.strip() for line in str(raw).splitlines()) if t]
            elif kind == "people":
                adoption[name] = {role: _lines(names) for role, names in cell_people(raw).items()}
            else:
                adoption[name] = text
        except ValueError as exc:
            reading.bad(key, f"{label}：{exc}")
    return adoption


def _read_targets(form: Mapping[str, Any], reading: _Reading, corpus: Corpus, plan_id: str,
                  index: int) -> dict[str, float]:
    """The targets a school changed from the template's values (a value left as it is, is not kept)."""
    prefix = f"plan.{plan_id}"
    targets: dict[str, float] = {}
    defaults = {t.id: t.value for t in corpus.plans[plan_id].targets}
    for target_id, default in defaults.items():
        key = f"{prefix}.target.{target_id}"
        reading.where[("plans", index, "targets", target_id)] = key
        reading.labels[key] = target_id
        text = cell_plain(form.get(key))
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            reading.bad(key, f"指标“{target_id}”：“{text}”不是数字", "请只写数字，例如 0.5")
            continue
        if value != default:
            targets[target_id] = value
    return targets


def _year_of(path: tuple[str, ...], first: int | None) -> Any:
    if first is None:
        return None
    if path[-1] == "autumn_start":
        return lambda month: first
    if path[-1] == "autumn_end":
        return lambda month: first if month >= 7 else first + 1
    return lambda month: first + 1


def _any_year(first: int | None) -> Any:
    """A month of the school year: August to December in the first year, the rest in the second."""
    if first is None:
        return None
    return lambda month: first if month >= 8 else first + 1


def form_values(profile: dict[str, Any] | None) -> dict[str, Any]:
    """A saved profile (model JSON) as the form's values, for showing it again."""
    values: dict[str, Any] = {}
    if not profile:
        return values
    for spec in school_fields():
        node: Any = profile
        for part in spec.path:
            node = node.get(part) if isinstance(node, dict) else None
        if spec.kind == "people":
            posts = {f.path[1] for f in school_fields() if f.path[0] == "people"}
            node = "\n".join(f"{post}：{name}" for post, name in (profile.get("people") or {}).items()
                             if post not in posts)
        if node is None:
            continue
        if isinstance(node, list):
            node = "\n".join(str(v) for v in node) if spec.kind == "titles" else "、".join(str(v) for v in node)
        values[spec.key] = str(node)
    for row, day in enumerate((profile.get("calendar") or {}).get("days") or []):
        for name, *_ in DAY_FIELDS:
            if day.get(name) is not None:
                values[f"days.{row}.{name}"] = str(day[name])
    plans = []
    for adoption in profile.get("plans") or []:
        prefix = f"plan.{adoption['plan']}"
        plans.append(adoption["plan"])
        for name, _label, _help, kind in ADOPTION_FIELDS:
            value = adoption.get(name)
            if not value:
                continue
            if kind == "people":
                value = "\n".join(f"{role}：{'、'.join(names)}" for role, names in value.items())
            elif kind == "titles":
                value = "\n".join(value)
            values[f"{prefix}.{name}"] = str(value)
        values[f"{prefix}.skip"] = list(adoption.get("skip") or [])
        for target_id, value in (adoption.get("targets") or {}).items():
            values[f"{prefix}.target.{target_id}"] = _number(value)
    values["plans"] = plans
    return values
