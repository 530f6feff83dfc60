"""The search index: BM25 impacts per (term, section), sharded into classic scripts.

Files written to ``search/`` in the site (each one ``gongyuSearch.add(name, data)``, so they load
with a ``<script>`` element from ``file://`` as well as over HTTP):

- ``m.js``: loaded when the search box opens: function words, synonyms, audience cues, per page
  its reader bits and number of sections, the topic pages, the number of shards.
- ``t<k>.js``: the terms whose first character falls in shard ``k`` (``codepoint % shards``), each
  with its cost as a word of the query vocabulary and its postings. A query loads the shards of its
  own characters (and of the synonyms it triggers): that is all the vocabulary needed to cut it
  and all the postings needed to rank it.
- ``d<k>.js``: title, address, summary, badges and section headings of 8 pages, loaded only for
  the pages shown.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .analyze import (
    CJK,
    index_terms,
    lexicon,
    shard_key,
    shard_number,
    vocabulary_words,
    word_cost,
)
from .extract import Section
from .meta import PageMeta

#: Field weights. Body and summary counts saturate as in BM25; a word in the title, the questions,
#: the topics or a heading adds a fixed bonus on top, so one title word outweighs many body mentions.
WEIGHTS = {"summary": 2, "body": 1}
BONUS = {"title": 2.5, "questions": 2.0, "keywords": 1.2, "headings": 0.9}
K1 = 1.2
B = 0.6
#: Postings kept per term (the best sections); only very common words lose any.
TOP = 200
SHARD_BYTES = 6000
DOCS_PER_SHARD = 8
SUMMARY_CHARS = 60


@dataclass
class IndexedPage:
    url: str
    title: str
    meta: PageMeta
    sections: list[Section]


def _fields(page: IndexedPage, index: int, section: Section) -> dict[str, str]:
    fields = {"headings": " ".join([section.heading, *section.headings]), "body": section.body}
    if index == 0:
        fields.update(title=page.title, questions=" ".join(page.meta.questions),
                      keywords=" ".join(page.meta.keywords), summary=page.meta.summary)
    return fields


def _js(name: str, data: object) -> str:
    return f'gongyuSearch.add("{name}",{json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)});\n'


#: Term counts of sections already counted in this process, by the hash of their fields: a
#: ``gongyu serve`` rebuild counts only the sections an edit changed. Bounded: oldest go first.
_COUNTS: dict[bytes, tuple[Counter[str], dict[str, float]]] = {}
COUNTS_KEPT = 50_000


def section_counts(fields: dict[str, str]) -> tuple[Counter[str], dict[str, float]]:
    """A section's weighted term counts and title/keyword bonuses (shared, never to be changed)."""
    key = hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")).digest()
    known = _COUNTS.get(key)
    if known is not None:
        return known
    tf: Counter[str] = Counter()
    bonus: dict[str, float] = {}
    for name, text in fields.items():
        for term in index_terms(text):
            if name in BONUS:
                bonus[term] = max(bonus.get(term, 0.0), BONUS[name])
                tf[term] += 0
            else:
                tf[term] += WEIGHTS[name]
    if len(_COUNTS) >= COUNTS_KEPT:
        del _COUNTS[next(iter(_COUNTS))]
    _COUNTS[key] = (tf, bonus)
    return tf, bonus


def build_index(pages: list[IndexedPage], topics: list[list[str]] | None = None) -> dict[str, str]:
    """File name (inside ``search/``) → content; ``topics`` are [name, address] of the topic pages.

    Not split: the passes over pages and sections fill the same term tables; their order is the index format.
    """
    pages = sorted(pages, key=lambda p: p.url)
    section_tf: list[Counter[str]] = []
    lengths: list[float] = []
    first_section: list[int] = []
    section_bonus: list[dict[str, float]] = []
    df: Counter[str] = Counter()
    for page in pages:
        first_section.append(len(section_tf))
        seen: set[str] = set()
        for s, section in enumerate(page.sections):
            tf, bonus = section_counts(_fields(page, s, section))
            section_tf.append(tf)
            section_bonus.append(bonus)
            lengths.append(sum(tf.values()))
            seen.update(tf)
        df.update(seen)
    n = max(1, len(pages))
    avg = sum(lengths) / max(1, len(lengths)) or 1.0
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sid, tf in enumerate(section_tf):
        norm = K1 * (1 - B + B * lengths[sid] / avg)
        for term, count in tf.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            saturated = count * (K1 + 1) / (count + norm) + section_bonus[sid].get(term, 0.0)
            impact = max(1, round(10 * idf * saturated))
            postings[term].append((sid, impact))

    lex = lexicon()
    stop = lex["function_words"]
    cost = {word: word_cost(word) for word in vocabulary_words(postings)}
    cost.update({word: word_cost(word) for word in stop if len(word) >= 2})
    # A term's entry: [cost in the query vocabulary (0: only a character pair), then pairs of
    # (section number − previous section number, impact)]. Function words have no postings.
    encoded: dict[str, list[int]] = {word: [c] for word, c in cost.items()}
    for term, items in postings.items():
        best = sorted(sorted(items, key=lambda x: (-x[1], x[0]))[:TOP])
        flat, last = [cost.get(term, 0)], 0
        for sid, impact in best:
            flat += [sid - last, impact]
            last = sid
        encoded[term] = flat
    weight = {t: len(t) * 3 + 4 * len(v) + 6 for t, v in encoded.items()}
    shards = max(1, math.ceil(sum(weight.values()) / SHARD_BYTES))
    by_char: Counter[str] = Counter()
    for term, w in weight.items():
        by_char[term[0]] += w
    # A character that starts more terms than a shard holds is split by its second character.
    split = "".join(sorted(c for c, w in by_char.items() if w > SHARD_BYTES and CJK.match(c)))
    by_shard: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(encoded):
        by_shard[shard_number(shard_key(term, split), shards)][term] = encoded[term]

    files = {
        "m.js": _js("m", {
            "shards": shards,
            "split": split,
            "topics": topics or [],
            "docsPerShard": DOCS_PER_SHARD,
            "sections": [len(page.sections) for page in pages],
            "audience": [page.meta.audience_bits for page in pages],
            "stop": stop,
            "synonyms": lex["synonyms"],
            "cues": lex["audience_cues"],
        }),
    }
    for k, terms in sorted(by_shard.items()):
        files[f"t{k}.js"] = _js(f"t{k}", terms)
    for k in range(0, len(pages), DOCS_PER_SHARD):
        docs = []
        for page in pages[k:k + DOCS_PER_SHARD]:
            summary = page.meta.summary or page.sections[0].body
            if len(summary) > SUMMARY_CHARS:
                summary = summary[:SUMMARY_CHARS - 1] + "…"
            docs.append([page.url, page.title, summary, page.meta.badges, page.meta.stages,
                         [[s.anchor, s.heading] for s in page.sections]])
        files[f"d{k // DOCS_PER_SHARD}.js"] = _js(f"d{k // DOCS_PER_SHARD}", docs)
    return files


def write_index(site_dir: Path, files: dict[str, str]) -> None:
    """Replace the index in ``site_dir/search/`` (files of an older build are removed)."""
    folder = site_dir / "search"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.js"):
        if old.name not in files:
            old.unlink()
    for name, text in sorted(files.items()):
        (folder / name).write_text(text, encoding="utf-8")
