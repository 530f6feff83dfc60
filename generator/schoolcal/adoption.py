"""A plan as one school issues it for one school year: the school's changes applied, every date placed.

:func:`resolve_plan` applies a school's changes (``events``, ``skip``, ``targets``) to a plan
template, resolves every phase, event and duty with :func:`~.rules.resolve`, and moves each dated
item off days off by the rule its template states (``shift``): by default a single day moves to the
next school day (in a vacation: the next working day) and a deadline moves earlier; a span of
term time is trimmed to its first and last school day. Impossible dates are reported with the
file, line and column they came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from ..errors import GongyuError, Problem
from ..models.daterule import RepeatRule
from .dates import CalendarError, Occurrence
from .rules import describe_when, resolve
from .schoolyear import SchoolYear

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..models.plan import PlanTemplate, Target
    from ..models.school import Adoption

#: How a date on a day off moves: 顺延 (to the next school day), 提前 (to the one before), 不调整.
SHIFTS = ("顺延", "提前", "不调整")


def settle_occurrences(year: SchoolYear, occurrences: Iterable[Occurrence], *, kind: str, deadline: bool,
                       shift: str | None, within: Iterable[Occurrence] = ()
                       ) -> tuple[tuple[Occurrence, ...], tuple[tuple[dt.date, dt.date], ...]]:
    """Move ``occurrences`` of one item off days off; return them and the (from, to) moves of single days.

    ``within``: the spans of the item's phase. A single day moved out of the phase that holds it
    (a deadline pulled before 春节 when the phase only starts after it) moves the other way instead.
    """
    mode = shift or ("提前" if deadline else "顺延")
    spans = tuple(within)
    placed: list[Occurrence] = []
    moves: list[tuple[dt.date, dt.date]] = []
    for occ in occurrences:
        start, end = occ.start, occ.end
        if mode == "不调整":
            pass
        elif start == end:
            start = end = year.settle(start, earlier=mode == "提前")
            home = [p for p in spans if p.start <= occ.start <= p.end]
            if home and not home[0].start <= start <= home[0].end:
                other = year.settle(occ.start, earlier=mode != "提前")
                start = end = other if home[0].start <= other <= home[0].end else start
            if start != occ.start:
                moves.append((occ.start, start))
        else:
            if kind == "event" and deadline:
                end = year.settle(end, earlier=True)
                start = min(start, end)
            if kind == "event" and year.window(start).is_term and year.window(end) == year.window(start):
                # only a span wholly in term: one running on into the vacation keeps its
                # written end, as its phase and the same span in July do
                start, end = year.trim(start, end)
            if kind in ("event", "phase"):
                start, end = off_holiday_edges(year, start, end)
        placed.append(Occurrence(start, end))
    return tuple(placed), tuple(moves)


def off_holiday_edges(year: SchoolYear, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Pull the ends of a span of work off a public holiday (and the days off joined to it).

    A vacation span is otherwise kept as written (weekends included), but work printed as running
    *into* 春节 or 国庆节 (“春节前10天至春节”, a fixed 1月20日至30日 in a year the festival falls on
    the 26th) would send teachers into villages on 除夕. A span lying wholly inside holidays is kept.
    """
    one = dt.timedelta(days=1)
    s, e = start, end
    holiday = False
    while e > s and not year.is_open_day(e):
        holiday = holiday or year.calendar.holiday_name(e) is not None
        e -= one
    if not holiday:
        e = end
    holiday = False
    while s < e and not year.is_open_day(s):
        holiday = holiday or year.calendar.holiday_name(s) is not None
        s += one
    if not holiday:
        s = start
    moved_ok = (s == start or year.is_open_day(s)) and (e == end or year.is_open_day(e))
    return (s, e) if moved_ok else (start, end)


ItemKind = Literal["phase", "event", "duty"]


@dataclass(frozen=True)
class ResolvedItem:
    """A phase, event or duty of a plan with the school's rule and its dates in the year."""

    kind: ItemKind
    id: str
    title: str
    rule: Any
    occurrences: tuple[Occurrence, ...]
    unit: str | None = None
    details: str | None = None
    form: str | None = None
    deadline: bool = False
    phase_id: str | None = None
    tasks: tuple[str, ...] = ()
    overridden: bool = False
    shift: str | None = None
    moved: tuple[tuple[dt.date, dt.date], ...] = ()
    #: a duty done only in some situation (停课期间): in the plan's text, never in the calendar
    only_during: str | None = None

    @property
    def repeats(self) -> bool:
        return isinstance(self.rule, RepeatRule)

    def when(self) -> str:
        """The time in words and dates (see :func:`describe_when`)."""
        return describe_when(self.rule, self.occurrences, weekday=True)


@dataclass(frozen=True)
class ResolvedPlan:
    """A plan template as one school issues it for one school year (``year`` None: the bare template)."""

    plan: PlanTemplate
    year: SchoolYear | None
    title: str
    issue_date: dt.date | None
    targets: tuple[tuple[Target, float], ...]
    phases: tuple[ResolvedItem, ...]
    events: tuple[ResolvedItem, ...]
    duties: tuple[ResolvedItem, ...]

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def tag(self) -> str:
        """Short name used in the 行事历 and the calendar, e.g. 控辍保学 or 今冬明春."""
        return self.plan.variant or self.plan.kind

    def phase_events(self, phase_id: str) -> list[ResolvedItem]:
        return [e for e in self.events if e.phase_id == phase_id]

    def loose_events(self) -> list[ResolvedItem]:
        return [e for e in self.events if e.phase_id is None]

    def items(self) -> list[ResolvedItem]:
        return [*self.phases, *self.events, *self.duties]

    def form_ids(self) -> list[str]:
        """Forms the plan calls for (its list, then those its kept events and duties use), in order."""
        found = list(self.plan.forms)
        for item in (*self.events, *self.duties):
            if item.form and item.form not in found:
                found.append(item.form)
        return found


