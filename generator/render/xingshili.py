"""工作行事历: the school year's work by teaching week, across every plan a school adopts.

One table per term — 周次 / 起止日期 / 主要工作 / 责任部门 — in the week grid of
:class:`~generator.schoolcal.SchoolYear`: the autumn table starts with the 预备周 (the days before
term) and ends with a 寒假 row, the spring table ends with a 暑假 row, so vacation work (the
January and July 20–31 phase of 控辍保学, say) has its place. A phase or event is listed in the row
holding its first day, with its dates when they are not simply that week. Repeated duties (every
day, week, month …) are not copied into every row but gathered in a 常规工作 note under the tables.

Each row also shows the calendar itself: public holidays (放假), 调休 make-up days and the school's
own days come first, unnumbered; the work lines are numbered and the 责任部门 column repeats the
number before the department or person responsible for each, so every line names its own owner.
Every date carries its weekday (``11月23日（星期一）``); dates in a year whose official schedule is
not yet published are marked 推定.

Written as a landscape A4 Word table (python-docx base, body built with lxml) and as PDF through
``templates/gbt_xingshili.typ``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..schoolcal import ResolvedItem, ResolvedPlan, SchoolYear, format_date, format_span

RowKind = Literal["prep", "week", "vacation"]
_RHYTHM_ORDER = ("天", "周", "月", "学期", "半年", "年")


@dataclass(frozen=True)
class Entry:
    """One line of the 主要工作 column."""

    start: dt.date
    order: tuple[int, int, int]
    text: str
    unit: str | None  # None: a line of the calendar itself (holiday, make-up day), not numbered


@dataclass(frozen=True)
class Row:
    label: str
    start: dt.date
    end: dt.date
    kind: RowKind
    lines: tuple[str, ...]
    units: tuple[str, ...]

    @property
    def dates(self) -> str:
        return short_span(self.start, self.end)

    @property
    def date_lines(self) -> list[str]:
        """The dates cell on two lines, first and last day (``9月1日（星期二）—`` / ``6日（星期日）``)."""
        head, sep, tail = self.dates.partition("—")
        return [head + sep, tail] if sep else [head]


@dataclass(frozen=True)
class TermTable:
    heading: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Xingshili:
    """The whole 行事历 of one school year, ready for either writer."""

    title: str
    subtitle: str
    tables: tuple[TermTable, ...]
    routine: tuple[str, ...]
    school_name: str
    meta_title: str
    note: str = ""


def short_span(start: dt.date, end: dt.date) -> str:
    """``9月1日（星期二）—6日（星期日）`` (the table shows the year in each term's heading)."""
    return format_span(start, end, year=False, sep="—", weekday=True) if start.year == end.year else (
        f"{format_date(start, year=False, weekday=True)}—{format_date(end, year=False, weekday=True)}")


def _item_text(rp: ResolvedPlan, item: ResolvedItem, occ_start: dt.date, occ_end: dt.date) -> str:
    """``控辍保学：重点学生假前家访（1月20日—31日）``; work "in week n" needs no dates, its row has them."""
    from ..models.daterule import WeekRule

    text = f"{rp.tag}：{item.title}" + ("阶段" if item.kind == "phase" else "")
    if item.deadline:
        return text + f"（{format_date(occ_end, year=False, weekday=True)}前完成）"
    if isinstance(item.rule, WeekRule):
        return text
    return text + f"（{short_span(occ_start, occ_end)}）"


def _rows_for(spans: list[tuple[str, dt.date, dt.date, RowKind]], entries: list[Entry]) -> tuple[Row, ...]:
    rows = []
    for label, start, end, kind in spans:
        inside = sorted((e for e in entries if start <= e.start <= end), key=lambda e: (e.unit is not None, e.start, e.order))
        lines: list[str] = [e.text for e in inside if e.unit is None]
        # the same work from two plans (家长开放日 in 三年行动计划 and 家长学校) is one line naming both
        merged: dict[tuple[dt.date, str], tuple[list[str], list[str]]] = {}
        for entry in (e for e in inside if e.unit is not None):
            tag, _, work = entry.text.partition("：")
            tags, owners = merged.setdefault((entry.start, work), ([], []))
            tags.extend([tag] if tag not in tags else [])
            owners.extend([entry.unit] if entry.unit is not None and entry.unit not in owners else [])
        units: list[str] = []
        for number, ((_, work), (tags, owners)) in enumerate(merged.items(), start=1):
            lines.append(f"{number}. {'、'.join(tags)}：{work}")
            units.append(f"{number}. {'、'.join(owners)}")
        rows.append(Row(label, start, end, kind, tuple(lines), tuple(units)))
    return tuple(rows)


def _owner(rp: ResolvedPlan) -> str:
    """Who answers for a phase: the plan's office (办公室设在…), else its leading group."""
    org = rp.plan.organisation
    if org is None:
        return "学校"
    return org.office or org.group


def calendar_entries(year: SchoolYear, own_word: str = "本校") -> list[Entry]:
    """Lines for the days off and extra days of ``year``: holidays, 调休 make-up days, the school's own days
    (tagged ``【本校】``, or ``【本中心】`` for an education office)."""
    days = year.calendar
    first, last = year.earliest, year.last_day

    def mark(day: dt.date) -> str:
        return "（推定）" if days.is_estimated(day) else ""

    found = []
    for start, end, name in days.holiday_runs(first, last):
        text = f"【放假】{name}：{short_span(start, end)}{mark(start)}"
        found.append(Entry(start, (-3, 0, 0), text, None))
    for day in days.makeup_days(first, last):
        what = "上课" if year.window(day).is_term else "上班"
        found.append(Entry(day, (-2, 0, 0), f"【调休{what}】{format_date(day, year=False, weekday=True)}", None))
    for own in days.own:
        if own.type == "放假":
            continue  # already a holiday run
        tag = "上课" if own.type == "上课" else own_word
        found.append(Entry(own.start, (-1, 0, 0), f"【{tag}】{own.name}：{short_span(own.start, own.end)}", None))
    return found


def estimate_note(year: SchoolYear, *, rebuild_hint: bool = False) -> str:
    """What the pack says when a year's official holiday schedule is not yet published ("" if all are).

    The 行事历 goes to the county as it is, so it only says that the dates are estimated;
    ``rebuild_hint`` adds how to regenerate them, for the README read by whoever builds the pack.
    """
    years = year.estimated_holiday_years
    if not years:
        return ""
    shown = "、".join(f"{y}年" for y in years)
    if rebuild_hint:  # the README, read by whoever builds the pack
        return (f"{shown}的放假和调休安排在生成时尚未收录，行事历中标“推定”的节假日和据此排定的工作日期按常规推定，"
                "以国务院办公厅公布的安排为准；收录后（照通知填写 plans/data/holidays.yml，或更新 holidays 软件包）"
                "重新生成即可。")
    return (f"{shown}的放假和调休安排尚未收录，行事历中标“推定”的节假日和据此排定的工作日期按常规推定，"
            "以国务院办公厅公布的安排为准。")


def build_xingshili(school_name: str, year: SchoolYear, plans: Sequence[ResolvedPlan], *,
                    office: bool = False, kindergarten: bool = False) -> Xingshili:
    """Collect every dated phase and event of ``plans`` into the week rows of ``year``.

    ``office``: the unit is a township education office (本中心; the calendar is its schools').
    ``kindergarten``: the unit is a kindergarten (本园).
    """
    own_word = "本中心" if office else "本园" if kindergarten else "本校"
    autumn, spring = year.terms
    winter, summer = year.vacations
    autumn_spans: list[tuple[str, dt.date, dt.date, RowKind]] = [
        ("预备周", year.earliest, autumn.start - dt.timedelta(days=1), "prep")]
    autumn_spans += [(w.label, w.start, w.end, "week") for w in year.weeks(autumn)]
    autumn_spans.append(("寒假", winter.start, winter.end, "vacation"))
    spring_spans: list[tuple[str, dt.date, dt.date, RowKind]] = [(w.label, w.start, w.end, "week") for w in year.weeks(spring)]
    spring_spans.append(("暑假", summer.start, year.last_day, "vacation"))

    entries: list[Entry] = calendar_entries(year, own_word)
    routine: list[tuple[int, int, int, str]] = []
    for p_index, rp in enumerate(plans):
        items = list(rp.phases) + list(rp.events) + list(rp.duties)
        for i_index, item in enumerate(items):
            if item.repeats:
                rhythm = _RHYTHM_ORDER.index(item.rule.every) if item.rule.every in _RHYTHM_ORDER else 9
                who = f"（{item.unit}）" if item.unit else ""
                routine.append((rhythm, p_index, i_index, f"{item.rule.describe()}：{rp.tag}——{item.title}{who}"))
                continue
            for occ in item.occurrences:  # a duty with a calendar rule (rare) is listed like an event
                entries.append(Entry(occ.start, (0 if item.kind == "phase" else 1, p_index, i_index),
                                     _item_text(rp, item, occ.start, occ.end), item.unit or _owner(rp)))
    tables = (
        TermTable(f"秋季学期（{format_span(autumn.start, autumn.end, weekday=True)}）", _rows_for(autumn_spans, entries)),
        TermTable(f"春季学期（{format_span(spring.start, spring.end, weekday=True)}）", _rows_for(spring_spans, entries)),
    )
    title = f"{school_name}{year.label}工作行事历"
    subtitle = f"（根据{own_word}采用的{len(plans)}份工作方案汇总）" if plans else ""
    return Xingshili(
        title=title,
        subtitle=subtitle,
        tables=tables,
        routine=tuple(text for *_key, text in sorted(routine)),
        school_name=school_name,
        meta_title=title,
        note=" ".join(part for part in (note_text(office, kindergarten=kindergarten), estimate_note(year)) if part),
    )


# --- Word -----------------------------------------------------------------------------------------

#: Column widths in twips for the landscape page (257 mm of text width): 周次, 起止日期, 主要工作, 责任部门.
_COLUMNS_MM = (18, 44, 150, 45)
def note_text(office: bool = False, *, kindergarten: bool = False) -> str:
    """The note under the 行事历: what the marks mean and whose notice wins."""
    calendar, notice = (("辖区学校校历", "教育管理中心") if office else ("本园校历", "幼儿园") if kindergarten
                        else ("本校校历", "学校"))
    return (f"说明：“预备周”指开学前的准备时间；【放假】【调休上课】按国务院办公厅的节假日安排和{calendar}列出；"
            f"日期遇周末、节假日已顺延（截止日期提前）；如遇调整以{notice}通知为准。")
_HEADERS = ("周次", "起止日期", "主要工作", "责任部门")


def _base() -> Any:
    from .docx.gbt import prepared

    return prepared("xingshili", _document)


def _document() -> Any:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .docx.gbt import _page_field_runs, _ppr, _restyle, _rpr, base_styles, setup_page

    document = Document()
    base_styles(document)
    styles = document.styles.element
    _restyle(styles, "GbTableText", "表格文字", _ppr(jc="left", first_chars=0, line=300, snap=False), _rpr("仿宋_GB2312", 12))
    _restyle(styles, "GbTableHead", "表头", _ppr(jc="center", first_chars=0, line=300, snap=False),
             _rpr("黑体", 12, latin="黑体"))
    _restyle(styles, "GbSheetTitle", "行事历标题", _ppr(jc="center", first_chars=0, line=560, snap=False),
             _rpr("方正小标宋简体", 20, latin="方正小标宋简体"))
    _restyle(styles, "GbSheetHeading", "学期标题", _ppr(jc="left", first_chars=0, line=440, snap=False, keep_next=True),
             _rpr("黑体", 14, latin="黑体"))
    _restyle(styles, "GbSheetNote", "说明文字", _ppr(jc="both", first_chars=0, line=340, snap=False), _rpr("仿宋_GB2312", 12))
    section = document.sections[0]
    setup_page(section, landscape=True, grid=False, margins_mm=(18, 20, 18, 20))
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field_runs(paragraph)
    return document


def _tc(text_lines: Sequence[str], width: int, style: str, *, shade: bool = False) -> Any:
    from lxml import etree

    from .docx.gbt import _WNS, make_paragraph

    tc = etree.Element(_WNS + "tc")
    tcpr = etree.SubElement(tc, _WNS + "tcPr")
    tcw = etree.SubElement(tcpr, _WNS + "tcW")
    tcw.set(_WNS + "w", str(width))
    tcw.set(_WNS + "type", "dxa")
    if shade:
        shd = etree.SubElement(tcpr, _WNS + "shd")
        shd.set(_WNS + "val", "clear")
        shd.set(_WNS + "color", "auto")
        shd.set(_WNS + "fill", "EDEDED")
    etree.SubElement(tcpr, _WNS + "vAlign").set(_WNS + "val", "center")
    for line in text_lines or [""]:
        tc.append(make_paragraph(style, line))
    return tc


def _table(rows: Sequence[Row]) -> Any:
    from lxml import etree

    from .docx.gbt import _WNS, _mm

    widths = [_mm(w) for w in _COLUMNS_MM]
    tbl = etree.Element(_WNS + "tbl")
    tblpr = etree.SubElement(tbl, _WNS + "tblPr")
    tblw = etree.SubElement(tblpr, _WNS + "tblW")
    tblw.set(_WNS + "w", str(sum(widths)))
    tblw.set(_WNS + "type", "dxa")
    etree.SubElement(tblpr, _WNS + "jc").set(_WNS + "val", "center")
    borders = etree.SubElement(tblpr, _WNS + "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = etree.SubElement(borders, _WNS + side)
        border.set(_WNS + "val", "single")
        border.set(_WNS + "sz", "6")
        border.set(_WNS + "space", "0")
        border.set(_WNS + "color", "000000")
    etree.SubElement(tblpr, _WNS + "tblLayout").set(_WNS + "type", "fixed")
    margins = etree.SubElement(tblpr, _WNS + "tblCellMar")
    for side, value in (("left", 80), ("right", 80)):
        m = etree.SubElement(margins, _WNS + side)
        m.set(_WNS + "w", str(value))
        m.set(_WNS + "type", "dxa")
    grid = etree.SubElement(tbl, _WNS + "tblGrid")
    for width in widths:
        etree.SubElement(grid, _WNS + "gridCol").set(_WNS + "w", str(width))

    def tr(cells: list[Any], *, header: bool = False) -> None:
        row = etree.SubElement(tbl, _WNS + "tr")
        trpr = etree.SubElement(row, _WNS + "trPr")
        etree.SubElement(trpr, _WNS + "cantSplit")
        height = etree.SubElement(trpr, _WNS + "trHeight")
        height.set(_WNS + "val", str(_mm(8)))
        if header:
            etree.SubElement(trpr, _WNS + "tblHeader")
        for cell in cells:
            row.append(cell)

    tr([_tc([h], w, "GbTableHead", shade=True) for h, w in zip(_HEADERS, widths, strict=False)], header=True)
    for item in rows:
        vacation = item.kind != "week"
        tr([
            _tc([item.label], widths[0], "GbTableHead" if vacation else "GbTableText", shade=vacation),
            _tc(item.date_lines, widths[1], "GbTableText", shade=vacation),
            _tc(list(item.lines), widths[2], "GbTableText", shade=vacation),
            _tc(list(item.units), widths[3], "GbTableText", shade=vacation),
        ])
    return tbl


def xingshili_docx(sheet: Xingshili) -> bytes:
    """The 行事历 as a landscape A4 Word table (deterministic bytes)."""
    from .docx.gbt import append_to_body, make_paragraph

    base = _base()
    root = base.body_root()
    append_to_body(root, make_paragraph("GbSheetTitle", sheet.title))
    if sheet.subtitle:
        append_to_body(root, make_paragraph("GbSheetNote", sheet.subtitle, jc="center"))
    for table in sheet.tables:
        append_to_body(root, make_paragraph("GbSheetHeading", table.heading))
        append_to_body(root, _table(table.rows))
    if sheet.routine:
        append_to_body(root, make_paragraph("GbSheetHeading", "常规工作（每天、每周、每月等经常性工作不逐周列出）"))
        for index, line in enumerate(sheet.routine, start=1):
            append_to_body(root, make_paragraph("GbSheetNote", f"{index}. {line}"))
    append_to_body(root, make_paragraph("GbSheetNote", sheet.note))
    return base.fill(root, title=sheet.meta_title, author=sheet.school_name)


# --- PDF ------------------------------------------------------------------------------------------

def xingshili_payload(sheet: Xingshili) -> dict[str, Any]:
    from .pdf.plan import gbt_fonts

    fonts = gbt_fonts()
    return {
        "gbt_fonts": {k: v for k, v in fonts.items() if k != "title_weight"},
        "title_weight": fonts["title_weight"],
        "title": sheet.title,
        "subtitle": sheet.subtitle,
        "headers": list(_HEADERS),
        "widths_mm": list(_COLUMNS_MM),
        "tables": [
            {
                "heading": table.heading,
                "rows": [
                    {"label": r.label, "dates": r.date_lines, "lines": list(r.lines), "units": list(r.units),
                     "vacation": r.kind != "week", "breakable": len(r.lines) > 24}
                    for r in table.rows
                ],
            }
            for table in sheet.tables
        ],
        "routine_heading": "常规工作（每天、每周、每月等经常性工作不逐周列出）",
        "routine": list(sheet.routine),
        "note": sheet.note,
        "meta": {"title": sheet.meta_title, "author": sheet.school_name},
    }


def xingshili_pdf(sheet: Xingshili) -> bytes:
    """The 行事历 as a landscape A4 PDF."""
    from .pdf.plan import compile_pdf

    return compile_pdf("gbt_xingshili", xingshili_payload(sheet))


__all__ = ["Row", "TermTable", "Xingshili", "build_xingshili", "short_span", "xingshili_docx", "xingshili_pdf"]
