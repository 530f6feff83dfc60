"""A school's web form, generated from the profile model and read back with the Excel reader's cell rules.

One source of truth: the fields come from :class:`generator.models.school.School` (its nested models,
types and ``Literal`` choices), labelled with the Excel columns' headers and help
(:data:`generator.xlsx.columns.COLUMNS`) where a column exists, else with the model's own Chinese
description. A submitted form is read cell by cell with the same functions as a sheet row
(``generator.xlsx.cells``), validated with :func:`generator.load.validate` and checked with
:func:`generator.resolve.profile_problems`, so a principal sees the message the command line gives,
placed beside the field it is about.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from ..errors import GongyuError, Problem
from ..load import SourceDoc
from ..models.school import SCHOOL_TYPES, Adoption, CalendarDates, OwnDay, School
from ..xlsx.cells import (cell_date, cell_id, cell_int, cell_people, cell_plain, cell_text, cell_type, cell_year,
                          set_path, split_titles)
from ..xlsx.columns import COLUMNS, OTHER_PEOPLE, SPLIT, Column

if typing.TYPE_CHECKING:
    from ..load.corpus import Corpus

FieldKind = Literal["text", "textarea", "date", "int", "year", "select", "list", "titles", "people"]

#: Where a problem with no field of its own is shown (top of the form).
GENERAL = "_general"
#: Model fields the form leaves as they are: the id is the county's (it names the pack), and
#: date rules of single events are written by the county in YAML if at all.
PRESERVED: frozenset[tuple[str, ...]] = frozenset({("id",), ("plans", "*", "events")})
#: Blank rows offered for the school's own days (no JavaScript: more appear after each save).
SPARE_DAYS = 3
#: The school's own days, at most (a form is no place for hundreds).
MAX_DAYS = 60

_SECTIONS = {"name": "学校", "type": "学校", "place": "学校", "authority": "学校", "year": "学校", "phone": "学校",
             "note": "学校", "calendar": "校历", "people": "人员", "departments": "人员", "regulations": "本地文件",
             "students": "学生人数", "plans": "采用方案"}
SECTION_ORDER = ("学校", "校历", "人员", "学生人数", "本地文件")


@dataclass(frozen=True)
class FormField:
    """One input of the form: its HTML name, the profile path it fills, its Chinese label and how it is read."""

    key: str
    path: tuple[str, ...]
    label: str
    help: str
    kind: FieldKind
    section: str
    required: bool = False
    options: tuple[str, ...] = ()


def _label_of(description: str | None, fallback: str) -> tuple[str, str]:
    """A short label and the help text from a model field's Chinese description."""
    if not description:
        return fallback, ""
    cut = min((i for i in (description.find("（"), description.find("，"), description.find("、"),
                           description.find("：")) if i > 0), default=len(description))
    return description[:cut], description


def _column(path: tuple[str, ...]) -> Column | None:
    for column in COLUMNS:
        if column.path == path and column.kind != "people":
            return column
    return None


