"""The school's web form, generated from the profile model: one source of truth for its fields.

The fields come from :class:`generator.models.school.School` (its nested models, types and
``Literal`` choices), labelled with the Excel columns' headers and help
(:data:`generator.xlsx.columns.COLUMNS`) where a column exists, else with the model's own Chinese
description. :class:`FormDoc` places a problem found in a submitted form beside its field.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from ..errors import Problem
from ..load import SourceDoc
from ..models.school import SCHOOL_TYPES, Adoption, CalendarDates, OwnDay, School
from ..xlsx.columns import COLUMNS, OTHER_PEOPLE, Column

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
    if origin in (typing.Union, __import__("types").UnionType):
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
            column_kinds: dict[str, FieldKind] = {"titles": "titles", "year": "year", "list": "list"}
            kind = column_kinds.get(column.kind, kind)
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


_ADOPTION_KINDS: tuple[tuple[str, FieldKind], ...] = (
    ("title", "text"), ("issue_date", "date"), ("group", "people"), ("legal_basis", "titles"))

#: Adoption options shown for each plan (model field → form kind); ``plan`` is the checkbox itself.
ADOPTION_FIELDS: tuple[tuple[str, str, str, FieldKind], ...] = tuple(
    (name, *_label_of(info.description, name), kind) for name, info, kind in (
        (n, Adoption.model_fields[n], k) for n, k in _ADOPTION_KINDS))


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
