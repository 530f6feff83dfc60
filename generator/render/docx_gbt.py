"""A plan as an official document (GB/T 9704-2012, 党政机关公文格式) in Word format.

The plan is first turned into a :class:`GbtDocument`, a neutral list of numbered blocks built
from the plan's structure (一、 → （一） → 1. → （1）, never typed by authors); the Word writer here
and the PDF writer in :mod:`generator.render.plan_pdf` both lay out that same document, so the
two files always say the same thing.

Page geometry: A4; top margin 37 mm, binding-side (left) margin 28 mm, text block 156 × 225 mm
(right 26 mm, bottom 35 mm); 22 lines of 28 characters (a ``linesAndChars`` document grid);
title 2号 (22 pt) 方正小标宋简体, body 3号 (16 pt) 仿宋_GB2312, level-1 headings 黑体, level-2
楷体_GB2312; page numbers 4号 (14 pt) 宋体 "— 1 —", odd pages right and even pages left, one
character in from the edge of the text block. Fonts a computer lacks are substituted by Word or
WPS through the alternative names written in the font table (仿宋_GB2312 → 仿宋 …).
"""

from __future__ import annotations

import math

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from ..calendar import (
    ResolvedItem,
    ResolvedPlan,
    build_instant,
    format_date,
    format_occurrences,
    resolve_plan,
)
from ..errors import GongyuError, Problem
from ..numbering import chinese_number, number_label

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..load import SourceDoc
    from ..models.plan import PlanTemplate
    from ..models.school import Adoption, School

#: What ``--draft`` prints where information is missing.
BLANK = "________"


# --- the neutral document -----------------------------------------------------------------------

BlockKind = Literal["heading", "para"]


@dataclass(frozen=True)
class Block:
    """A heading (levels 1–4) or a body paragraph; ``number`` is the generated prefix (一、 …)."""

    kind: BlockKind
    text: str
    level: int = 0
    number: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class GbtDocument:
    """Everything both writers need: title lines, numbered blocks, attachments, issuer and date."""

    title_lines: tuple[str, ...]
    blocks: tuple[Block, ...]
    attachments: tuple[str, ...] = ()
    issuer: str = ""
    date: str = ""
    meta_title: str = ""
    meta_author: str = ""
    draft: bool = False

    def text(self) -> str:
        """Plain text of the whole document (for tests and search)."""
        lines = list(self.title_lines) + [b.full_text for b in self.blocks]
        if self.attachments:
            lines += [f"附件：{i}. {name}" for i, name in enumerate(self.attachments, start=1)]
        return "\n".join(lines + [self.issuer, self.date])


