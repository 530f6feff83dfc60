"""The policy register (``plans/data/policies.yml``): what ``gongyu check`` refuses, and how documents show their 依据.

The located messages themselves are pinned by the scenarios in ``tests/bad_input/policy-*``; these
tests cover the school-year rule, replacements, 文号 and the rendered 依据 and register page.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.check.citations import check_citations
from generator.errors import GongyuError
from generator.load.policies import CURRENT, EXPIRED, REPLACED, Policy, Register, annotate
from generator.pipeline import load_corpus
from generator.render.pages import PageBuilder

from .conftest import MINI, REPO


def _pin(monkeypatch: pytest.MonkeyPatch, year: int, month: int = 1) -> None:
    """Build as if on the 1st of ``month`` in ``year`` (the check's default school year follows the build date)."""
    import calendar

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm((year, month, 1, 0, 0, 0))))


@pytest.fixture(autouse=True)
def _before_the_old_plan_ran_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the temporary projects must not fail on their own stale citation: build in January 2025."""
    _pin(monkeypatch, 2025)

REGISTER = """\
policies:
  - id: yiwu-jiaoyufa
    title: 中华人民共和国义务教育法
    issuer: 全国人民代表大会常务委员会
    provisions: [父母保证孩子按时入学。]
    source: https://example.org/law
  - id: old-plan
    title: 某项旧行动计划（2023—2025年）
    issuer: 教育部
    number: 教体艺〔2023〕9号
    issued: 2023-04-20
    expired: {expired}
    replaced_by: {replaced_by}
    provisions: [旧要求。]
    source: https://example.org/old
  - id: new-measures
    title: 某项新措施
    issuer: 教育部办公厅
    issued_in: 2025-10
    provisions: [新要求。]
    source: https://example.org/new
retired_terms:
  - term: 动态清零
    use: 常态清零、动态销号
