"""Text follows data, and packs speak for the school's province and stages.

The example schools' packs are read back from the .docx files with python-docx (and once through
LibreOffice + pdftotext), never from our intermediate document model.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.pipeline import load_corpus
from generator.errors import GongyuError
from generator.load import parse_yaml, validate
from generator.models import School
from generator.packs import build_pack, retarget
from generator.models.province import PROVINCES, normalise, self_reference
from generator.check.wording import KEYS, placeholder_problems
from generator.resolve.wording import Wording, localise_template

from .conftest import REPO

YEARS = ("2026-2027", "2027-2028")
JUNIOR_GRADES = re.compile(r"[七八九]年级|初[一二三](?![十])")
PRIMARY_GRADES = re.compile(r"[一二三四五六]年级")


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(REPO)


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a Word file, read with python-docx."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pack_texts(school: School, corpus, out: Path, year: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    folder = build_pack(school, corpus, out, year=year, pdf=False, forms=False)
    texts = {path.stem: docx_text(path) for path in sorted(folder.glob("*.docx"))}
    texts["calendar.ics"] = (folder / "calendar.ics").read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="module")
def example_packs(corpus, tmp_path_factory):  # type: ignore[no-untyped-def]
    """{(school id, year): {file stem: text}} for every example school and both school years."""
    out = tmp_path_factory.mktemp("packs")
    found = {}
    for school_id, school in sorted(corpus.schools.items()):
        for year in YEARS:
            found[(school_id, year)] = pack_texts(school, corpus, out / year, year)
    return found


def test_examples_cover_every_kind_of_wording(corpus) -> None:  # type: ignore[no-untyped-def]
    kinds = {corpus.schools[s].type for s in corpus.schools}
    assert {"小学", "初中", "九年一贯制"} <= kinds
    assert {PROVINCES[corpus.schools[s].place.province] for s in corpus.schools} >= {"省", "自治区"}


def test_no_literal_province_placeholder_or_raw_braces(example_packs) -> None:  # type: ignore[no-untyped-def]
    assert len(example_packs) == 2 * len(list((REPO / "plans" / "schools").glob("*.yml")))
    for (school_id, year), texts in example_packs.items():
        for name, text in texts.items():
            assert "本省" not in text, (school_id, year, name)
            assert "{{" not in text and "}}" not in text, (school_id, year, name)
            assert "【仅" not in text, (school_id, year, name)  # stage marks belong to templates only


def test_each_pack_cites_its_own_province(example_packs) -> None:  # type: ignore[no-untyped-def]
    for year in YEARS:
        assert "《贵州省义务教育条例》" in example_packs[("qingshan-xiaoxue", year)]["kongchuo-baoxue"]
        # no regulation on file for 贵州 on this topic: a neutral phrase naming the province, nothing invented
        assert "贵州省有关未成年人保护的地方性法规" in example_packs[("qingshan-xiaoxue", year)]["liushou-guanai"]
        assert "《江西省未成年人保护条例》" in example_packs[("nanling-jiuyi", year)]["liushou-guanai"]
        hexi = example_packs[("hexi-zhongxue", year)]
        assert "广西壮族自治区有关义务教育的地方性法规" in hexi["kongchuo-baoxue"]
        assert "《" + "广西" not in hexi["kongchuo-baoxue"]


def test_no_other_stage_grades(example_packs, corpus) -> None:  # type: ignore[no-untyped-def]
    for (school_id, year), texts in example_packs.items():
        stages = corpus.schools[school_id].stages
        everything = "\n".join(texts.values())
        if "初中" not in stages:
            assert not JUNIOR_GRADES.findall(everything), (school_id, year, JUNIOR_GRADES.findall(everything))
        if "小学" not in stages:
            assert not PRIMARY_GRADES.findall(everything), (school_id, year, PRIMARY_GRADES.findall(everything))
    both = example_packs[("nanling-jiuyi", "2026-2027")]["jiazhang-xuexiao"]
    assert "一年级和七年级新生" in both and "六年级和九年级家长升学衔接专题" in both
    assert "小学低年级：" in both and "初中：青春期沟通" in both
    primary = example_packs[("qingshan-xiaoxue", "2026-2027")]
    assert "一年级新生" in primary["jiazhang-xuexiao"] and "初中：青春期沟通" not in primary["jiazhang-xuexiao"]
    assert "高年级学习吃力" in primary["kongchuo-baoxue"] and "八年级" not in primary["kongchuo-baoxue"]
    junior = example_packs[("hexi-zhongxue", "2026-2027")]["tingke-buting"]
    assert "初中生单次看屏学习时长不高于30分钟" in junior and "小学生单次" not in junior and "小学低年级" not in junior


def test_the_parents_letter_follows_the_override(example_packs) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: qingshan moves the parents' 责任书 to the end of term."""
    for year in YEARS:
        text = example_packs[("qingshan-xiaoxue", year)]["kongchuo-baoxue"]
        assert "开学家长会或报到时" not in text
        assert "教师与学生家长（监护人）签订：秋季学期结束当天。" in text
        assert "控辍保学目标责任书签订率达到100%（青山县石桥镇教育管理中心与校长、校长与教师、教师与家长三级责任书中，由学校签订的后两级都计入）" in text
        other = example_packs[("hexi-zhongxue", year)]["kongchuo-baoxue"]
        assert "教师与学生家长（监护人）签订：每学期第1至2周。" in other


