"""What a principal would otherwise fix by hand before sending the pack to the county.

Each test reads the pack as it comes out (Word text via python-docx, the README, the ICS) for
the example schools and both school years.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.pipeline import load_corpus
from generator.load import parse_yaml, validate
from generator.packs import build_pack

from .conftest import REPO
from .test_wording import YEARS, docx_text

SENIOR = re.compile(r"高中|高[一二三](?![十个项])|选考")


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(REPO)


@pytest.fixture(scope="module")
def packs(corpus, tmp_path_factory):  # type: ignore[no-untyped-def]
    """{(school id, year): {name: text}}: every Word document, the README and the ICS of each pack."""
    out = tmp_path_factory.mktemp("principal")
    found = {}
    for school_id, school in sorted(corpus.schools.items()):
        for year in YEARS:
            folder = build_pack(school, corpus, out / year, year=year, pdf=False, forms=False)
            texts = {path.stem: docx_text(path) for path in sorted(folder.glob("*.docx"))}
            texts["README"] = (folder / "README.txt").read_text(encoding="utf-8")
            texts["ics"] = (folder / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
            found[(school_id, year)] = texts
    return found


def test_no_senior_school_text_without_a_senior_stage(packs, corpus) -> None:  # type: ignore[no-untyped-def]
    """hexi-zhongxue (初中) printed a “（二）高中” timetable with 高三 and 选考 in 停课不停学."""
    seen = 0
    for (school_id, year), texts in packs.items():
        if "高中" in corpus.schools[school_id].stages:
            continue
        for name, text in texts.items():
            if name in ("README", "ics"):
                continue
            seen += 1
            assert not SENIOR.findall(text), (school_id, year, name, SENIOR.findall(text))
    assert seen > 20
    junior = packs[("hexi-zhongxue", "2026-2027")]["tingke-buting"]
    assert "初中生单次看屏学习时长" in junior and "晚上：复习和阅读" in junior


def _demo_plan(items_yaml: str):  # type: ignore[no-untyped-def]
    from generator.models.plan import PlanTemplate

    text = (REPO / "tests/bad_input/plan-unknown-form/plans/demo-plan.yml").read_text(encoding="utf-8")
    text = text.replace("demo-from", "demo-form").replace(
        "      - title: 家访\n        paragraphs: [每学期家访不少于一半学生。]", items_yaml)
    doc = parse_yaml(text, "demo-plan.yml")
    return validate(PlanTemplate, doc), doc


def test_check_refuses_an_unmarked_stage_section_and_senior_grades() -> None:
    from generator.check.wording import check_plan

    plan, doc = _demo_plan(
        "      - title: 高中\n        items: [高三学生按复习计划推进, 按选考科目复习]\n"
        "      - title: 初中\n        stages: [初中]\n        items: [提高三个方面的能力]\n")
    found = [p.format() for p in check_plan(plan, doc)]
    assert len(found) == 3, found
    assert found[0].startswith("demo-plan.yml:18:16: 小节“高中”只适用于一个学段") and "stages: [高中]" in found[0]
    assert "“高三”只适用于一个学段" in found[1] and "“选考科目”只适用于一个学段" in found[2]


def test_the_authority_is_the_profiles_not_always_a_township_office(packs, corpus) -> None:  # type: ignore[no-untyped-def]
    """hexi-zhongxue reports to 河西县教育局, yet its plan signed and handed in to “教育管理中心”."""
    for year in YEARS:
        hexi = packs[("hexi-zhongxue", year)]
        text = hexi["kongchuo-baoxue"]
        assert "与河西县教育局签订目标责任书" in text and "河西县教育局与校长签订" in text
        assert "整理成册，交河西县教育局。" in text
        assert "（或主管教育局）" not in text and "与教育管理中心签订" not in text
        assert "与河西县教育局保持联系" in hexi["kongchuo-jindong"] and "报河西县教育局" in hexi["kongchuo-jindong"]
        assert "SUMMARY:控辍保学：与河西县教育局签订目标责任书" in hexi["ics"]
        assert "与河西县教育局签订目标责任书" in hexi["xingshili"]
        qingshan = packs[("qingshan-xiaoxue", year)]["kongchuo-baoxue"]
        assert "与青山县石桥镇教育管理中心签订目标责任书" in qingshan


def test_the_template_page_names_no_particular_authority(corpus) -> None:  # type: ignore[no-untyped-def]
    from generator.render.docx.gbt import template_document
    from generator.resolve.wording import AUTHORITY_TEMPLATE

    text = template_document(corpus.plans["kongchuo-baoxue"], corpus).text()
    assert f"与{AUTHORITY_TEMPLATE}签订目标责任书" in text and "{{" not in text


def test_the_calendar_sent_to_the_county_gives_no_software_instructions(packs) -> None:  # type: ignore[no-untyped-def]
    """The 行事历 said “公布后请更新 holidays 软件包并重新生成” to the county bureau."""
    estimated = 0
    for (school_id, year), texts in packs.items():
        calendar = texts["xingshili"]
        assert not re.findall(r"[A-Za-z]{3,}", calendar), (school_id, year, re.findall(r"[A-Za-z]{3,}", calendar))
        assert "软件" not in calendar and "重新生成" not in calendar, (school_id, year)
        if "推定" in calendar:
            estimated += 1
            assert "节假日和据此排定的工作日期按常规推定，以国务院办公厅公布的安排为准。" in calendar, (school_id, year)
            assert "holidays.yml" not in calendar and "填写" not in calendar, (school_id, year)
            # whoever builds the pack still learns how to refresh it
            assert "plans/data/holidays.yml" in texts["README"] and "重新生成即可" in texts["README"]
    assert estimated == len(packs)  # 2027 and 2028 are not published yet in the pinned holidays


def test_the_pack_documents_a_principal_sends_have_no_ascii_words(packs) -> None:  # type: ignore[no-untyped-def]
    for (school_id, year), texts in packs.items():
        for name, text in texts.items():
            if name in ("README", "ics"):
                continue
            words = re.findall(r"[A-Za-z]{3,}", text)
            assert not words, (school_id, year, name, words)


def test_contributing_lists_the_authority_placeholder() -> None:
    assert "`{{主管}}`" in Path(REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def _resolved(corpus, school_id: str, year: str):  # type: ignore[no-untyped-def]
    from generator.packs import retarget
    from generator.resolve.school import resolve_school

    return resolve_school(retarget(corpus.schools[school_id], year), corpus)


def test_no_span_of_work_starts_or_ends_on_a_public_holiday(corpus) -> None:  # type: ignore[no-untyped-def]
    """今冬明春 sent teachers into villages until 春节 (2028-01-26) and its 补签 ended on 除夕."""
    checked = 0
    for school_id in sorted(corpus.schools):
        for year in YEARS:
            resolved = _resolved(corpus, school_id, year)
            days = resolved.year.calendar
            for plan in resolved.plans:
                for item in [*plan.phases, *plan.events]:
                    for occ in item.occurrences:
                        if occ.start == occ.end:
                            continue
                        checked += 1
                        for edge in (occ.start, occ.end):
                            # ends may sit on a weekend, never on (or in the days off joined to) a holiday
                            run = [r for r in days.holiday_runs(edge, edge)]
                            assert not run, (school_id, year, plan.plan.id, item.id, occ, run)
    assert checked > 200


def test_the_spring_festival_work_of_the_winter_campaign(corpus) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    def spans(year: str) -> dict[str, list[tuple[dt.date, dt.date]]]:
        plan = next(p for p in _resolved(corpus, "hexi-zhongxue", year).plans if p.plan.id == "kongchuo-jindong")
        return {i.id: [(o.start, o.end) for o in i.occurrences] for i in [*plan.phases, *plan.events]}

    late = spans("2027-2028")  # 除夕 2028-01-25, 春节 2028-01-26
    assert late["kj-care-visits"] == [(dt.date(2028, 1, 15), dt.date(2028, 1, 24))]
    assert late["kj-returnee-letters"] == [(dt.date(2028, 1, 16), dt.date(2028, 1, 24))]
    assert late["kj-phase-publicity"][0][1] == dt.date(2028, 1, 24)
    early = spans("2026-2027")  # holiday 2027-02-05 … 02-10
    # the list of pupils who came home for the festival is due inside its phase, after the festival
    assert early["kj-class-list"] == [(dt.date(2027, 2, 11), dt.date(2027, 2, 11))]
    assert early["kj-phase-return"][0][0] == dt.date(2027, 2, 11)


def test_a_school_plan_speaks_as_the_school_not_as_the_township_office(packs, corpus) -> None:  # type: ignore[no-untyped-def]
    """hexi's 今冬明春 plan set targets for “每所学校” and for “教育管理中心” (the county bureau is its authority)."""
    office_words = re.compile(r"每所学校|各学校|各校|辖区|本中心")
    for (school_id, year), texts in packs.items():
        if corpus.schools[school_id].is_office:
            continue
        for name, text in texts.items():
            if name in ("README", "ics"):
                continue
            assert not office_words.findall(text), (school_id, year, name, office_words.findall(text))
    jindong = packs[("hexi-zhongxue", "2027-2028")]["kongchuo-jindong"]
    assert "本校刷写永久性宣传标语不低于3幅" in jindong and "教育管理中心刷写" not in jindong
    assert "河西县教育局统一刷写标语时，学校协助选址" in jindong