"""


def _project(tmp_path: Path, text: str, *, expired: str = "2025-12-31", replaced_by: str = "new-measures") -> Path:
    root = tmp_path / "p"
    shutil.copytree(MINI / "plans", root / "plans", ignore=shutil.ignore_patterns("schools"))
    (root / "plans" / "data").mkdir()
    (root / "plans" / "data" / "policies.yml").write_text(
        REGISTER.format(expired=expired, replaced_by=replaced_by), encoding="utf-8")
    (root / "content" / "parents").mkdir(parents=True)
    (root / "content" / "parents" / "a.md").write_text(
        "---\nid: a\ntitle: 一篇文章\naudience: [家长]\nstages: [初中]\ntopics: [心理健康]\nsummary: 摘要。\n"
        f"updated: 2026-11-01\n---\n\n## 要点\n\n{text}\n", encoding="utf-8")
    return root


def _messages(root: Path, first_year: int) -> list[str]:
    try:
        corpus = load_corpus(root, schools=False)
    except GongyuError as exc:
        return [p.message for p in exc.problems]
    return [p.message for p in check_citations(corpus, first_year)]


def test_a_document_that_runs_out_within_the_school_year_is_stale(tmp_path: Path) -> None:
    root = _project(tmp_path, "学校按照《某项旧行动计划（2023—2025年）》开展工作。")
    corpus = load_corpus(root, schools=False)
    # ends 2025-12-31: stale for 2025—2026 (it stops half way) and later, current for 2024—2025
    assert check_citations(corpus, 2024) == []
    problems = check_citations(corpus, 2025)
    assert [p.message for p in problems] == ["《某项旧行动计划（2023—2025年）》已于2025年12月31日被《某项新措施》取代"]
    assert "2025—2026学年" in problems[0].hint and "《某项新措施》" in problems[0].hint
    assert (problems[0].line, problems[0].column) == (13, 5)


def test_a_wen_hao_is_checked_like_a_title(tmp_path: Path) -> None:
    root = _project(tmp_path, "见教体艺〔2023〕9号。")
    problems = check_citations(load_corpus(root, schools=False), 2026)
    assert [(p.message, p.column) for p in problems] == [
        ("教体艺〔2023〕9号（《某项旧行动计划（2023—2025年）》）已于2025年12月31日被《某项新措施》取代", 2)]
    unknown = _project(tmp_path / "u", "另见教基〔2099〕1号。")
    with pytest.raises(GongyuError) as caught:
        load_corpus(unknown, schools=False)
    assert [(p.message, p.column) for p in caught.value.problems] == [("文号“教基〔2099〕1号”不在政策文件登记表中", 3)]


def test_the_retired_term_is_refused_and_the_new_one_passes(tmp_path: Path) -> None:
    assert _messages(_project(tmp_path / "a", "目标是动态清零。"), 2026) == ["“动态清零”是已停用的提法"]
    assert _messages(_project(tmp_path / "b", "目标是常态清零、动态销号。"), 2026) == []


def test_a_comment_in_yaml_is_not_text(tmp_path: Path) -> None:
    root = _project(tmp_path, "没有引用。")
    plan = root / "plans" / "demo-plan.yml"
    plan.write_text(plan.read_text(encoding="utf-8") + "# 旧稿写过《某项不存在的办法》和动态清零\n", encoding="utf-8")
    assert _messages(root, 2026) == []


def test_replaced_by_must_name_an_entry(tmp_path: Path) -> None:
    root = _project(tmp_path, "没有引用。", replaced_by="no-such-entry")
    with pytest.raises(GongyuError) as caught:
        load_corpus(root, schools=False)
    assert any("replaced_by" in p.message and p.path.endswith("policies.yml") and p.line > 0
               for p in caught.value.problems)


def test_status_for_a_school_year() -> None:
    old = Policy(id="x", title="甲", issuer="教育部", provisions=["要求。"], source="https://example.org",
                 expired=dt.date(2026, 3, 1))
    gone = old.model_copy(update={"replaced_by": "y"})
    register = Register((old,), present=True)
    assert register.status(old, 2024) == CURRENT
    assert register.status(old, 2025) == EXPIRED
    assert register.status(gone, 2025) == REPLACED


def test_basis_line_gets_wen_hao_and_dates_once() -> None:
    corpus = load_corpus(REPO)
    register = corpus.policies
    line = annotate("《未成年人学校保护规定》（教育部令第50号）", register)
    assert line == "《未成年人学校保护规定》（教育部令第50号，2021年6月1日印发，2021年9月1日起施行）"
    assert annotate("《中华人民共和国家庭教育促进法》", register) == \
        "《中华人民共和国家庭教育促进法》（2021年10月23日通过，2022年1月1日起施行）"


def test_shipped_content_cites_only_current_registered_documents() -> None:
    corpus = load_corpus(REPO)
    assert corpus.policies.present and len(corpus.policies) >= 30
    for year in (2025, 2026):
        assert check_citations(corpus, year) == [], year


def test_plan_document_and_pages_show_the_basis_and_the_register(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.resolve.content import template_document

    _pin(monkeypatch, 2026, 12)

    corpus = load_corpus(REPO)
    document = template_document(corpus.plans["xinli-weiji"], corpus)
    text = repr(document)
    assert "教育部令第50号，2021年6月1日印发，2021年9月1日起施行" in text
    builder = PageBuilder(corpus)
    page = builder.plan_page(corpus.plans["qiling-zhili"])
    assert "《中华人民共和国治安管理处罚法》（2025年6月27日通过，2026年1月1日起施行）" in page
    register_page = builder.pages()["policies/index.md"]
    row = next(line for line in register_page.splitlines() if "专项行动计划（2023—2025年）》](" in line)
    assert row.endswith("| 已废止（2025年12月31日起） |")
    assert "**文号：** 教体艺〔2023〕1号" in register_page
    article = builder.article_markdown(corpus.articles["jz-child-bullies"])
    assert "## 依据" in article and "《中华人民共和国治安管理处罚法》" in article.split("## 依据")[1]


def test_a_school_profile_for_a_later_year_is_checked_for_its_year(tmp_path: Path) -> None:
    """The check takes the latest school year any profile builds: a document ending in spring 2027 is
    fine for the site built in January 2025 but stale for a 2026—2027 pack."""
    root = _project(tmp_path, "学校按照《某项旧行动计划（2023—2025年）》开展工作。", expired="2027-03-01")
    assert load_corpus(root, schools=False).policies.present  # 2024—2025 only: in force
    shutil.copytree(MINI / "plans" / "schools", root / "plans" / "schools")
    with pytest.raises(GongyuError) as caught:
        load_corpus(root)
    assert [p.message for p in caught.value.problems] == [
        "《某项旧行动计划（2023—2025年）》已于2027年3月1日被《某项新措施》取代"]
    assert "2026—2027学年" in caught.value.problems[0].hint
