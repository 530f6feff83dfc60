"""Packs that fit the school: a kindergarten, a senior high school and a special-education school.

Each example profile (plans/schools/yunxi-youeryuan, jinping-gaozhong, heshan-teshu) is built as a
county would get it (Word, PDF, calendar.ics, 行事历, stamped forms) and read back: Word with
python-docx, PDFs with pdftotext, the ICS as text. A pack holds nothing its school does not have,
no heading is left empty (in the Word XML and in the PDF text), and every date is on a day the
school is open. A kindergarten that adopts 控辍保学 gets a located error, from a YAML profile and
from a row of a county's school list.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.errors import GongyuError
from generator.load import parse_yaml, validate
from generator.models.school import School
from generator.packs import build_pack, build_packs, resolve_profile
from generator.pipeline import load_corpus
from generator.resolve.document import Block, GbtDocument, settle_headings

from .conftest import REPO
from .helpers import docx_text

KINDERGARTEN, SENIOR, SPECIAL = "yunxi-youeryuan", "jinping-gaozhong", "heshan-teshu"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING = re.compile(r"^Heading([1-4])$")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="需要 poppler-utils（pdftotext）")


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(REPO)


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):  # type: ignore[no-untyped-def]
    """{school id: pack folder} for the three new example profiles, built in full (PDF and forms too)."""
    out = tmp_path_factory.mktemp("types")
    return {school_id: build_pack(corpus.schools[school_id], corpus, out) for school_id in (KINDERGARTEN, SENIOR, SPECIAL)}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          timeout=120).stdout.decode("utf-8")


def _texts(folder: Path, *, pdf: bool) -> dict[str, str]:
    """Every text a county reads in a pack: Word files, README, ICS and (with ``pdf``) every PDF."""
    texts = {path.name: docx_text(path) for path in sorted(folder.glob("*.docx"))}
    texts["README.txt"] = (folder / "README.txt").read_text(encoding="utf-8-sig")
    texts["calendar.ics"] = (folder / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    if pdf:
        for path in sorted(folder.rglob("*.pdf")):
            texts[str(path.relative_to(folder))] = _pdf_text(path)
    return texts


def _found(texts: dict[str, str], pattern: str) -> list[tuple[str, str]]:
    return [(name, match.group(0)) for name, text in texts.items() for match in re.finditer(pattern, text)]


def _squash(text: str) -> str:
    """pdftotext breaks lines wherever the page does: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------------------------------------
# What each pack holds
# ------------------------------------------------------------------------------------------------


def test_examples_cover_the_new_school_types(corpus) -> None:  # type: ignore[no-untyped-def]
    assert {corpus.schools[s].type for s in (KINDERGARTEN, SENIOR, SPECIAL)} == {"幼儿园", "高中", "特殊教育学校"}


def test_a_kindergarten_pack_holds_nothing_a_kindergarten_does_not_have(built) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(built[KINDERGARTEN], pdf=bool(shutil.which("pdftotext")))
    assert len(texts) > 10
    # homework, dropping out, school subjects and posts a kindergarten has not
    assert not _found(texts, r"作业|辍学|控辍|道德与法治|信息科技|少先队|任课教师|主题班会"), _found(
        texts, r"作业|辍学|控辍|道德与法治|信息科技|少先队|任课教师|主题班会")
    # its own posts and words: 园长, 保教, 小班—大班; never 校长 (法治副校长 is an appointee's title)
    everything = "\n".join(texts.values())
    assert "园长" in everything and "保教主任" in everything and "保教处" in everything
    # (the parent school's own 家长学校校长 keeps its title)
    principal = r"(?<!法治副)(?<!家长学校)(?<!家长学校副)校长"
    assert not re.search(principal, everything), re.findall(".{8}" + principal + ".{4}", everything)[:5]
    assert "小班新生" in texts["jiazhang-xuexiao.docx"] and "大班家长升学衔接" in texts["jiazhang-xuexiao.docx"]
    assert "陪伴帮扶幼儿：每天" in texts["liushou-guanai.docx"]
    assert "（幼儿园自定" in texts["tingke-buting.docx"] and "学校自定" not in everything
    assert "《中华人民共和国学前教育法》" in texts["liushou-guanai.docx"]
    assert "义务教育法" not in everything
    assert texts["README.txt"].startswith("云溪县白沙镇中心幼儿园 幼儿园方案包") and "已印上幼儿园名称" in texts["README.txt"]
    assert "根据本园采用的4份工作方案汇总" in texts["xingshili.docx"] and "以幼儿园通知为准" in texts["xingshili.docx"]
    # the kindergarten's own forms, not the school ones
    forms = {p.stem for p in (built[KINDERGARTEN] / "forms").glob("*.pdf")}
    assert {"daili-wugeyi-youer", "liushou-dangan-youer", "jiafang-jilu-youer", "jujia-xuexi-xuzhi-youer"} <= forms
    assert not forms & {"daili-wugeyi", "liushou-dangan", "jiafang-jilu", "jujia-xuexi-xuzhi", "tingke-jujia"}


