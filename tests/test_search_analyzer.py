"""The site search without a browser: the Chinese analysis, the index and the ranking.

The query analyzer exists twice, in Python (``generator/search/analyze.py``) and in the browser
(``generator/search/assets/search.js``); the second test runs the JavaScript in Node on the same
strings and compares the terms and weights one by one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.search import script_text
from generator.search.analyze import QueryAnalyzer, index_terms, lexicon, normalize
from generator.search.build import IndexedPage, build_index
from generator.search.extract import Section, page_sections
from generator.search.meta import PageMeta
from generator.search.query import BuiltIndex
from generator.search.store import write_index

from .conftest import REPO

QUERIES = yaml.safe_load((REPO / "tests/search_queries.yml").read_text(encoding="utf-8"))["queries"]
EXTRA = ["孩子被欺负了怎么办？", "ＰＤＦ 下载", "防逆水", "幼小先接", "我家孩子被同学孤立了要注意什么", "  家访  ", "",
         "abc123 控辍保学", "上小学前", "被打了"]


def _article_pages() -> list[IndexedPage]:
    """The real articles as pages (front matter → metadata, ``## `` → sections), without MkDocs."""
    pages = []
    for path in sorted((REPO / "content").glob("*/*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(head)
        sections = [Section()]
        for line in body.splitlines():
            if line.startswith("## "):
                sections.append(Section(anchor=f"s{len(sections)}", heading=line[3:]))
            else:
                sections[-1].text.append(line + " ")
        pages.append(IndexedPage(
            url=f"{path.parent.name}/{path.stem}/", title=meta["title"], sections=sections,
            meta=PageMeta(kind="文章", audience=meta["audience"], badges=meta["audience"], stages=meta["stages"],
                          summary=meta["summary"], questions=meta.get("questions", []), keywords=meta["topics"])))
    return pages


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> BuiltIndex:
    site = tmp_path_factory.mktemp("search-index")
    write_index(site, build_index(_article_pages(), [["校园欺凌", "topics/xiaoyuan-qiling/"]]))
    return BuiltIndex(site / "search")


def test_index_terms_are_words_and_pairs_without_function_words() -> None:
    terms = index_terms("孩子可能被欺负了，家长怎么办")
    assert {"孩子", "被欺负", "欺负", "家长"} <= set(terms)
    assert "怎么办" not in terms and "么办" not in terms and "了" not in terms
    assert not any("，" in t for t in terms)
    # Pairs never span a function word: nothing joins 长 and 怎 or 负 and 了.
    assert "长怎" not in terms and "负了" not in terms
    assert sorted(index_terms("防溺水")) == sorted(["防溺水", "溺水", "防溺"])
    assert index_terms("ＰＤＦ下载") == ["pdf", "下载"]


def test_function_words_never_block_a_result(index: BuiltIndex) -> None:
    plain = index.search("孩子 欺负")
    wordy = index.search("我家孩子在学校被同学欺负了怎么办呢？")
    assert plain[:1] == wordy[:1] == ["parents/jz-bullied/"]
    assert index.analyzer.analyze("怎么办") == {}


def test_synonyms_score_below_typed_words(index: BuiltIndex) -> None:
    for query in ("孩子早恋怎么办", "下大雨发洪水", "手游上瘾"):
        typed, terms = index.analyzer.terms(query), index.analyzer.analyze(query)
        added = set(terms) - set(typed)
        assert added and all(terms[t] <= 6 for t in added), (query, terms)
        assert all(terms[t] == w for t, w in typed.items() if w > 6)
    assert index.analyzer.analyze("下大雨发洪水")["防汛"] < 10
    # “被…欺负” matches with words between.
    assert "欺凌" in index.analyzer.analyze("被同学欺负") and "欺凌" not in index.analyzer.analyze("欺负别人")


def test_typo_of_the_same_pinyin_finds_the_word(index: BuiltIndex) -> None:
    assert index.analyzer.analyze("防逆水").get("防溺水") == 5
    assert index.search("防逆水")[0] == "parents/jz-summer-drowning/"


def test_audience_prior_and_filter(index: BuiltIndex) -> None:
    parents = index.search("家访")
    teachers = index.search("老师怎么做家访")
    assert parents[0] == "parents/jz-jiafang-welcome/"
    assert teachers[0] == "teachers/js-jiafang/"
    assert all(url.startswith("teachers/") for url in index.search("家访", only="教师"))


def test_title_outweighs_body_mentions(index: BuiltIndex) -> None:
    assert index.search("家庭教育促进法")[0] == "parents/jz-family-education-law/"


def test_nothing_found_is_empty_not_an_error(index: BuiltIndex) -> None:
    assert index.search("量子力学") == []
    assert index.search("") == []


def test_sections_come_from_h2_and_skip_permalinks() -> None:
    html = ('<article class="md-content__inner md-typeset"><h1 id="t">标题<a class="headerlink" href="#t">¶</a></h1>'
            '<p>引言<br/>一句</p><h2 id="a">第一节<a class="headerlink" href="#a">¶</a></h2><p>正文</p>'
            '<h3 id="b">小节</h3><p>更多<script>var x = "不要";</script></p></article>')
    title, sections = page_sections(html)
    assert title == "标题"
    assert [(s.anchor, s.heading, s.headings) for s in sections] == [("", "", []), ("a", "第一节", ["小节"])]
    assert sections[0].body == "引言 一句" and sections[1].body == "正文 更多"


NODE = shutil.which("node")
_NODE_SCRIPT = """
const fs = require("fs");
global.window = global;
global.location = {href: "http://localhost/"};
global.document = {currentScript: null, readyState: "loading", addEventListener() {}};
eval(fs.readFileSync(process.argv[2], "utf8"));
const index = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const queries = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
// As in the browser: a fresh analyzer knows only the vocabulary of the shards the query needs.
process.stdout.write(JSON.stringify(queries.map(q => {
  const analyzer = new gongyuSearch.Analyzer(index.m);
  const shards = [...analyzer.starts(q)].map(key => gongyuSearch.shardNumber(key, index.m.shards));
  new Set(shards).forEach(k => analyzer.addWords(index.t[k] || {}));
  return [gongyuSearch.normalize(q), analyzer.analyze(q), shards.length];
})));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_browser_analyzer_gives_the_same_terms(index: BuiltIndex, tmp_path: Path) -> None:
    queries = [item["q"] for item in QUERIES] + EXTRA
    (tmp_path / "search.js").write_text(script_text(), encoding="utf-8")
    shards = {k: index.load(f"t{k}") for k in range(index.meta["shards"])}
    (tmp_path / "m.json").write_text(json.dumps({"m": index.meta, "t": shards}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "run.js").write_text(_NODE_SCRIPT, encoding="utf-8")
    out = subprocess.run([NODE, str(tmp_path / "run.js"), str(tmp_path / "search.js"), str(tmp_path / "m.json"),
                          str(tmp_path / "q.json")], capture_output=True, text=True, check=True, encoding="utf-8")
    browser = json.loads(out.stdout)
    assert len(browser) == len(queries)
    for query, (js_normal, js_terms, _) in zip(queries, browser, strict=True):
        assert js_normal == normalize(query), query
        assert js_terms == index.analyzer.analyze(query), query
    assert any(terms for _, terms, _ in browser)
    assert max(count for _, _, count in browser) < index.meta["shards"]  # never the whole index


def test_lexicon_is_well_formed() -> None:
    lex = lexicon()
    assert len(lex["synonyms"]) >= 50
    for key, targets in lex["synonyms"].items():
        assert key and targets and all(targets), key
        assert key.count("...") <= 1 and not key.startswith("...") and not key.endswith("..."), key
    assert "怎么办" in lex["function_words"] and "被" in lex["function_words"]
    assert not set(lex["function_words"]) & {"孩子", "家长", "学校", "欺凌"}
    analyzer = QueryAnalyzer({"防溺水": 10, "溺水": 9}, set(lex["function_words"]), {})
    assert analyzer.segment("防溺水了") == [(0, "防溺水"), (3, "了")]


def test_a_query_loads_every_shard_its_terms_live_in(index: BuiltIndex) -> None:
    """The browser loads the shards of ``starts(query)`` before it cuts the query: every term the
    analysis can produce (words, pairs, typo matches, synonyms) must live in one of them."""
    from generator.search.analyze import shard_key

    split = index.meta["split"]
    assert split, "no character is split by its second character: the test corpus is too small"
    used_split = False
    for query in [item["q"] for item in QUERIES] + EXTRA:
        keys = index.analyzer.starts(query)
        used_split |= any(len(key) == 2 for key in keys)
        for term in index.analyzer.analyze(query):
            assert shard_key(term, split) in keys, (query, term)
    assert used_split


#: A grandmother's questions as she would say them (dialect words 耍, 娃, 挨打, 河里洗澡 for swimming,
#: 孙子 for the child) and the parents' article she needs among the first three results.
GRANNY = [
    ("孙子天天玩手机怎么办", "parents/jz-phone-rules/"),
    ("娃儿天天耍手机", "parents/jz-phone-rules/"),
    ("孙子耍手机耍到半夜", "parents/jz-phone-rules/"),
    ("娃打游戏打通宵", "parents/jz-phone-rules/"),
    ("孩子晚上不睡觉玩游戏", "parents/jz-phone-rules/"),
    ("孩子在学校被人欺负了我该咋办", "parents/jz-bullied/"),
    ("孙子在学校挨打了", "parents/jz-bullied/"),
    ("孩子被人打了", "parents/jz-bullied/"),
    ("娃在学校被欺付", "parents/jz-bullied/"),
    ("暑假孩子去河里洗澡", "parents/jz-summer-drowning/"),
    ("孩子去河里洗澡咋办", "parents/jz-summer-drowning/"),
    ("娃去河边耍水", "parents/jz-summer-drowning/"),
    ("孙子作业我不会辅导", "parents/jz-grandparent-school/"),
    ("奶奶不识字怎么辅导作业", "parents/jz-grandparent-school/"),
    ("隔代带娃 老人 怎么教育", "parents/jz-grandparent-daily/"),
]


@pytest.mark.parametrize(("query", "expected"), GRANNY, ids=[q for q, _ in GRANNY])
def test_grandmothers_words_find_the_parents_article(index: BuiltIndex, query: str, expected: str) -> None:
    found = index.search(query)
    assert expected in found[:3], (query, found[:5])


def test_notes_for_reading_are_not_indexed() -> None:
    """The family note on every lesson and the call buttons would make every page match 老师/急救."""
    html = ('<article class="md-content__inner md-typeset"><h1 id="t">防溺水</h1>'
            '<div class="admonition info gy-family gy-noindex"><p class="admonition-title">家长请先看这里</p>'
            '<p>这一页是<a href="#yaodian">给老师用的</a>材料<br>。</p></div>'
            '<div class="gy-call gy-call--strip gy-noindex"><p><strong>点号码</strong><a href="tel:120">120 急救</a></p></div>'
            '<p>看住孩子。</p><h2 id="yaodian">要点</h2><p>不下河。</p></article>')
    title, sections = page_sections(html)
    assert title == "防溺水"
    assert [s.body for s in sections] == ["看住孩子。", "不下河。"]


def test_the_terms_of_every_text_share_one_string_per_term() -> None:
    """A large site's term tables (one per section) are the peak of its build: each distinct term is
    one string, not one per section it occurs in (500,000 strings for 32,000 terms at 500 pages)."""
    first = index_terms("家长要关心孩子的学习和安全")
    second = index_terms("学校和家长一起关心孩子的安全")
    again = index_terms("学校和家长一起关心孩子的安全")  # the memo's copy
    shared = sorted(set(first) & set(second))
    assert len(shared) >= 2, (first, second)
    for term in shared:
        one = next(t for t in first if t == term)
        assert all(t is one for t in second + again if t == term), term