def test_the_office_sentence_follows_the_group_and_the_office(packs) -> None:  # type: ignore[no-untyped-def]
    """“领导小组下设办公室” under a 工作小组, and “办公室设在控辍保学办公室” in the township office's plan."""
    for year in YEARS:
        center = packs[("shiqiao-zhongxin", year)]["xiangzhen-kongchuo"]
        assert "领导小组下设控辍保学办公室，设在教育管理中心，负责辖区台账" in center
        assert "办公室负责人由罗海军同志担任。" in center and "办公室设在控辍保学办公室" not in center
        hexi = packs[("hexi-zhongxue", year)]["kongchuo-jindong"]
        assert "成立今冬明春控辍保学专项工作小组" in hexi and "工作小组下设办公室，办公室设在德育处" in hexi
        assert "领导小组" not in hexi
        nanling = packs[("nanling-jiuyi", year)]
        assert "委员会下设办公室" in nanling["qiling-fangzhi"] and "指导小组下设办公室" in nanling["yuren-zuofa"]
    for texts in packs.values():
        for name, text in texts.items():
            assert "办公室设在" not in text or "办公室设在控辍保学办公室" not in text, name


def test_the_same_work_from_two_plans_is_one_line_of_the_xingshili(packs, corpus) -> None:  # type: ignore[no-untyped-def]
    """nanling's 第9周 listed 家长开放日 twice (三年行动计划, 德育处; 家长学校工作方案, 教导处)."""
    from generator.render.xingshili import build_xingshili

    for year in YEARS:
        calendar = packs[("nanling-jiuyi", year)]["xingshili"]
        assert len(re.findall(r"\d+\. 三年行动计划、家长学校工作方案：家长开放日", calendar)) == 2  # one per term
        assert not re.findall(r"\d+\. (三年行动计划|家长学校工作方案)：家长开放日", calendar)
        assert "德育处、教导处" in calendar
    for school_id in sorted(corpus.schools):
        for year in YEARS:
            resolved = _resolved(corpus, school_id, year)
            table = build_xingshili("", resolved.year, resolved.plans)
            for term in table.tables:
                for row in term.rows:
                    works = [line.split("：", 1)[1] for line in row.lines if re.match(r"\d+\. ", line)]
                    assert len(works) == len(set(works)), (school_id, year, row.label, works)
                    assert len(row.units) == len(works)