def test_a_senior_high_pack_has_its_own_stage_only(built) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(built[SENIOR], pdf=False)
    other_stages = r"(?<!中)小学|低年级|初中|义务教育|辍学|少先队|小升初|[七八九]年级|(?<!高)[一二三四五六]年级"
    assert not _found(texts, other_stages), _found(texts, other_stages)
    parents = texts["jiazhang-xuexiao.docx"]
    assert "按学段选用课程\n1.高中：生涯规划和选科" in parents  # the heading is no longer empty
    assert "高一年级新生" in parents and "高三年级家长升学衔接" in parents
    assert "高中学生可以使用自评问卷" in texts["xinli-weiji.docx"]


def test_a_special_education_pack_has_home_teaching_and_its_families(built) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(built[SPECIAL], pdf=False)
    dropout = texts["kongchuo-baoxue.docx"]
    assert "送教上门" in dropout and "个别化教育计划" in dropout
    assert re.search(r"送教上门（每周，频次学校自定，送教小组负责）", dropout)
    assert "残疾儿童家庭的指导和支持" in texts["jiazhang-xuexiao.docx"]
    assert "送教上门" in texts["tingke-buting.docx"] and "送教上门" in texts["xingshili.docx"]
    assert "送教上门" in texts["calendar.ics"]
    assert (built[SPECIAL] / "forms" / "songjiao-jilu.pdf").is_file()
    assert not (built[KINDERGARTEN] / "forms" / "songjiao-jilu.pdf").exists()