def resolve_plan(
    plan: PlanTemplate,
    year: SchoolYear | None,
    adoption: Adoption | None = None,
    *,
    plan_doc: SourceDoc | None = None,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
    stages: set[str] | None = None,
) -> ResolvedPlan:
    """Apply a school's changes to ``plan`` and resolve every date in ``year``.

    ``adoption.events`` replaces the rule of a phase, event or duty, ``adoption.skip`` drops it
    (dropping a phase drops its events), ``adoption.targets`` replaces target values. Every rule
    that cannot be placed is reported at once: at the school's override when the school changed
    it, else at the plan template's rule. With ``stages`` (``School.stages``) only the targets
    that apply to those school stages are kept (no junior-secondary dropout rate for a 小学).
    """
    overrides = dict(adoption.events) if adoption else {}
    skipped = set(adoption.skip) if adoption else set()
    target_values = dict(adoption.targets) if adoption else {}
    problems: list[Problem] = []

    def place(item_id: str, rule: Any, path: tuple[Any, ...]) -> tuple[Any, tuple[Occurrence, ...], bool]:
        overridden = item_id in overrides
        chosen = overrides.get(item_id, rule)
        if year is None:
            return chosen, (), overridden
        try:
            return chosen, tuple(resolve(chosen, year)), overridden
        except CalendarError as exc:
            if overridden:
                problems.append(exc.located(school_doc, ("plans", adoption_index, "events", item_id),
                                            key=True, where=f"{plan.id}:{item_id}"))
            else:
                problems.append(exc.located(plan_doc, path, where=f"{plan.id}:{item_id}"))
            return chosen, (), overridden

    def settled(item: ResolvedItem, within: tuple[Occurrence, ...] = ()) -> ResolvedItem:
        if year is None or item.repeats or not item.occurrences:
            return item
        occ, moves = settle_occurrences(year, item.occurrences, kind=item.kind, deadline=item.deadline,
                                        shift=item.shift, within=within)
        return replace(item, occurrences=occ, moved=moves)

    phases: list[ResolvedItem] = []
    events: list[ResolvedItem] = []
    duties: list[ResolvedItem] = []
    for p_index, phase in enumerate(plan.phases):
        if phase.id in skipped:
            continue
        rule, occ, over = place(phase.id, phase.when, ("phases", p_index, "when"))
        phase_spans = occ  # as written: an event is kept inside the phase the template puts it in
        phases.append(settled(ResolvedItem("phase", phase.id, phase.name, rule, occ, tasks=tuple(phase.tasks),
                                           overridden=over)))
        for e_index, event in enumerate(phase.events):
            if event.id in skipped:
                continue
            rule, occ, over = place(event.id, event.when, ("phases", p_index, "events", e_index, "when"))
            events.append(settled(ResolvedItem("event", event.id, event.title, rule, occ, unit=event.unit,
                                               details=event.details, form=event.form, deadline=event.deadline,
                                               phase_id=phase.id, overridden=over, shift=event.shift),
                                  phase_spans))
    for e_index, event in enumerate(plan.events):
        if event.id in skipped:
            continue
        rule, occ, over = place(event.id, event.when, ("events", e_index, "when"))
        events.append(settled(ResolvedItem("event", event.id, event.title, rule, occ, unit=event.unit,
                                           details=event.details, form=event.form, deadline=event.deadline,
                                           overridden=over, shift=event.shift)))
    for d_index, duty in enumerate(plan.duties):
        if duty.id in skipped:
            continue
        rule, occ, over = place(duty.id, duty.when, ("duties", d_index, "when"))
        duties.append(ResolvedItem("duty", duty.id, duty.title, rule, occ, unit=duty.unit, details=duty.details,
                                   form=duty.form, overridden=over, only_during=duty.only_during))
    if problems:
        raise GongyuError(problems)
    title = (adoption.title if adoption and adoption.title else plan.title)
    if year is not None and title.startswith("学年"):  # 学年安全教育工作安排 → 2026—2027学年安全教育工作安排
        title = year.label + title[len("学年"):]
    issue = None
    if year is not None:
        issue = adoption.issue_date if adoption and adoption.issue_date else year.autumn_start
    targets = tuple((t, float(target_values.get(t.id, t.value))) for t in plan.targets
                    if stages is None or t.applies_to(stages) or t.id in target_values)
    return ResolvedPlan(plan, year, title, issue, targets, tuple(phases), tuple(events), tuple(duties))


def all_occurrences(plans: Iterable[ResolvedPlan]) -> Iterator[tuple[ResolvedPlan, ResolvedItem, int, Occurrence]]:
    """Every (plan, item, index, occurrence) of phases and events, in plan and item order."""
    for rp in plans:
        for item in (*rp.phases, *rp.events):
            for index, occ in enumerate(item.occurrences):
                yield rp, item, index, occ