class _Outline:
    """Collects blocks; every number comes from a counter, so numbering follows the structure."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.top = 0

    def section(self, title: str) -> int:
        self.top += 1
        self.heading(1, self.top, title)
        return 1

    def heading(self, level: int, n: int, text: str) -> None:
        kind: BlockKind = "heading" if level <= 4 else "para"
        self.blocks.append(Block(kind, text, level, number_label(level, n)))

    def para(self, text: str) -> None:
        self.blocks.append(Block("para", text))

    def items(self, level: int, texts: list[str], start: int = 1) -> int:
        """Numbered paragraphs at ``level``; return the next number."""
        n = start
        for text in texts:
            self.blocks.append(Block("para", text, level, number_label(level, n)))
            n += 1
        return n


def _join_titles(names: list[str]) -> str:
    """《甲》《乙》和本省条例: no 顿号 between book titles (GB/T 15834)."""
    out = ""
    for index, name in enumerate(names):
        if index and not (name.startswith("《") and names[index - 1].endswith(("》", "）"))):
            out += "和" if index == len(names) - 1 else "、"
        out += name
    return out


def _end(text: str) -> str:
    """``text`` closed with a full stop, also after a closing bracket: 达到100%（按学年统计）。"""
    if text.endswith(("。", "！", "？", "；", "：", "…", "。”", "。）", "！”", "？”")):
        return text
    return text + "。"


def _pad_role(role: str, width: int) -> str:
    """组长 → 组　长 when another role has three characters (aligned colons)."""
    if len(role) == 2 and width == 3:
        return f"{role[0]}\u3000{role[1]}"
    return role


def _generic_post(holder: str) -> str:
    return holder if holder.startswith("各") or holder.endswith("代表") else f"各{holder}"


def _where(doc: SourceDoc | None, school_id: str, path: tuple[Any, ...], message: str, hint: str, *, key: bool = False) -> Problem:
    if doc is None:
        return Problem(school_id, 0, 0, message, hint)
    return doc.problem(path, message, hint, key=key)


def leading_group(
    plan: PlanTemplate,
    school: School | None,
    adoption: Adoption | None,
    *,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """``[(role, "王建国（校长）"), …]`` for the plan's leading group, and what is missing.

    Names come from ``adoption.group`` (role → names) or else from ``school.people`` by each
    role's holder post; roles that may have many people (``many: true``) whose post is not in
    ``people`` are written as the post (各年级组长). Every missing person is one located problem;
    the line then shows :data:`BLANK`.
    """
    org = plan.organisation
    if org is None:
        return [], []
    people = dict(school.people) if school else {}
    post_of: dict[str, str] = {}
    for post, name in people.items():
        post_of.setdefault(name, post)
    group = dict(adoption.group) if adoption else {}
    problems: list[Problem] = []
    order: list[str] = []
    for role in org.roles:
        if role.role not in order:
            order.append(role.role)
    lines: list[tuple[str, str]] = []
    for role_name in order:
        parts: list[str] = []
        if role_name in group:
            names = [n for n in group[role_name] if n.strip()]
            if not names:
                parts.append(BLANK)
                problems.append(_where(school_doc, school.id if school else plan.id, ("plans", adoption_index, "group", role_name),
                                       f"方案“{plan.id}”的{org.group}中“{role_name}”没有填写姓名",
                                       f"请在 group 的“{role_name}”后面写上姓名，例如 {role_name}: [张三]"))
            for name in names:
                post = post_of.get(name)
                parts.append(f"{name}（{post}）" if post else name)
        else:
            for role in org.roles:
                if role.role != role_name:
                    continue
                if role.holder in people:
                    parts.append(f"{people[role.holder]}（{role.holder}）")
                elif role.many:
                    parts.append(_generic_post(role.holder))
                else:
                    parts.append(f"{BLANK}（{role.holder}）")
                    if school is None:
                        continue
                    path: tuple[Any, ...] = ("plans", adoption_index, "group") if group else ("people", role.holder)
                    problems.append(_where(
                        school_doc, school.id, path,
                        f"方案“{plan.id}”的{org.group}缺少{role_name}：学校档案的 people 中没有“{role.holder}”",
                        f"请在 people 中加上一行“{role.holder}: 姓名”，或在本方案下写 group: {{{role_name}: [姓名]}}；"
                        "暂时不知道的，可以加 --draft 先生成留有空白的草稿",
                    ))
        lines.append((role_name, "、".join(parts)))
    return lines, problems


def _item_when(item: ResolvedItem) -> str:
    when = item.when()
    if not item.deadline:
        return when
    single = bool(item.occurrences) and all(o.start == o.end for o in item.occurrences)
    return f"{when}前完成" if single or not item.occurrences else f"{when}内完成"


def _form_ref(form_id: str | None, attachments: list[str]) -> str:
    if not form_id or form_id not in attachments:
        return ""
    return f"填写附件{attachments.index(form_id) + 1}。"


def plan_document(
    resolved: ResolvedPlan,
    corpus: Corpus | None = None,
    *,
    school: School | None = None,
    adoption: Adoption | None = None,
    draft: bool = False,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
) -> GbtDocument:
    """Lay out a resolved plan as a GB/T 9704 document.

    Without ``school`` the result is the bare template with ____ blanks for the school's name,
    people and date (the site's "Word 模板"). With a school, missing people raise one
    :class:`GongyuError` listing everything missing, unless ``draft`` is set.
    """
    plan = resolved.plan
    school_name = school.name if school else BLANK
    group_lines, missing = leading_group(plan, school, adoption, school_doc=school_doc, adoption_index=adoption_index)
    if missing and school is not None and not draft:
        raise GongyuError(missing)
    out = _Outline()
    attachments = resolved.form_ids()
    attachment_titles = [
        (corpus.forms[f].title if corpus is not None and f in corpus.forms else f) for f in attachments
    ]

    # background and basis
    if plan.background or plan.legal_basis:
        out.section("背景和依据")
        for text in plan.background:
            out.para(text)
        if plan.legal_basis:
            out.para(f"主要依据：{_join_titles(list(plan.legal_basis))}。")

    # goals and targets
    if plan.goals or resolved.targets:
        out.section("工作目标")
        if plan.goals and resolved.targets:
            out.heading(2, 1, "总体目标")
            out.items(3, list(plan.goals))
            out.heading(2, 2, "具体指标")
            level_targets = 3
        else:
            out.items(2, list(plan.goals))
            level_targets = 2
        texts = []
        for target, value in resolved.targets:
            text = target.describe(value)
            remarks = ["学校自定"] if target.school_default else []
            if target.note and value == target.value:
                remarks.append(target.note.rstrip("。"))
            if remarks:
                text += f"（{'；'.join(remarks)}）"
            texts.append(_end(text))
        out.items(level_targets, texts)

    if plan.principles:
        out.section("工作原则")
        out.items(2, list(plan.principles))

    # organisation
    org = plan.organisation
    if org is not None:
        out.section("组织机构和职责")
        sub = 0
        sub += 1
        out.heading(2, sub, org.group)
        out.para(f"成立{org.group}，成员如下：")
        width = max(len(role) for role, _ in group_lines) if group_lines else 0
        for role, names in group_lines:
            out.para(f"{_pad_role(role, width)}：{names}")
        seen_duties: set[str] = set()
        for role in org.roles:
            if role.duty and role.role not in seen_duties:
                seen_duties.add(role.role)
                out.para(f"{role.role}职责：{_end(role.duty)}")
        if org.office:
            sub += 1
            out.heading(2, sub, "办公室")
            text = f"领导小组下设办公室，办公室设在{org.office}"
            text += f"，{_end(org.office_duty)}" if org.office_duty else "。"
            head = school.people.get(f"{org.office}主任") if school else None
            if head:
                text += f"办公室主任由{head}同志担任。"
            out.para(text)
        if org.units:
            sub += 1
            out.heading(2, sub, "职责分工")
            for u_index, unit in enumerate(org.units, start=1):
                out.heading(3, u_index, unit.unit)
                out.items(4, [_end(d) for d in unit.duties])

    # the plan's own sections
    def emit(level: int, n: int, section: Any) -> None:
        out.heading(level, n, section.title)
        for text in section.paragraphs:
            out.para(text)
        k = out.items(level + 1, [_end(t) for t in section.items])
        for sub_section in section.sections:
            emit(level + 1, k, sub_section)
            k += 1

    for section in plan.sections:
        out.top += 1
        emit(1, out.top, section)

    # phases with their dates
    if resolved.phases:
        out.section("实施步骤和时间安排")
        many = len(resolved.phases) > 1
        for p_index, phase in enumerate(resolved.phases, start=1):
            stage = f"第{chinese_number(p_index)}阶段：" if many else ""
            when = format_occurrences(phase.occurrences, weekday=True) if phase.occurrences and not phase.repeats else phase.when()
            out.heading(2, p_index, f"{stage}{phase.title}（{when}）")
            k = out.items(3, [_end(t) for t in phase.tasks])
            texts = []
            for event in resolved.phase_events(phase.id):
                texts.append(_event_text(event, attachments))
            out.items(3, texts, start=k)

    loose = resolved.loose_events()
    if loose:
        out.section("重要时间节点")
        out.items(2, [_event_text(e, attachments) for e in loose])

    if resolved.duties:
        out.section("经常性工作")
        texts = []
        chosen = {d.id for d in plan.duties if d.school_default}
        for duty in resolved.duties:
            rhythm = duty.rule.describe() + ("，频次学校自定" if duty.id in chosen else "")
            text = f"{duty.title}（{rhythm}，{duty.unit}负责）。"
            if duty.details:
                text += _end(duty.details)
            text += _form_ref(duty.form, attachments)
            texts.append(text)
        out.items(2, texts)

    for title, texts in (("工作要求", plan.requirements), ("预期效果", plan.outcomes), ("保障措施", plan.safeguards)):
        if texts:
            out.section(title)
            out.items(2, [_end(t) for t in texts])

    if school is not None and resolved.issue_date is not None:
        date = format_date(resolved.issue_date)
    else:
        date = "____年__月__日"
    title = resolved.title
    combined = f"{school_name}{title}"
    # the school's name on a line of its own when the whole title would not fit on one (or is a blank)
    title_lines = (school_name, title) if len(combined) > 20 or school is None else (combined,)
    return GbtDocument(
        title_lines=title_lines,
        blocks=tuple(out.blocks),
        attachments=tuple(attachment_titles),
        issuer=school_name,
        date=date,
        meta_title=combined.replace(BLANK, ""),
        meta_author=school.name if school else "共育",
        draft=draft or school is None,
    )


def _event_text(event: ResolvedItem, attachments: list[str]) -> str:
    when = _item_when(event)
    sep = "；" if ("、" in when or "：" in when) else "，"
    text = f"{event.title}（{when}{sep}{event.unit}负责）。"
    if event.details:
        text += _end(event.details)
    return text + _form_ref(event.form, attachments)


def template_document(plan: PlanTemplate, corpus: Corpus | None = None) -> GbtDocument:
    """The bare template of ``plan``: rules in words, ____ for the school's name, people and date."""
    return plan_document(resolve_plan(plan, None), corpus, draft=True)


# --- Word writer --------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: GB/T 9704 geometry in twentieths of a point (twips); 1 mm = 56.6929 twips.
def _mm(value: float) -> int:
    return round(value * 1440 / 25.4)


PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = _mm(37), _mm(35), _mm(28), _mm(26)
FOOTER_DISTANCE = _mm(22)  # puts the page number's dashes about 7 mm below the text block
LINE_PITCH = 579  # 225 mm / 22 lines, in twips
BODY_PT = 16

#: East-Asian font per role, with the name Word/WPS should fall back to.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"
_FONT_TABLE = {
    # name: (altName, panose, family, pitch)
    "方正小标宋简体": ("宋体", "02000000000000000000", "script", "variable"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}


def _condense_twips() -> int:
    """Character spacing (twentieths of a point, negative) that fits 28 body characters in a line."""
    width_pt = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / 20
    return math.floor((width_pt / 28 - BODY_PT) * 20) - 1



def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _rpr(east: str, size_pt: float, *, latin: str = FONT_LATIN, bold: bool = False) -> Any:
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east, cs=latin, hint="eastAsia"))
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    rpr.append(_el("w:color", val="000000"))
    if size_pt == BODY_PT:
        rpr.append(_el("w:spacing", val=str(_condense_twips())))
    rpr.append(_el("w:kern", val="0"))
    rpr.append(_el("w:sz", val=str(round(size_pt * 2))))
    rpr.append(_el("w:szCs", val=str(round(size_pt * 2))))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    return rpr


