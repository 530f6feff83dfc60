"""``build_index`` is fast and writes the bytes it always wrote (the JavaScript reader depends on them);
``write_index`` replaces the index one whole file at a time, ``m.js`` last."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from generator.search import build as index_build
from generator.search import store as index_store
from generator.search.analyze import CJK, lexicon, shard_key, shard_number, vocabulary_words, word_cost
from generator.search.build import IndexBuilder, IndexedPage, build_index, section_counts
from generator.search.extract import Section
from generator.search.meta import PageMeta
from generator.search.store import write_index

from .conftest import REPO
from .helpers import search_pages


def _reference_index(pages: list[IndexedPage], topics: list[list[str]]) -> dict[str, str]:
    """The index as it was first written: every posting weighed on its own, each list fully sorted.

    The definition ``build_index`` must keep byte for byte (the JavaScript reader depends on it).

    Not split: a copy of the code as it was, kept whole to be compared with.
    """
    def dumps(data: object) -> str:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    pages = sorted(pages, key=lambda p: p.url)
    section_tf: list[Counter[str]] = []
    section_bonus: list[dict[str, float]] = []
    lengths: list[float] = []
    df: Counter[str] = Counter()
    for page in pages:
        seen: set[str] = set()
        for s, section in enumerate(page.sections):
            tf, bonus, _ = section_counts(index_build._fields(page, s, section))
            section_tf.append(tf)
            section_bonus.append(bonus)
            lengths.append(sum(tf.values()))
            seen.update(tf)
        df.update(seen)
    n, avg = max(1, len(pages)), sum(lengths) / max(1, len(lengths)) or 1.0
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sid, tf in enumerate(section_tf):
        norm = index_build.K1 * (1 - index_build.B + index_build.B * lengths[sid] / avg)
        for term, count in tf.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            saturated = count * (index_build.K1 + 1) / (count + norm) + section_bonus[sid].get(term, 0.0)
            postings[term].append((sid, max(1, round(10 * idf * saturated))))
    lex = lexicon()
    cost = {word: word_cost(word) for word in vocabulary_words(postings)}
    cost.update({word: word_cost(word) for word in lex["function_words"] if len(word) >= 2})
    encoded: dict[str, list[int]] = {word: [c] for word, c in cost.items()}
    for term, items in postings.items():
        flat, last = [cost.get(term, 0)], 0
        for sid, impact in sorted(sorted(items, key=lambda x: (-x[1], x[0]))[:index_build.TOP]):
            flat += [sid - last, impact]
            last = sid
        encoded[term] = flat
    weight = {t: len(t) * 3 + 4 * len(v) + 6 for t, v in encoded.items()}
    shards = max(1, math.ceil(sum(weight.values()) / index_build.SHARD_BYTES))
    by_char: Counter[str] = Counter()
    for term, w in weight.items():
        by_char[term[0]] += w
    split = "".join(sorted(c for c, w in by_char.items() if w > index_build.SHARD_BYTES and CJK.match(c)))
    by_shard: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(encoded):
        by_shard[shard_number(shard_key(term, split), shards)][term] = encoded[term]
    meta = {"shards": shards, "split": split, "topics": topics, "docsPerShard": index_build.DOCS_PER_SHARD,
            "sections": [len(page.sections) for page in pages], "audience": [page.meta.audience_bits for page in pages],
            "stop": lex["function_words"], "synonyms": lex["synonyms"], "cues": lex["audience_cues"]}
    files = {"m.js": f'gongyuSearch.add("m",{dumps(meta)});\n'}
    files |= {f"t{k}.js": f'gongyuSearch.add("t{k}",{dumps(terms)});\n' for k, terms in sorted(by_shard.items())}
    per = index_build.DOCS_PER_SHARD
    for k in range(0, len(pages), per):
        docs = []
        for page in pages[k:k + per]:
            summary = page.meta.summary or page.sections[0].body
            if len(summary) > index_build.SUMMARY_CHARS:
                summary = summary[:index_build.SUMMARY_CHARS - 1] + "…"
            docs.append([page.url, page.title, summary, page.meta.badges, page.meta.stages,
                         [[s.anchor, s.heading] for s in page.sections]])
        files[f"d{k // per}.js"] = f'gongyuSearch.add("d{k // per}",{dumps(docs)});\n'
    return files


@pytest.mark.parametrize("top", [index_build.TOP, 3])
def test_build_index_writes_the_bytes_of_the_reference(monkeypatch: pytest.MonkeyPatch, top: int) -> None:
    """A small ``TOP`` cuts most posting lists, with ties at the cut (kept: the lower section number)."""
    monkeypatch.setattr(index_build, "TOP", top)
    monkeypatch.setattr(index_build, "SHARD_BYTES", 3000)  # some characters split by their second one
    pages, topics = search_pages(), [["校园欺凌", "topics/xiaoyuan-qiling/"]]
    files = build_index(pages, topics)
    assert files == _reference_index(pages, topics)
    assert json.loads(files["m.js"][len('gongyuSearch.add("m",'):-3])["split"]


@pytest.mark.parametrize("top", [index_build.TOP, 3])
def test_pages_counted_as_they_come_give_the_same_index(monkeypatch: pytest.MonkeyPatch, top: int) -> None:
    """``gongyu build`` counts each page as MkDocs renders it, in MkDocs's order (not by address), and
    keeps no text nor memo: the index is :func:`build_index`'s, byte for byte, ties at the ``TOP`` cut
    included. A page added again under its address replaces the first (as ``SiteSearch.pages`` does)."""
    monkeypatch.setattr(index_build, "TOP", top)
    monkeypatch.setattr(index_build, "SHARD_BYTES", 3000)
    pages, topics = search_pages(), [["校园欺凌", "topics/xiaoyuan-qiling/"]]
    expected = build_index(pages, topics)
    builder = IndexBuilder(remember=False)
    stale = IndexedPage(url=pages[0].url, title="旧标题", meta=PageMeta(summary="旧摘要"),
                        sections=[Section(text=["改掉以前的一段文字：鹦鹉螺与留守儿童"]), Section(anchor="a", heading="旧")])
    builder.add(stale)
    for page in [*pages[1::2][::-1], *pages[0::2]]:
        builder.add(page)
    files = list(builder.files(topics))
    assert [name for name, _ in files][-1] == "m.js"  # written last
    assert dict(files) == expected
    with pytest.raises(RuntimeError):
        builder.add(pages[0])  # the counts are used up


def test_a_sections_term_counts_are_compact() -> None:
    """``gongyu serve``'s index worker keeps every section's counts in its memo (a save counts only the
    sections it changed): about 12 bytes a term (a tuple slot and a machine integer), not a dict entry of about 25."""
    body = (REPO / "content" / "parents" / "jz-bullied.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    tf, _bonus, length = section_counts({"headings": "留守儿童 关爱", "body": body})
    terms = list(tf)
    assert len(terms) > 100 and length == sum(count for _, count in tf.items())
    used = sum(sys.getsizeof(part) for part in (tf, *(getattr(tf, name) for name in ("terms", "counts") if hasattr(tf, name))))
    assert used < 16 * len(terms), used / len(terms)


@pytest.mark.parametrize("stream", [False, True])
def test_write_index_replaces_whole_files_and_removes_old_shards_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     stream: bool) -> None:
    """Also when the files come one by one (``gongyu build`` writes each shard as it is made), ``m.js`` among the first."""
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "t9.js").write_text("old", encoding="utf-8")
    order: list[str] = []
    original = index_store.write_bytes

    def recording(path: Path, data: bytes) -> None:
        assert (folder / "t9.js").exists()  # the old shard stays until the new m.js is in place
        order.append(path.name)
        original(path, data)

    monkeypatch.setattr(index_store, "write_bytes", recording)
    files = build_index(search_pages()[:4], [])
    assert next(iter(files)) == "m.js"
    write_index(tmp_path, iter(files.items()) if stream else files)
    assert order[-1] == "m.js" and sorted(order) == sorted(files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