def _kind_of(annotation: Any) -> tuple[FieldKind, tuple[str, ...]]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind_of(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        return _kind_of(args[0])
    if origin is Literal:
        return "select", tuple(str(a) for a in typing.get_args(annotation))
    if origin is list:
        return "list", ()
    if annotation is dt.date:
        return "date", ()
    if annotation is int:
        return "int", ()
    return "text", ()


def _leaves(model: type[BaseModel], base: tuple[str, ...]) -> list[FormField]:
    fields: list[FormField] = []
    for name, info in model.model_fields.items():
        path = (*base, name)
        if path in PRESERVED or path in (("plans",), ("people",), ("calendar", "days")):
            continue
        inner = [a for a in (info.annotation, *typing.get_args(info.annotation))
                 if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            fields += _leaves(inner[0], path)
            continue
        column = _column(path)
        kind, options = _kind_of(info.annotation)
        if column is not None:
            label, help_text = column.header, column.help
            kind = {"titles": "titles", "year": "year", "list": "list"}.get(column.kind, kind)
            required = column.required
        else:
            label, help_text = _label_of(info.description, name)
            required = info.is_required()
        if path == ("type",):
            options = SCHOOL_TYPES
        if path == ("note",):
            kind = "textarea"
        fields.append(FormField(".".join(path), path, label, help_text, kind, _SECTIONS[path[0]], required, options))
    return fields


def _people_fields() -> list[FormField]:
    fields = [FormField(f"people.{c.path[1]}", c.path, c.header, c.help, "text", "人员")
              for c in COLUMNS if c.kind == "post"]
    other = next(c for c in COLUMNS if c.kind == "people")
    fields.append(FormField(f"people.{OTHER_PEOPLE}", ("people", OTHER_PEOPLE), other.header,
                            other.help.replace("多个用分号隔开", "一行一个"), "people", "人员"))
    return fields


def school_fields() -> list[FormField]:
    """Every plain field of the form, in the model's order, people after the calendar."""
    fields = _leaves(School, ())
    people_at = next(i for i, f in enumerate(fields) if f.path[0] == "departments")
    fields[people_at:people_at] = _people_fields()
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    return sorted(fields, key=lambda f: order[f.section])  # stable: the model's order within a section


#: The fields of one of the school's own days (``OwnDay``), labelled from the model.
DAY_FIELDS: tuple[tuple[str, str, FieldKind, tuple[str, ...]], ...] = tuple(
    (name, _label_of(info.description, name)[0], *_kind_of(info.annotation)) for name, info in OwnDay.model_fields.items())
DAYS_LABEL = _label_of(CalendarDates.model_fields["days"].description, "days")[1]


@dataclass(frozen=True)
class PlanChoice:
    """A plan template the school may adopt, with what its options can name."""

    id: str
    title: str
    summary: str
    targets: tuple[tuple[str, str, str], ...]  # id, label, default value
    items: tuple[tuple[str, str], ...]  # skippable ids and their names
    roles: tuple[str, ...]


#: Adoption options shown for each plan (model field → form kind); ``plan`` is the checkbox itself.
ADOPTION_FIELDS: tuple[tuple[str, str, str, FieldKind], ...] = tuple(
    (name, *_label_of(info.description, name), kind) for name, info, kind in (
        (n, Adoption.model_fields[n], k) for n, k in (("title", "text"), ("issue_date", "date"), ("group", "people"),
                                                       ("legal_basis", "titles"))))


def plan_choices(corpus: Corpus, school_type: str | None = None) -> list[PlanChoice]:
    """The corpus's plan templates in id order, with targets, skippable items and group roles."""
    from ..check.profile import plan_item_ids

    choices = []
    for plan_id in sorted(corpus.plans):
        plan = corpus.plans[plan_id]
        names: dict[str, str] = {}
        for phase in plan.phases:
            names[phase.id] = f"阶段：{phase.name}"
            for event in phase.events:
                names[event.id] = event.title
        for event in plan.events:
            names[event.id] = event.title
        for duty in plan.duties:
            names[duty.id] = duty.title
        items = tuple((i, names.get(i, i)) for i in sorted(plan_item_ids(plan), key=lambda i: list(names).index(i)
                                                             if i in names else len(names)))
        targets = tuple((t.id, f"{t.metric}（{t.comparison} {_number(t.value)}{t.unit}）", _number(t.value))
                        for t in plan.targets)
        roles = tuple(r.role for r in plan.organisation.roles) if plan.organisation else ()
        choices.append(PlanChoice(plan_id, plan.title, plan.summary, targets, items, roles))
    return choices


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class FormDoc(SourceDoc):
    """A submitted form as a parsed document: model paths map to form fields, for problems beside them.

    A problem's ``path`` is the field's HTML name (:data:`GENERAL` when it belongs to no field);
    hints name fields of the form, never YAML keys or sheet cells.
    """

    def __init__(self, data: Any, fields: dict[tuple[Any, ...], str], labels: dict[str, str]) -> None:
        super().__init__("网页表单", data)
        self.fields = fields
        self.labels = labels

    def field_for(self, path: tuple[Any, ...]) -> str:
        path = tuple(path)
        while path:
            if path in self.fields:
                return self.fields[path]
            path = path[:-1]
        return GENERAL

    def problem(self, path: tuple[Any, ...], message: str, hint: str = "", *, key: bool = False) -> Problem:
        return Problem(self.field_for(path), 0, 0, message, hint)

    def problem_at(self, path: tuple[Any, ...], needle: str, message: str, hint: str = "") -> Problem:
        return self.problem(path, message, hint)

    def missing_post(self, post: str, role: str, *, adoption_index: int | None = None,
                     grouped: bool = False) -> tuple[tuple[Any, ...], str, str]:
        if grouped and adoption_index is not None:
            return (("plans", adoption_index, "group"), f"领导小组中没有“{role}”",
                    f"请在本方案的“领导小组成员”一栏写“{role}：姓名”")
        if ("people", post) in self.fields:
            return (("people", post), f"“{post}”一栏没有填写", f"请在“{post}”一栏填写姓名")
        return (("people", OTHER_PEOPLE), f"没有“{post}”的姓名",
                f"请在“{OTHER_PEOPLE}”一栏另起一行写“{post}：姓名”")


@dataclass
class Submission:
    """What a posted form became: the profile data, its document for messages, and the problems."""

    data: dict[str, Any]
    doc: FormDoc
    problems: list[Problem] = field(default_factory=list)
    school: School | None = None


def _lines(text: str) -> list[str]:
    return [part for part in SPLIT.split(text) if part]


def read_form(form: Mapping[str, Any], school_id: str, corpus: Corpus, saved: dict[str, Any] | None = None) -> Submission:
    """Read a posted form (``form.get``/``getlist``) into a checked profile for ``school_id``.

    ``saved`` is the profile saved before (fields the form does not show are kept from it).
    Problems are located by field; the profile is valid only when there are none.
    """
    getlist = getattr(form, "getlist", lambda key: [form[key]] if key in form else [])
    fields = school_fields()
    data: dict[str, Any] = {"id": school_id}
    where: dict[tuple[Any, ...], str] = {}
    labels: dict[str, str] = {GENERAL: "整张表"}
    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(key, 0, 0, message, hint))

    for spec in fields:
        where[spec.path] = spec.key
        labels[spec.key] = spec.label
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

    # the school's own days: rows of date / to / name / type; a blank row is no row
    days: list[dict[str, Any]] = []
    where[("calendar", "days")] = "days"
    labels["days"] = "本校自己的日子"
    for row in range(MAX_DAYS + SPARE_DAYS):
        values = {name: cell_text(form.get(f"days.{row}.{name}")) for name, *_ in DAY_FIELDS}
        if not any(v for k, v in values.items() if k != "type"):
            continue
        day: dict[str, Any] = {}
        key = f"days.{row}"
        labels[key] = f"本校自己的日子第{len(days) + 1}行"
        where[("calendar", "days", len(days))] = key
        for name, label, kind, _options in DAY_FIELDS:
            if values[name] == "":
                continue
            try:
                day[name] = cell_date(values[name], _any_year(first_year)) if kind == "date" else values[name]
            except ValueError as exc:
                bad(key, f"{label}：{exc}")
        days.append(day)
    if days:
        data.setdefault("calendar", {})["days"] = days

    # plans: a checkbox per template, each with its own options
    chosen = [p for p in getlist("plans") if p in corpus.plans]
    where[("plans",)] = "plans"
    labels["plans"] = "采用方案"
    previous = {a.get("plan"): a for a in (saved or {}).get("plans", [])}
    adoptions = []
    for index, plan_id in enumerate(chosen):
        prefix = f"plan.{plan_id}"
        where[("plans", index)] = prefix
        labels[prefix] = corpus.plans[plan_id].title
        adoption: dict[str, Any] = {"plan": plan_id}
        for name, label, _help, kind in ADOPTION_FIELDS:
            key = f"{prefix}.{name}"
            where[("plans", index, name)] = key
            labels[key] = label
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
                bad(key, f"{label}：{exc}")
        skip = [s for s in getlist(f"{prefix}.skip") if s]
        if skip:
            adoption["skip"] = skip
            where[("plans", index, "skip")] = f"{prefix}.skip"
        targets: dict[str, Any] = {}
        defaults = {t.id: t.value for t in corpus.plans[plan_id].targets}
        for target_id, default in defaults.items():
            key = f"{prefix}.target.{target_id}"
            where[("plans", index, "targets", target_id)] = key
            labels[key] = target_id
            text = cell_plain(form.get(key))
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                bad(key, f"指标“{target_id}”：“{text}”不是数字", "请只写数字，例如 0.5")
                continue
            if value != default:
                targets[target_id] = value
        if targets:
            adoption["targets"] = targets
        kept = previous.get(plan_id, {})
        for name, _value in kept.items():
            if ("plans", "*", name) in PRESERVED and kept.get(name):
                adoption[name] = kept[name]
        adoptions.append(adoption)
    if not chosen:
        bad("plans", "“采用方案”不能为空", "请至少勾选一份方案")
    data["plans"] = adoptions

    doc = FormDoc(data, where, labels)
    submission = Submission(data, doc, sorted(problems))
    if problems:
        return submission
    from ..load import validate
    from ..check.profile import profile_problems

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


def describe(problem: Problem, labels: Mapping[str, str]) -> str:
    """A problem as one line for the county's list and the audit log: ``学校名称：…``."""
    where = labels.get(problem.path, problem.path)
    text = f"{where}：{problem.message}" if where and where != GENERAL else problem.message
    return text + (f"（{problem.hint}）" if problem.hint else "")


def saved_doc(profile: dict[str, Any]) -> FormDoc:
    """A document for a saved profile: problems found later (building its pack) still land beside fields."""
    where: dict[tuple[Any, ...], str] = {spec.path: spec.key for spec in school_fields()}
    labels: dict[str, str] = {spec.key: spec.label for spec in school_fields()}
    labels[GENERAL] = "整张表"
    other = f"people.{OTHER_PEOPLE}"
    posts = {spec.path for spec in school_fields()}
    for post in (profile.get("people") or {}):
        if ("people", post) not in posts:
            where[("people", post)] = other
    for row, _day in enumerate((profile.get("calendar") or {}).get("days") or []):
        where[("calendar", "days", row)] = f"days.{row}"
        labels[f"days.{row}"] = f"本校自己的日子第{row + 1}行"
    where[("plans",)] = "plans"
    labels["plans"] = "采用方案"
    for index, adoption in enumerate(profile.get("plans") or []):
        prefix = f"plan.{adoption.get('plan')}"
        where[("plans", index)] = prefix
        for name, label, _help, _kind in ADOPTION_FIELDS:
            where[("plans", index, name)] = f"{prefix}.{name}"
            labels[f"{prefix}.{name}"] = label
        where[("plans", index, "skip")] = f"{prefix}.skip"
        for target_id in (adoption.get("targets") or {}):
            where[("plans", index, "targets", target_id)] = f"{prefix}.target.{target_id}"
    return FormDoc(profile, where, labels)