def test_the_township_office_marks_its_own_choices_as_its_own(packs) -> None:  # type: ignore[no-untyped-def]
    """shiqiao-zhongxin's plan said “频次学校自定” about the office's own duties."""
    for year in YEARS:
        center = packs[("shiqiao-zhongxin", year)]["xiangzhen-kongchuo"]
        assert "学校自定" not in center and "频次中心自定" in center
        assert "频次学校自定" in packs[("qingshan-xiaoxue", year)]["kongchuo-baoxue"]


def test_an_event_running_from_term_into_the_vacation_keeps_its_phases_dates(corpus) -> None:  # type: ignore[no-untyped-def]
    """qingshan printed 第一阶段 1月20日至31日 but its events 1月20日至29日 (and 7月20日至31日 untouched)."""
    import datetime as dt

    for year in YEARS:
        plan = next(p for p in _resolved(corpus, "qingshan-xiaoxue", year).plans if p.plan.id == "kongchuo-baoxue")
        phase = next(p for p in plan.phases if p.id == "kc-phase-before")
        for event in plan.phase_events("kc-phase-before"):
            assert event.occurrences == phase.occurrences, (year, event.id)
        assert [o.end.day for o in phase.occurrences] == [31, 31]
    # a span wholly in term is still trimmed to its school days
    plan = next(p for p in _resolved(corpus, "qingshan-xiaoxue", "2026-2027").plans if p.plan.id == "qiling-zhili")
    spans = {e.id: e.occurrences for e in plan.events}
    assert any(o.end == dt.date(2026, 11, 30) for occ in spans.values() for o in occ)


#: A template talking to whoever adapts it (“学校可……”, “学校结合本校实际印发执行”): in the school's own
#: plan the school is the author, so the principal had to rewrite these sentences.
EDITOR_VOICE = re.compile(r"学校(也)?可(以)?(把|根据|提高|结合|自拟|增加)|较多的学校可|学校结合本校实际|结合本校实际印发")


def test_no_sentence_speaks_to_the_template_editor(packs) -> None:  # type: ignore[no-untyped-def]
    for (school_id, year), texts in packs.items():
        for name, text in texts.items():
            if name == "README":
                continue
            assert not EDITOR_VOICE.findall(text), (school_id, year, name, EDITOR_VOICE.search(text))
    assert "全体教职工遵照执行" in packs[("qingshan-xiaoxue", "2026-2027")]["xinli-weiji"]


def test_the_authority_responsibility_letter_fits_a_county_bureau_too(packs, corpus) -> None:  # type: ignore[no-untyped-def]
    """hexi (under 河西县教育局) shipped a 责任书 “（教育管理中心—学校）” whose 甲方 “制定全乡镇……方案”."""
    form = corpus.forms["zerenshu-zhongxin"]
    text = form.model_dump_json()
    assert "教育管理中心—学校" not in text and "全乡镇" not in text and "甲方（主管教育部门）" in text
    for year in YEARS:
        assert "控辍保学目标责任书（主管部门—学校）" in packs[("hexi-zhongxue", year)]["kongchuo-baoxue"]
        assert "教育管理中心—学校" not in packs[("shiqiao-zhongxin", year)]["xiangzhen-kongchuo"]
