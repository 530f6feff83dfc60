"""A plan template's phases as a timeline (SVG) for its page on the site.

Months run September → August along the axis under bands for the terms and vacations; each
phase is a bar with its name, each event a marker on its phase's bar (events outside a phase on
an extra row); a dashed line marks the Spring Festival. The drawing is sized for a phone: a
320-unit-wide ``viewBox`` is scaled to the page width (328 px on a 360 px phone), and every text
is 12 units, so no label is smaller than 12 px there; labels sit in rows of their own, carry a
white halo where the Spring Festival line crosses them, and long captions wrap. It has no
external references (no web fonts, no images, no scripts) and escapes every text. The same plan
and year always give the same SVG.

Dates are those of a default school year (the one in progress at build time, from
``SOURCE_DATE_EPOCH`` when set), with the usual term dates of :class:`SchoolYear`; the caption
says so.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ..base.clock import school_year_in_progress
from ..resolve.wording import Wording, localise_plan
from ..schoolcal import ResolvedItem, SchoolYear, format_span, resolve_plan

if TYPE_CHECKING:
    from ..models.plan import PlanTemplate

WIDTH = 320
PAD = 8
_AXIS = WIDTH - 2 * PAD
_COLORS = ("#2f6f9f", "#b5473a", "#3f7f35", "#7a5a9c", "#b7791f", "#2e7d7a")
_FONT = "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
_ROW = 36
#: Every text is this size (in viewBox units, about 1 px on a phone).
FONT_SIZE = 12
#: A white outline under label text, so lines crossing a label never cut through it.
_HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"{start.month}月{start.day}日"
    if start.month == end.month:
        return f"{start.month}月{start.day}日—{end.day}日"
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at ``size``: Latin letters and digits about 0.62 em, everything
    else (CJK, full-width and general punctuation such as — and （）) one em; generous, so a label
    that fits here fits in the fonts phones have."""
    return sum(0.62 if ord(ch) < 0x2000 else 1.0 for ch in text) * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` cut into lines no wider than ``width`` at ``size`` (by characters, as Chinese wraps)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _fit_x(first: float, width: float) -> float:
    """Left edge for a label that should start at ``first`` but stay inside the drawing."""
    return max(PAD, min(first, WIDTH - PAD - width))


def timeline_svg(plan: PlanTemplate, year: SchoolYear | None = None) -> str:
    """The SVG of ``plan``'s phases and events in ``year`` (default: :func:`school_year_in_progress`).

    Not split: one drawing, whose lanes, labels and axis share the same measures and must be read together.
    """
    year = year or SchoolYear.default(school_year_in_progress())
    resolved = localise_plan(resolve_plan(plan, year), Wording())
    start = year.first_day
    end = year.last_day
    span = (end - start).days + 1

    def x(day: dt.date) -> float:
        day = min(max(day, start), end + dt.timedelta(days=1))
        return PAD + (day - start).days / span * _AXIS

    uid = f"tl-{plan.id}"
    parts: list[str] = []
    # term and vacation bands
    bands = [(t.label, t.start, t.end, "#dbe8f4") for t in year.terms]
    bands += [(v.label, v.start, v.end, "#eeeeee") for v in year.vacations]
    for label, b_start, b_end, fill in sorted(bands, key=lambda b: b[1]):
        x0, x1 = x(b_start), x(b_end + dt.timedelta(days=1))
        parts.append(f'<rect x="{_num(x0)}" y="4" width="{_num(max(x1 - x0, 1))}" height="18" fill="{fill}"/>')
        if x1 - x0 >= text_width(label, FONT_SIZE) + 4:
            parts.append(f'<text x="{_num((x0 + x1) / 2)}" y="17.5" font-size="{FONT_SIZE}" text-anchor="middle" '
                         f'fill="#333">{escape(label)}</text>')
    # months
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        x0, x1 = x(max(month, start)), x(min(nxt, end + dt.timedelta(days=1)))
        parts.append(f'<line x1="{_num(x0)}" y1="24" x2="{_num(x0)}" y2="40" stroke="#999" stroke-width="0.6"/>')
        # "9月" once, then numbers: "10月" at 12 units is wider than a month of the axis
        label = f"{month.month}月" if month == dt.date(start.year, start.month, 1) else str(month.month)
        parts.append(f'<text x="{_num((x0 + x1) / 2)}" y="37" font-size="{FONT_SIZE}" text-anchor="middle" '
                     f'fill="#333">{label}</text>')
        month = nxt
    top = 48
    rows: list[tuple[ResolvedItem | None, list[ResolvedItem]]] = [(p, resolved.phase_events(p.id)) for p in resolved.phases]
    loose = resolved.loose_events()
    if loose:
        rows.append((None, loose))
    if not rows:
        parts.append(f'<text x="{WIDTH / 2}" y="{top + 16}" font-size="{FONT_SIZE}" text-anchor="middle" fill="#555">'
                     "本方案没有按日期安排的阶段和事项</text>")
        top += _ROW
    for index, (phase, events) in enumerate(rows):
        y = top + index * _ROW
        color = _COLORS[index % len(_COLORS)] if phase else "#555555"
        if phase is not None and phase.occurrences:
            occ = phase.occurrences
            dates = "、".join(_short(o.start, o.end) for o in occ)
            label = f"{phase.title}（{dates}）"
            if text_width(label, FONT_SIZE) > _AXIS:
                label = phase.title
            if text_width(label, FONT_SIZE) > _AXIS:
                label = wrap(label, FONT_SIZE, _AXIS - text_width("…", FONT_SIZE))[0] + "…"
            tx = _fit_x(x(occ[0].start), text_width(label, FONT_SIZE))
            parts.append(f'<text x="{_num(tx)}" y="{y + 12}" font-size="{FONT_SIZE}" fill="#222" {_HALO}>'
                         f"{escape(label)}</text>")
            for o in occ:
                x0, x1 = x(o.start), x(o.end + dt.timedelta(days=1))
                tip = escape(f"{phase.title}：{format_span(o.start, o.end)}")
                parts.append(f'<rect x="{_num(x0)}" y="{y + 17}" width="{_num(max(x1 - x0, 3))}" height="10" rx="2" '
                             f'fill="{color}"><title>{tip}</title></rect>')
        else:
            parts.append(f'<text x="{PAD}" y="{y + 12}" font-size="{FONT_SIZE}" fill="#222" {_HALO}>其他事项</text>')
            parts.append(f'<line x1="{PAD}" y1="{y + 22}" x2="{WIDTH - PAD}" y2="{y + 22}" stroke="#bbb" stroke-width="1"/>')
        for event in events:
            for o in event.occurrences:
                tip = escape(f"{event.title}：{format_span(o.start, o.end)}（{event.unit}）")
                parts.append(f'<circle cx="{_num(x(o.start))}" cy="{y + 22}" r="3.5" fill="#fff" stroke="{color}" '
                             f'stroke-width="1.6"><title>{tip}</title></circle>')
    bottom = top + max(len(rows), 1) * _ROW
    festival = x(year.spring_festival)
    # the line starts under the band row: the term labels are centred in their bands
    parts.append(f'<line x1="{_num(festival)}" y1="24" x2="{_num(festival)}" y2="{bottom}" stroke="#c0392b" '
                 'stroke-width="1" stroke-dasharray="3 2"/>')
    fx = _fit_x(festival - text_width("春节", FONT_SIZE) / 2, text_width("春节", FONT_SIZE))
    parts.append(f'<text x="{_num(fx)}" y="{bottom + 13}" font-size="{FONT_SIZE}" fill="#b03020">春节</text>')
    captions = (f"按{year.label}的常规校历示意，学校的实际日期以本校校历为准。",
                f"秋季学期{_short(year.autumn_start, year.autumn_end)}，春季学期{_short(year.spring_start, year.spring_end)}，"
                f"春节{_short(year.spring_festival, year.spring_festival)}。")
    caption_lines = [line for caption in captions for line in wrap(caption, FONT_SIZE, _AXIS)]
    for line_index, caption in enumerate(caption_lines):
        parts.append(f'<text x="{PAD}" y="{bottom + 32 + 16 * line_index}" font-size="{FONT_SIZE}" fill="#444">'
                     f"{escape(caption)}</text>")
    legend_y = bottom + 32 + 16 * len(caption_lines) + 6
    parts.append(f'<rect x="{PAD}" y="{legend_y - 9}" width="14" height="9" rx="2" fill="{_COLORS[0]}"/>'
                 f'<text x="{PAD + 18}" y="{legend_y}" font-size="{FONT_SIZE}" fill="#333">阶段</text>'
                 f'<circle cx="{PAD + 62}" cy="{legend_y - 4}" r="3.5" fill="#fff" stroke="{_COLORS[0]}" stroke-width="1.6"/>'
                 f'<text x="{PAD + 70}" y="{legend_y}" font-size="{FONT_SIZE}" fill="#333">具体事项（点按可看日期）</text>')
    height = legend_y + 8
    title = f"{plan.title}：实施步骤时间示意图"
    desc = "；".join(f"{p.title}，{_short(p.occurrences[0].start, p.occurrences[-1].end)}"
                    for p in resolved.phases if p.occurrences) or "没有按日期安排的阶段"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH * 2}px;height:auto" role="img" aria-labelledby={quoteattr(uid + "-t")} '
        f'aria-describedby={quoteattr(uid + "-d")} font-family={quoteattr(_FONT)}>'
        f'<title id={quoteattr(uid + "-t")}>{escape(title)}</title>'
        f'<desc id={quoteattr(uid + "-d")}>{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


__all__ = ["FONT_SIZE", "text_width", "timeline_svg", "wrap"]