def test_other_schools_get_no_kindergarten_or_special_education_lines(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = build_pack(corpus.schools["qingshan-xiaoxue"], corpus, tmp_path, pdf=False)
    texts = _texts(folder, pdf=False)
    words = r"送教小组|个别化教育计划|幼儿(?!园安全管理办法)|小班|保教(?!师)|园长"  # 包保教师: a teacher on duty
    assert not _found(texts, words), _found(texts, words)
    assert "辅导帮扶学生的作业：每天" in texts["liushou-guanai.docx"]


# ------------------------------------------------------------------------------------------------
# No empty heading
# ------------------------------------------------------------------------------------------------


def _headings(docx: Path) -> list[tuple[int, str]]:
    """(level, text) of every body paragraph; level 0 for a paragraph that is not a heading."""
    with zipfile.ZipFile(docx) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    found = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        match = HEADING.match(style.get(f"{W}val") if style is not None else "")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if match or text.strip():
            found.append((int(match.group(1)) if match else 0, text))
    return found


def _empty_headings(paragraphs: list[tuple[int, str]]) -> list[str]:
    empty = []
    for index, (level, text) in enumerate(paragraphs):
        if not level:
            continue
        after = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if after is None or (after[0] and after[0] <= level):
            empty.append(text)
    return empty


def test_no_pack_has_an_empty_heading_in_word(corpus, built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folders = dict(built)
    for school_id in sorted(set(corpus.schools) - set(built)):
        folders[school_id] = build_pack(corpus.schools[school_id], corpus, tmp_path, pdf=False, forms=False, draft=True)
    seen = 0
    for school_id, folder in sorted(folders.items()):
        for docx in sorted(folder.glob("*.docx")):
            paragraphs = _headings(docx)
            seen += sum(1 for level, _ in paragraphs if level)
            assert not _empty_headings(paragraphs), (school_id, docx.name, _empty_headings(paragraphs))
    assert seen > 300


@needs_poppler
def test_no_pack_has_an_empty_heading_in_pdf(built) -> None:  # type: ignore[no-untyped-def]
    """Every heading of the Word file is in the PDF, in order, with text under it before the next one of its level."""
    for school_id, folder in sorted(built.items()):
        for docx in sorted(folder.glob("*.docx")):
            if docx.stem == "xingshili":
                continue
            pdf = _squash(_pdf_text(docx.with_suffix(".pdf")))
            pdf = re.sub(r"—\d+—", "", pdf)  # page numbers
            paragraphs = [(level, _squash(text)) for level, text in _headings(docx)]
            headings = [(i, level, text) for i, (level, text) in enumerate(paragraphs) if level]
            places = []
            at = 0
            for _, _, text in headings:
                found = pdf.find(text, at)
                assert found >= 0, (school_id, docx.name, text)
                places.append((found, found + len(text)))
                at = found + len(text)
            for n, (_i, level, text) in enumerate(headings):
                nxt = next((places[m][0] for m in range(n + 1, len(headings)) if headings[m][1] <= level), None)
                end = nxt if nxt is not None else len(pdf)
                assert pdf[places[n][1]:end].strip(), (school_id, docx.name, text)


def test_settle_headings_drops_empty_ones_and_renumbers() -> None:
    blocks = [
        Block("heading", "甲", 1, "一、"), Block("para", "正文"),
        Block("heading", "乙", 1, "二、"), Block("heading", "乙一", 2, "（一）"),  # 乙一 empty, then 乙 too
        Block("heading", "丙", 1, "三、"), Block("heading", "丙一", 2, "（一）"),
        Block("heading", "空", 2, "（二）"),
        Block("heading", "丙三", 2, "（三）"), Block("para", "第一条", 3, "1."), Block("para", "第二条", 3, "2."),
        Block("heading", "丁", 1, "四、"),  # the last block: empty
    ]
    settled = settle_headings(blocks)
    assert [b.full_text for b in settled] == ["一、甲", "正文", "二、丙", "（一）丙三", "1.第一条", "2.第二条"]
    # every document gets it, whoever builds it
    document = GbtDocument(title_lines=("题",), blocks=tuple(blocks))
    assert [b.full_text for b in document.blocks] == [b.full_text for b in settled]
    # a document without empty headings keeps its blocks as they are
    assert settle_headings(settled) == settled


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------


def test_every_date_is_on_a_day_the_school_is_open(corpus) -> None:  # type: ignore[no-untyped-def]
    import icalendar

    for school_id in (KINDERGARTEN, SENIOR, SPECIAL):
        resolved = resolve_profile(corpus.schools[school_id], corpus)
        year = resolved.year
        singles = 0
        for plan in resolved.plans:
            for item in (*plan.phases, *plan.events):
                for occ in item.occurrences:
                    if occ.start != occ.end:  # an event's span in term starts and ends on school days
                        if item.kind == "event" and year.window(occ.start).is_term and year.window(occ.end).is_term:
                            assert year.is_school_day(occ.start) and year.is_school_day(occ.end), (school_id, item.id, occ)
                        continue
                    singles += 1
                    assert year.is_open_day(occ.start), (school_id, item.id, occ.start)
                    if year.window(occ.start).is_term:
                        assert year.is_school_day(occ.start), (school_id, item.id, occ.start)
        assert singles >= 3
        from generator.render.ics import calendar_ics

        cal = icalendar.Calendar.from_ical(calendar_ics(school_id, resolved.school.name, year, resolved.plans))
        for event in cal.walk("VEVENT"):
            start = event.decoded("DTSTART")
            if "RRULE" not in event and (event.decoded("DTEND") - start) == dt.timedelta(days=1):
                assert year.is_open_day(start), (school_id, str(event["SUMMARY"]), start)


# ------------------------------------------------------------------------------------------------
# Plans that do not fit the school type; roles by type
# ------------------------------------------------------------------------------------------------


def _profile(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = parse_yaml(text, str(path))
    return validate(School, doc), doc


KINDERGARTEN_YAML = """id: xiaoyang-youeryuan
name: 小羊幼儿园
type: 幼儿园
place: {province: 湖南省, county: 云溪县}
authority: 云溪县教育局
year: 2026-2027
people: {园长: 甲, 分管副园长: 乙, 保教主任: 丙, 总务处主任: 丁, 心理辅导教师: 戊, 家长委员会主任: 己}
plans:
  - plan: tingke-buting
  - plan: kongchuo-baoxue
"""


def test_a_kindergarten_adopting_kongchuo_gets_a_located_error(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    school, doc = _profile(tmp_path, "小羊.yml", KINDERGARTEN_YAML)
    with pytest.raises(GongyuError) as caught:
        build_pack(school, corpus, tmp_path / "out", doc=doc, pdf=False)
    (problem,) = caught.value.problems
    assert (Path(problem.path).name, problem.line, problem.column) == ("小羊.yml", 10, 11)
    assert "方案“kongchuo-baoxue”（控辍保学）不适用于幼儿园" in problem.message
    assert "学前教育不属于义务教育" in problem.message
    assert "请从 plans 中删去这一项" in problem.hint and "tingke-buting" in problem.hint and "kongchuo" not in problem.hint
    # the same profile without it builds, and tingke-buting asks no 信息科技教师 of a kindergarten
    school, doc = _profile(tmp_path, "小羊2.yml", KINDERGARTEN_YAML.replace("  - plan: kongchuo-baoxue\n", ""))
    folder = build_pack(school, corpus, tmp_path / "out", doc=doc, pdf=False)
    assert "信息科技" not in docx_text(folder / "tingke-buting.docx")


def test_a_senior_high_school_still_needs_its_information_technology_teacher(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = KINDERGARTEN_YAML.replace("type: 幼儿园", "type: 高中").replace("  - plan: kongchuo-baoxue\n", "")
    text = text.replace("{园长: 甲, 分管副园长: 乙, 保教主任: 丙,", "{校长: 甲, 分管副校长: 乙, 教导处主任: 丙, 德育处主任: 庚,")
    school, doc = _profile(tmp_path, "高中.yml", text)
    with pytest.raises(GongyuError) as caught:
        build_pack(school, corpus, tmp_path / "out", doc=doc, pdf=False)
    messages = [p.message for p in caught.value.problems]
    assert messages == ["方案“tingke-buting”的停课不停学工作领导小组缺少成员：学校档案的 people 中没有“信息科技教师”"]


def test_senior_and_office_types_are_refused_the_plans_that_are_not_theirs(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = KINDERGARTEN_YAML.replace("type: 幼儿园", "type: 高中").replace("tingke-buting", "xiangzhen-kongchuo")
    school, doc = _profile(tmp_path, "高中2.yml", text)
    with pytest.raises(GongyuError) as caught:
        build_pack(school, corpus, tmp_path / "out", doc=doc, pdf=False)
    messages = sorted(p.message for p in caught.value.problems)
    assert messages == ["方案“kongchuo-baoxue”（控辍保学）不适用于高中学校：这份方案只用于有小学、初中的学校",
                        "方案“xiangzhen-kongchuo”（控辍保学）不适用于高中学校：这份方案只用于教育管理中心"]


def test_the_school_list_reports_an_unfit_plan_at_its_cell(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "学校名单"
    # a county's list has no 园长 column: its 校长 column names the kindergarten's 园长, and so on
    sheet.append(["学校编号", "学校名称", "学校类型", "省", "县", "主管单位", "学年", "校长", "分管副校长", "教导处主任",
                  "采用方案", "家长委员会主任", "心理辅导教师"])
    sheet.append(["baiyun-yey", "白云幼儿园", "幼儿园", "湖南省", "云溪县", "云溪县教育局", "2026-2027", "甲", "乙", "丙",
                  "kongchuo-baoxue", "丁", "戊"])
    sheet.append(["lvye-yey", "绿叶幼儿园", "幼儿园", "湖南省", "云溪县", "云溪县教育局", "2026-2027", "甲", "乙", "丙",
                  "jiazhang-xuexiao", "丁", "戊"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    result = build_packs([path], corpus, tmp_path / "out", jobs=1, pdf=False, progress=False)
    assert [p.name for p in result.built] == ["lvye-yey"]
    text = "\n".join(f.format() for f in result.failed)
    assert "名单.xlsx:第2行 K列: 方案“kongchuo-baoxue”（控辍保学）不适用于幼儿园" in text, text
    assert "学前教育不属于义务教育" in text
    assert "请在“采用方案”一列（第2行 K列）删去 kongchuo-baoxue" in text
    # the 校长 column became the 园长 of the kindergarten's leading group
    assert "家长学校校长：甲（园长）" in docx_text(tmp_path / "out" / "lvye-yey" / "jiazhang-xuexiao.docx")


# ------------------------------------------------------------------------------------------------
# Templates say whom each part fits
# ------------------------------------------------------------------------------------------------


def test_templates_mark_type_limited_parts(corpus) -> None:  # type: ignore[no-untyped-def]
    from generator.render.docx.gbt import template_document

    text = template_document(corpus.plans["liushou-guanai"], corpus).text()
    assert "【幼儿园除外】辅导帮扶学生的作业" in text and "【仅幼儿园】陪伴帮扶幼儿" in text
    assert "【仅特殊教育学校】残疾留守儿童" in text
    dropout = template_document(corpus.plans["kongchuo-baoxue"], corpus).text()
    assert "【仅特殊教育学校】送教上门" in dropout


@pytest.mark.parametrize("school_type, words", [
    ("幼儿园", r"作业|辍学|控辍|道德与法治|信息科技|少先队|任课教师|主题班会|义务教育法"
              r"|(?<!法治副)(?<!家长学校)(?<!家长学校副)校长"),
    ("高中", r"(?<!中)小学|低年级|初中|义务教育|辍学|少先队|小升初|[七八九]年级|(?<!高)[一二三四五六]年级"
            r"|小班|幼儿(?!园安全管理办法)"),
])
def test_every_plan_a_type_may_adopt_fits_it(corpus, school_type, words, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Not only the examples: a school of the type adopting every plan that fits it gets none of the other types' text."""
    from generator.check.profile import fitting_plans
    from generator.packs import pack_files
    from generator.resolve.school import resolve_school

    probe = corpus.schools[KINDERGARTEN if school_type == "幼儿园" else SENIOR]
    plans = fitting_plans(probe, corpus)
    assert len(plans) >= 9 and "kongchuo-baoxue" not in plans
    school = probe.model_copy(update={"plans": [type(probe.plans[0])(plan=p) for p in plans]})
    content = pack_files(resolve_school(school, corpus, draft=True), corpus, pdf=False, forms=False)
    texts = {}
    for name, data in content.files.items():
        if name.endswith(".docx"):
            (tmp_path / name).write_bytes(data)
            texts[name] = docx_text(tmp_path / name)
        else:
            texts[name] = data.decode("utf-8-sig").replace("\r\n ", "")
    assert len(texts) == len(plans) + 3
    assert not _found(texts, words), _found(texts, words)
    for name in texts:
        if name.endswith(".docx"):
            assert not _empty_headings(_headings(tmp_path / name)), name


def test_a_section_left_with_nothing_for_the_school_prints_no_heading(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The 高中 pack's 「（一）按学段选用课程」 stood empty before the course table had a 高中 row: take the row out again."""
    import dataclasses

    from generator.models.plan import PlanTemplate
    from generator.render.docx.gbt import render_docx
    from generator.resolve.school import resolve_school

    path = REPO / "plans" / "jiazhang-xuexiao.yml"
    text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                   if "高中：生涯规划和选科" not in line)
    plan = validate(PlanTemplate, parse_yaml(text, "jiazhang-xuexiao.yml"))
    without_row = dataclasses.replace(corpus, plans={**corpus.plans, plan.id: plan})
    school = corpus.schools[SENIOR].model_copy(update={"plans": [corpus.schools[SENIOR].plans[0]]})
    assert school.plans[0].plan == "jiazhang-xuexiao"
    (document,) = resolve_school(school, without_row).documents
    (tmp_path / "plan.docx").write_bytes(render_docx(document))
    paragraphs = _headings(tmp_path / "plan.docx")
    titles = [text for level, text in paragraphs if level]
    assert not any(t.endswith("按学段选用课程") for t in titles) and "（一）跨学段专题" in titles
    assert not _empty_headings(paragraphs)
    # numbering closes the gap: 跨学段专题 is now the first sub-section of its part
    (number,) = [b.number for b in document.blocks if b.text == "跨学段专题"]
    assert number == "（一）"


def test_a_complete_secondary_school_gets_both_stages_once(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """完全中学: the 初中 and the 高中 course rows, and a line written for both stages only once."""
    from generator.packs import pack_files
    from generator.resolve.school import resolve_school

    probe = corpus.schools[SENIOR]
    adopt = type(probe.plans[0])
    school = probe.model_copy(update={"type": "完全中学", "plans": [adopt(plan=p) for p in
                                                                  ("jiazhang-xuexiao", "jiaolianti", "liushou-guanai")]})
    content = pack_files(resolve_school(school, corpus, draft=True), corpus, pdf=False, forms=False)
    texts = {}
    for name in ("jiazhang-xuexiao", "jiaolianti", "liushou-guanai"):
        (tmp_path / f"{name}.docx").write_bytes(content.files[f"{name}.docx"])
        texts[name] = docx_text(tmp_path / f"{name}.docx")
    assert "初中：青春期沟通" in texts["jiazhang-xuexiao"] and "高中：生涯规划和选科" in texts["jiazhang-xuexiao"]
    assert "七年级和高一年级新生" in texts["jiazhang-xuexiao"]
    assert texts["jiaolianti"].count("信息互通：") == 1
    assert "按规定落实普通高中学生资助政策" in texts["liushou-guanai"] and "落实免费义务教育和资助政策" in texts["liushou-guanai"]