def _variant(corpus, school_id: str, edit) -> School:  # type: ignore[no-untyped-def]
    data = corpus.schools[school_id].model_dump()
    edit(data)
    return School.model_validate(data)


def _adoption(data: dict, plan_id: str) -> dict:  # type: ignore[type-arg]
    return next(a for a in data["plans"] if a["plan"] == plan_id)


def test_overriding_a_target_a_date_and_the_province_changes_the_sentences(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = pack_texts(corpus.schools["hexi-zhongxue"], corpus, tmp_path / "base")["kongchuo-baoxue"]
    assert "每学期家访的学生不少于包干学生的50%" in base and "包干学生家访（每学期不少于包干学生的50%）" in base
    assert "每学期开学第一周，各班把包干责任分解表交教导处备案" in base

    def edit(data: dict) -> None:  # type: ignore[type-arg]
        adoption = _adoption(data, "kongchuo-baoxue")
        adoption["targets"] = {**adoption.get("targets", {}), "kc-visit-term": 60}
        adoption["events"] = {**adoption.get("events", {}), "kc-baogan-file": {"term": "每学期", "week": 2}}
        data["place"]["province"] = "重庆"

    changed = pack_texts(_variant(corpus, "hexi-zhongxue", edit), corpus, tmp_path / "changed")["kongchuo-baoxue"]
    assert "每学期家访的学生不少于包干学生的60%" in changed and "包干学生家访（每学期不少于包干学生的60%）" in changed
    assert "每学期家访学生比例不低于60%" in changed and "不少于包干学生的50%" not in changed
    assert "每学期第2周，各班把包干责任分解表交教导处备案" in changed
    assert "每学期第2周交教导处备案" in changed and "开学第一周交教导处备案" not in changed
    assert "重庆市有关义务教育的地方性法规" in changed and "广西" not in changed


def test_county_regulations_and_basis_lines_reach_the_legal_basis(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["regulations"] = ["《青山县控辍保学<工作>实施办法&细则》"]
        _adoption(data, "kongchuo-baoxue")["legal_basis"] = ["县教育局关于做好控辍保学工作的通知"]

    texts = pack_texts(_variant(corpus, "qingshan-xiaoxue", edit), corpus, tmp_path)
    basis = next(line for line in texts["kongchuo-baoxue"].splitlines() if line.startswith("主要依据"))
    assert basis.endswith("《贵州省义务教育条例》、《青山县控辍保学<工作>实施办法&细则》和县教育局关于做好控辍保学工作的通知。") or (
        "《青山县控辍保学<工作>实施办法&细则》" in basis and "县教育局关于做好控辍保学工作的通知" in basis), basis
    assert "《青山县控辍保学<工作>实施办法&细则》" in texts["anquan-jiaoyu"]
    assert "县教育局关于做好控辍保学工作的通知" not in texts["anquan-jiaoyu"]


@pytest.mark.parametrize("bad", ["青山县控辍保学实施办法", "《甲》《乙》", "《{{省}}办法》"])
def test_county_regulation_titles_are_validated(bad: str) -> None:
    doc = parse_yaml(f"id: x\nname: 某校\ntype: 小学\nplace: {{province: 贵州省, county: 某县}}\nauthority: 某局\n"
                     f"year: 2026-2027\nregulations: ['{bad}']\nplans: [{{plan: p}}]\n", "x.yml")
    with pytest.raises(GongyuError) as caught:
        validate(School, doc)
    assert "x.yml:7:" in caught.value.format()


def test_self_reference_of_every_kind_of_province() -> None:
    assert self_reference("贵州省") == "本省"
    assert self_reference("广西壮族自治区") == "本自治区"
    assert {self_reference(name) for name in ("北京市", "天津市", "上海市", "重庆市")} == {"本市"}
    assert self_reference(None) == "本省（自治区、直辖市）"
    assert normalise("宁夏") == "宁夏回族自治区" and normalise("某省") is None and normalise("ＸＸ省") is None
    assert len(PROVINCES) == 31


def test_every_placeholder_fills_for_a_school_and_for_the_template(corpus) -> None:  # type: ignore[no-untyped-def]
    from generator.schoolcal import SchoolYear, resolve_plan
    from generator.models.plan import PlanTemplate
    from generator.resolve.wording import localise_plan

    plan = corpus.plans["kongchuo-baoxue"]
    sentence = ("{{日期:kc-baogan-file}}|{{时间:kc-baogan-file}}|{{负责:kc-baogan-file}}|{{指标:kc-visit-term}}|"
                "{{数值:kc-visit-term}}|{{省}}|{{本省}}|{{条例:义务教育}}|{{起始年级}}|{{毕业年级}}|{{主管}}")
    assert set(re.findall(r"\{\{([^:}]+)", sentence)) == set(KEYS)
    probe = PlanTemplate.model_validate({**plan.model_dump(), "goals": [sentence]})
    school = _variant(corpus, "nanling-jiuyi", lambda data: data["place"].update(province="宁夏回族自治区"))
    resolved = resolve_plan(probe, SchoolYear.default(2026), stages=school.stages)
    filled = localise_plan(resolved, Wording.for_school(school, corpus.regulations)).plan.goals[0]
    from generator.schoolcal import format_occurrences

    from generator.resolve.wording import _dates

    dates = _dates(format_occurrences, next(e for e in resolved.events if e.id == "kc-baogan-file").occurrences)
    assert dates.startswith("2026年9月7日")
    assert filled.split("|") == [
        dates, "每学期开学第一周", "班主任", "每学期家访学生比例不低于50%", "50%",
        "宁夏回族自治区", "本自治区", "宁夏回族自治区有关义务教育的地方性法规", "一年级和七年级", "六年级和九年级",
        "南岭县龙潭乡教育管理中心"]
    neutral = localise_template(probe).plan.goals[0]
    assert neutral.split("|")[:2] == ["每学期开学第一周", "每学期开学第一周"]
    assert "本省（自治区、直辖市）有关义务教育的地方性法规" in neutral and "{{" not in neutral
    assert neutral.endswith("|主管教育部门（教育管理中心或教育局）")


@pytest.mark.parametrize(("text", "fragment"), [
    ("{{日期}}", "缺少参数"),
    ("{{省:贵州}}", "不需要参数"),
    ("{{条例:教育}}", "不是可引用的法规主题"),
    ("{{指标:nope}}", "不是本方案的指标"),
    ("每月{{时间:a} 联系", "没有成对出现"),
    ("{{时同:a}}", "不是可用的名称"),
])
def test_placeholder_problems(text: str, fragment: str) -> None:
    problems = placeholder_problems(text, {"a"}, {"t"})
    assert problems and fragment in problems[0][0]


def _check_demo_plan(items: str) -> tuple[str, list[str]]:
    """The bad-input corpus's demo plan with ``items`` for its list, and what ``check`` says of it."""
    from generator.models.plan import PlanTemplate
    from generator.check.wording import check_plan

    text = (REPO / "tests/bad_input/plan-unknown-form/plans/demo-plan.yml").read_text(encoding="utf-8")
    text = text.replace("demo-from", "demo-form").replace("    items: [关注留守儿童, 重点管控寒暑假]", items)
    doc = parse_yaml(text, "demo-plan.yml")
    return text, [p.format() for p in check_plan(validate(PlanTemplate, doc), doc)]


def test_check_refuses_written_out_grades_and_province_words() -> None:
    found = _check_demo_plan(
        "    items:\n      - 关注八年级学困生\n      - {text: 关注七年级新生, stages: [初中]}\n      - 学习本省条例\n"
        "      - 正月初三前后走访\n      - '{{起始年级}}新生'")[1]
    assert len(found) == 2, found
    assert found[0].startswith("demo-plan.yml:17:9: “八年级”只适用于一个学段") and "stages: [初中]" in found[0]
    assert found[1].startswith("demo-plan.yml:19:9: “本省”写死了") and "{{条例:义务教育}}" in found[1]


def test_full_width_colon_is_accepted() -> None:
    assert placeholder_problems("{{时间：a}}", {"a"}, set()) == []


def test_template_keeps_every_stage_marked(corpus) -> None:  # type: ignore[no-untyped-def]
    from generator.render.docx.gbt import render_docx, template_document
    from generator.render.pages import PageBuilder

    page = PageBuilder(corpus).plan_page(corpus.plans["tingke-buting"])
    assert '（一）小学低年级 <span class="gy-stage">仅小学</span>' in page
    assert '（三）初中 <span class="gy-stage">仅初中</span>' in page
    assert "{{" not in page
    document = template_document(corpus.plans["kongchuo-baoxue"], corpus)
    text = document.text()
    assert "【仅初中】初中阶段学习困难的学生" in text and "【仅小学】学习困难的学生" in text
    assert "本省（自治区、直辖市）有关义务教育的地方性法规" in text
    assert render_docx(document)  # writes without error


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice 或 poppler-utils 未安装")
def test_libreoffice_and_typst_pdfs_say_the_same(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    school = retarget(corpus.schools["qingshan-xiaoxue"], "2027-2028")
    folder = build_pack(school, corpus, tmp_path / "packs", forms=False)
    docx = folder / "kongchuo-baoxue.docx"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo-pdf"), str(docx)], check=True, capture_output=True, timeout=300)
    for pdf in (tmp_path / "lo-pdf" / "kongchuo-baoxue.pdf", folder / "kongchuo-baoxue.pdf"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert "《贵州省义务教育条例》" in flat, pdf
        assert "本省" not in flat and "八年级" not in flat and "{{" not in flat, pdf
        assert "教师与学生家长（监护人）签订：秋季学期结束当天" in flat, pdf


def test_a_bad_placeholder_is_pointed_at_where_it_is_written() -> None:
    """The column is the placeholder's own, also on the second line of a folded paragraph."""
    text, found = _check_demo_plan(
        "    items:\n      - 每学期开学前{{时间:nope}}摸排\n      - >-\n        第一行没有问题，\n"
        "        第二行有{{数值:none}}一处")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "{{时间:nope}}" in line)
    second = next(i for i, line in enumerate(lines) if "{{数值:none}}" in line)
    assert found[0].startswith(f"demo-plan.yml:{first + 1}:{lines[first].index('{{') + 1}: 占位符{{{{时间:nope}}}}"), found
    assert found[1].startswith(f"demo-plan.yml:{second + 1}:{lines[second].index('{{') + 1}: 占位符{{{{数值:none}}}}"), found