def _ppr(*, jc: str = "both", first_chars: int = 200, first_twips: int = 640, line: int = LINE_PITCH,
         outline: int | None = None, keep_next: bool = False, snap: bool = True, right_chars: int = 0) -> Any:
    ppr = _el("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    ppr.append(_el("w:widowControl", val="0"))
    # no automatic gap between Chinese and digits/Latin: dates read 2026年9月1日, not 2026 年 9 月
    ppr.append(_el("w:autoSpaceDE", val="0"))
    ppr.append(_el("w:autoSpaceDN", val="0"))
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line=str(line), lineRule="exact"))
    ind = {"firstLineChars": str(first_chars), "firstLine": str(first_twips)} if first_chars else {"firstLine": "0", "firstLineChars": "0"}
    if right_chars:
        ind.update(rightChars=str(right_chars), right=str(right_chars * 160))
    ppr.append(_el("w:ind", **ind))
    ppr.append(_el("w:jc", val=jc))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=str(outline)))
    return ppr


def _restyle(styles: Any, style_id: str, name: str, ppr: Any, rpr: Any, *, based_on: str | None = "Normal") -> None:
    from docx.oxml.ns import qn

    element = None
    for candidate in styles.findall(qn("w:style")):
        if candidate.get(qn("w:styleId")) == style_id:
            element = candidate
            break
    if element is None:
        element = _el("w:style", type="paragraph", styleId=style_id, customStyle="1")
        element.append(_el("w:name", val=name))
        styles.append(element)
    for child in list(element):
        if child.tag in (qn("w:pPr"), qn("w:rPr"), qn("w:rsid"), qn("w:link"), qn("w:basedOn")):
            element.remove(child)
    if based_on:
        element.insert(1, _el("w:basedOn", val=based_on))
    element.append(ppr)
    element.append(rpr)


def _font_table_xml() -> bytes:
    entries = []
    for name, (alt, panose, family, pitch) in _FONT_TABLE.items():
        entries.append(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    entries.append('<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
                   '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts xmlns:w="{_W}">' + "".join(entries) + "</w:fonts>").encode("utf-8")


def _page_field_runs(paragraph: Any) -> None:
    """``— PAGE —`` as a real field, so Word and WPS number every page."""
    def run(child: Any = None, text: str | None = None) -> None:
        r = _el("w:r")
        if child is not None:
            r.append(child)
        if text is not None:
            t = _el("w:t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
        paragraph._p.append(r)

    run(text="— ")
    run(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    run(text="1")
    run(_el("w:fldChar", fldCharType="end"))
    run(text=" —")


def setup_page(section: Any, *, landscape: bool = False, grid: bool = True, margins_mm: tuple[float, float, float, float] | None = None) -> None:
    """Page size, margins and (for GB/T documents) the 22 × 28 document grid of a section."""
    from docx.oxml.ns import qn

    sect = section._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:docGrid", "w:cols"):
        for old in sect.findall(qn(tag)):
            sect.remove(old)
    if landscape:
        sect.append(_el("w:pgSz", w=str(PAGE_H), h=str(PAGE_W), orient="landscape"))
    else:
        sect.append(_el("w:pgSz", w=str(PAGE_W), h=str(PAGE_H)))
    if margins_mm:
        top, right, bottom, left = (str(_mm(v)) for v in margins_mm)
    else:
        top, right, bottom, left = (str(v) for v in (MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT))
    sect.append(_el("w:pgMar", top=top, right=right, bottom=bottom, left=left,
                    header=str(_mm(15)), footer=str(FOOTER_DISTANCE if not margins_mm else _mm(8)), gutter="0"))
    sect.append(_el("w:cols", space="425"))
    if grid:
        # A line grid plus slightly condensed body characters gives 28 per line in Word, WPS and
        # LibreOffice alike; a character grid (linesAndChars) is drawn at 14 per line by LibreOffice.
        sect.append(_el("w:docGrid", type="lines", linePitch=str(LINE_PITCH)))
    else:
        sect.append(_el("w:docGrid", linePitch="312"))


def _setup_footers(document: Any) -> None:
    """Odd pages: number right; even pages: number left (evenAndOddHeaders)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        paragraph.alignment = align
        _page_field_runs(paragraph)
        ind = paragraph.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            ind.right_indent = 14 * 12700  # one 4号 character from the text block's edge
        else:
            ind.left_indent = 14 * 12700


def base_styles(document: Any) -> None:
    """Replace python-docx's default styles with the GB/T ones (shared by every Word file we write)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = parse_xml(
        f'<w:docDefaults xmlns:w="{_W}"><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{FONT_LATIN}" w:hAnsi="{FONT_LATIN}" w:eastAsia="{FONT_BODY}" w:cs="{FONT_LATIN}"/>'
        '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    styles.insert(0, defaults)
    _restyle(styles, "Normal", "Normal", _ppr(), _rpr(FONT_BODY, BODY_PT), based_on=None)
    _restyle(styles, "GbTitle", "公文标题", _ppr(jc="center", first_chars=0), _rpr(FONT_TITLE, 22, latin=FONT_TITLE))
    _restyle(styles, "Heading1", "heading 1", _ppr(outline=0, keep_next=True), _rpr(FONT_H1, BODY_PT, latin=FONT_H1))
    _restyle(styles, "Heading2", "heading 2", _ppr(outline=1, keep_next=True), _rpr(FONT_H2, BODY_PT, latin=FONT_H2))
    _restyle(styles, "Heading3", "heading 3", _ppr(outline=2, keep_next=True), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "Heading4", "heading 4", _ppr(outline=3, keep_next=True), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "GbSignature", "发文机关署名", _ppr(jc="right", first_chars=0), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "Footer", "footer", _ppr(jc="right", first_chars=0, line=340, snap=False),
             _rpr(FONT_PAGE, 14, latin=FONT_PAGE))
    for package_part in document.part.package.iter_parts():
        if str(package_part.partname) == "/word/fontTable.xml":
            package_part._blob = _font_table_xml()
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            rels.pop(rid)  # python-docx's preview picture shows an empty page
    for preview in document.settings.element.findall(qn("w:savePreviewPicture")):
        document.settings.element.remove(preview)
    _prune(document)


#: Styles every file keeps; python-docx's template carries ~160 more (and 800 KB of XML).
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Footer", "Header",
                "Heading1", "Heading2", "Heading3", "Heading4"}


def _prune(document: Any) -> None:
    """Drop what the template carries but no generated file uses, so each file is small and quick."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        style_id = style.get(qn("w:styleId")) or ""
        if style_id not in _KEEP_STYLES and not style_id.startswith("Gb"):
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    kept = {style.get(qn("w:styleId")) for style in styles.findall(qn("w:style"))}
    for style in styles.findall(qn("w:style")):
        for ref in ("w:link", "w:next", "w:basedOn"):
            for child in style.findall(qn(ref)):
                if child.get(qn("w:val")) not in kept:
                    style.remove(child)
    rels = document.part.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "webSettings", "customXml", "numbering"):
            rels.pop(rid)


@dataclass(frozen=True)
class DocxBase:
    """A prepared Word package (styles, fonts, page set-up, footers) to pour a body into.

    Built once per process with python-docx, then every document only replaces
    ``word/document.xml`` and ``docProps/core.xml`` and is zipped once with pinned timestamps.
    """

    entries: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_document(cls, document: Any) -> DocxBase:
        buffer = io.BytesIO()
        document.save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
            entries = tuple((info.filename, source.read(info.filename)) for info in source.infolist())
        return cls(entries)

    def part(self, name: str) -> bytes:
        for entry, data in self.entries:
            if entry == name:
                return data
        raise KeyError(name)

    def body_root(self) -> Any:
        """A fresh parsed ``word/document.xml`` whose body holds only the section properties."""
        from lxml import etree

        return etree.fromstring(self.part("word/document.xml"))

    def fill(self, document_root: Any, *, title: str, author: str) -> bytes:
        """The finished .docx: this package with the given body and core properties."""
        from lxml import etree

        xml = etree.tostring(document_root, xml_declaration=True, encoding="UTF-8", standalone=True)
        replaced = {"word/document.xml": xml, "docProps/core.xml": core_xml(title, author), "docProps/app.xml": _APP_XML}
        entries = [(name, replaced.get(name, data)) for name, data in self.entries]
        first = [e for e in entries if e[0] == "[Content_Types].xml"]
        return write_zip(first + [e for e in entries if e[0] != "[Content_Types].xml"])


#: ``docProps/app.xml`` naming the generator (python-docx's template claims "Microsoft Macintosh Word").
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>共育 gongyu</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode("utf-8")


@lru_cache(maxsize=1)
def _plan_base() -> DocxBase:
    from docx import Document

    document = Document()
    base_styles(document)
    setup_page(document.sections[0])
    _setup_footers(document)
    return DocxBase.from_document(document)


_WNS = "{%s}" % _W
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])


def xml_text(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (pasted from Word, say)."""
    return text.translate(_CONTROL)


def make_paragraph(style_id: str, text: str = "", *, number: str = "", right_twips: int | None = None,
                   left_twips: int | None = None, first_twips: int | None = None, jc: str | None = None) -> Any:
    """``<w:p>`` with a style (by id) and plain runs, built directly with lxml.

    python-docx looks styles up by name with a linear scan per paragraph; building the XML
    directly is many times faster and gives the same markup.
    """
    from lxml import etree

    p = etree.Element(_WNS + "p")
    ppr = etree.SubElement(p, _WNS + "pPr")
    etree.SubElement(ppr, _WNS + "pStyle").set(_WNS + "val", style_id)
    if right_twips is not None or left_twips is not None or first_twips is not None:
        ind = etree.SubElement(ppr, _WNS + "ind")
        if left_twips is not None:
            ind.set(_WNS + "left", str(left_twips))
            ind.set(_WNS + "leftChars", "0")
        if right_twips is not None:
            ind.set(_WNS + "right", str(right_twips))
            ind.set(_WNS + "rightChars", "0")
        if first_twips is not None:
            ind.set(_WNS + "firstLine", str(first_twips))
            ind.set(_WNS + "firstLineChars", "0")
    if jc:
        etree.SubElement(ppr, _WNS + "jc").set(_WNS + "val", jc)
    for chunk in (number, text):
        if not chunk:
            continue
        r = etree.SubElement(p, _WNS + "r")
        t = etree.SubElement(r, _WNS + "t")
        t.text = xml_text(chunk)
        if chunk != chunk.strip():
            t.set(_XML_SPACE, "preserve")
    return p


def append_to_body(root: Any, element: Any) -> None:
    """Add a paragraph or table at the end of the body, before its ``sectPr``."""
    body = root.find(_WNS + "body")
    sect = body.find(_WNS + "sectPr")
    if sect is not None:
        sect.addprevious(element)
    else:
        body.append(element)


def core_xml(title: str, author: str) -> bytes:
    """``docProps/core.xml`` with pinned dates (``SOURCE_DATE_EPOCH`` or a constant)."""
    from xml.sax.saxutils import escape

    when = build_instant().strftime("%Y-%m-%dT%H:%M:%SZ")
    title, author = escape(xml_text(title)), escape(xml_text(author))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def render_docx(doc: GbtDocument) -> bytes:
    """The document as a .docx in the GB/T 9704 layout (deterministic bytes)."""
    base = _plan_base()
    root = base.body_root()

    def add(style_id: str, text: str = "", **kwargs: Any) -> None:
        append_to_body(root, make_paragraph(style_id, text, **kwargs))

    for line in doc.title_lines:
        add("GbTitle", line)
    add("Normal")  # one empty line under the title
    for block in doc.blocks:
        if block.kind == "heading" and 1 <= block.level <= 4:
            add(f"Heading{block.level}", block.text, number=block.number)
        else:
            add("Normal", block.text, number=block.number)
    if doc.attachments:
        add("Normal")
        for index, name in enumerate(doc.attachments, start=1):
            if index == 1:
                add("Normal", f"附件：{index}. {name}")
            else:  # aligned under the first number: 2 characters of indent + "附件："
                add("Normal", f"{index}. {name}", first_twips=5 * BODY_PT * 20)
    add("Normal")
    add("Normal")
    issuer_right, date_right = signature_indents(doc.issuer, doc.date)
    add("GbSignature", doc.issuer, right_twips=round(issuer_right * BODY_PT * 20))
    add("GbSignature", doc.date, right_twips=round(date_right * BODY_PT * 20))
    return base.fill(root, title=doc.meta_title, author=doc.meta_author)


def char_width(text: str) -> float:
    """Width in characters: CJK 1, ASCII ½ (for right-aligned signature blocks)."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != "—" else 1.0 for ch in text)


def signature_indents(issuer: str, date: str) -> tuple[float, float]:
    """Right indents in characters: the date 4 characters in, the issuer centred over the date."""
    date_right = 4.0
    issuer_right = max(0.0, date_right + (char_width(date) - char_width(issuer)) / 2)
    return issuer_right, date_right


# --- deterministic zip --------------------------------------------------------------------------

def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """The pinned instant as a zip ``date_time`` (zip cannot go before 1980)."""
    instant = build_instant()
    if instant.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (instant.year, instant.month, instant.day, instant.hour, instant.minute, instant.second - instant.second % 2)


def write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` in the given order with fixed timestamps and attributes."""
    stamp = zip_timestamp()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an Office file's zip with pinned timestamps (python-docx writes the current time)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    content_types = [e for e in entries if e[0] == "[Content_Types].xml"]
    rest = [e for e in entries if e[0] != "[Content_Types].xml"]
    return write_zip(content_types + rest)


def plan_docx(
    resolved: ResolvedPlan,
    corpus: Corpus | None = None,
    **kwargs: Any,
) -> bytes:
    """Shortcut: :func:`plan_document` then :func:`render_docx`."""
    return render_docx(plan_document(resolved, corpus, **kwargs))


__all__ = [
    "BLANK",
    "Block",
    "GbtDocument",
    "leading_group",
    "normalize_zip",
    "number_label",
    "plan_docx",
    "plan_document",
    "render_docx",
    "template_document",
    "write_zip",
]
