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

import bisect
import hashlib
import json
import math
import operator
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..write.atomic import write_bytes
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
    return f'gongyuSearch.add("{name}",{_dumps(data)});\n'


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _terms_js(name: str, terms: dict[str, list[int]]) -> str:
    """:func:`_js` of a term shard, written directly: a term's entry is a list of integers, so only
    the key needs JSON's escaping (the same bytes as ``json.dumps``, without its per-item overhead)."""
    quote = _dumps
    parts = [f"{quote(term)}:[{','.join(map(str, terms[term]))}]" for term in sorted(terms)]
    return f'gongyuSearch.add("{name}",{{{",".join(parts)}}});\n'


class TermCounts:
    """A section's weighted term counts, compact: its terms and their counts side by side, in the
    order first met: 12 bytes a term instead of a ``Counter``'s 25 (a large site's sections' counts,
    all alive while the index is made, are the peak of its build)."""

    __slots__ = ("counts", "terms")

    def __init__(self, tf: Counter[str]) -> None:
        self.terms = tuple(tf)
        self.counts = array("i", tf.values())

    def items(self) -> Iterator[tuple[str, int]]:
        return zip(self.terms, self.counts, strict=True)

    def values(self) -> array[int]:
        return self.counts

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


#: Term counts of sections already counted in this process, by the hash of their fields: a
#: ``gongyu serve`` rebuild counts only the sections an edit changed. Bounded: oldest go first.
_COUNTS: dict[bytes, tuple[TermCounts, dict[str, float], int]] = {}
COUNTS_KEPT = 50_000


def section_counts(fields: dict[str, str]) -> tuple[TermCounts, dict[str, float], int]:
    """A section's weighted term counts, title/keyword bonuses and length, the sum of its counts
    (shared, never to be changed)."""
    key = hashlib.sha256(_dumps(fields).encode("utf-8")).digest()
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
    counted = _COUNTS[key] = (TermCounts(tf), bonus, sum(tf.values()))
    return counted


def _postings(pages: list[IndexedPage]) -> dict[str, tuple[array[int], array[int]]]:
    """Term → (section numbers, impacts), sections numbered in page order, ascending in each list.

    BM25: ``impact = max(1, round(10 · idf · (count·(K1+1)/(count+norm) + bonus)))``, the float
    operations in exactly this order (the index's bytes depend on every rounding). The counts are
    first gathered per term (section by section, as machine integers), so idf is computed once per
    term and the impacts of a term in one comprehension; the few postings with a bonus are then
    computed again with it. Each term's gathered counts are dropped once its impacts are known.
    """
    lengths: list[int] = []
    page_of: list[int] = []  # section number → page number
    gathered: dict[str, array[int]] = {}  # term → (section, count) pairs, flat
    bonuses: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for p, page in enumerate(pages):
        for s, section in enumerate(page.sections):
            sid = len(lengths)
            tf, bonus, length = section_counts(_fields(page, s, section))
            lengths.append(length)
            page_of.append(p)
            for term, count in tf.items():
                pairs = gathered.get(term)
                if pairs is None:
                    pairs = gathered[term] = array("i")
                pairs.extend((sid, count))
            for term, extra in bonus.items():
                bonuses[term].append((sid, extra))
    avg = sum(lengths) / max(1, len(lengths)) or 1.0
    norms = [K1 * (1 - B + B * length / avg) for length in lengths]
    n = max(1, len(pages))
    k1p1 = K1 + 1
    postings: dict[str, tuple[array[int], array[int]]] = {}
    for term in list(gathered):
        pairs = gathered.pop(term)
        sids, counts = pairs[0::2], pairs[1::2]
        df = len(set(map(page_of.__getitem__, sids)))
        # `10 * idf * saturated` is `(10 * idf) * saturated`
        idf10 = 10 * math.log(1 + (n - df + 0.5) / (df + 0.5))
        impacts = array("i", [impact if (impact := round(idf10 * (count * k1p1 / (count + norms[sid])))) > 1 else 1
                              for sid, count in zip(sids, counts, strict=True)])
        for sid, extra in bonuses.get(term, ()):
            k = bisect.bisect_left(sids, sid)
            impacts[k] = max(1, round(idf10 * (counts[k] * k1p1 / (counts[k] + norms[sid]) + extra)))
        postings[term] = sids, impacts
    return postings


def _best(sids: Sequence[int], impacts: Sequence[int]) -> tuple[Sequence[int], Sequence[int]]:
    """The ``TOP`` postings of highest impact (ties: the lower section number), in section order."""
    if len(sids) <= TOP:
        return sids, impacts
    threshold = sorted(impacts, reverse=True)[TOP - 1]
    ties = TOP - sum(1 for impact in impacts if impact > threshold)
    kept_sids, kept_impacts = [], []
    for sid, impact in zip(sids, impacts, strict=True):
        if impact > threshold or (impact == threshold and ties > 0):
            if impact == threshold:
                ties -= 1
            kept_sids.append(sid)
            kept_impacts.append(impact)
    return kept_sids, kept_impacts


def _encoded(term_cost: int, sids: Sequence[int], impacts: Sequence[int]) -> list[int]:
    """[cost, then pairs of (section number − previous section number, impact)]."""
    flat = [term_cost] + [0] * (2 * len(sids))
    flat[1::2] = list(map(operator.sub, sids, [0, *sids[:-1]]))
    flat[2::2] = impacts
    return flat


def build_index(pages: list[IndexedPage], topics: list[list[str]] | None = None) -> dict[str, str]:
    """File name (inside ``search/``) → content; ``topics`` are [name, address] of the topic pages.

    Not split: the passes over terms and shards fill the same tables; their order is the index format.
    """
    pages = sorted(pages, key=lambda p: p.url)
    postings = _postings(pages)
    lex = lexicon()
    stop = lex["function_words"]
    cost = {word: word_cost(word) for word in vocabulary_words(postings)}
    cost.update({word: word_cost(word) for word in stop if len(word) >= 2})
    # A term's entry: [cost in the query vocabulary (0: only a character pair), then pairs of
    # (section number − previous section number, impact)]. Function words have no postings.
    encoded: dict[str, list[int]] = {word: [c] for word, c in cost.items()}
    for term, (sids, impacts) in postings.items():
        encoded[term] = _encoded(cost.get(term, 0), *_best(sids, impacts))
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
        files[f"t{k}.js"] = _terms_js(f"t{k}", terms)
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
    """Replace the index in ``site_dir/search/``, one file at a time through a temporary name.

    ``m.js`` goes last and files of an older index are removed only after it, so a reader loading
    the index while it is replaced (``gongyu serve`` writes it in the background) never gets half
    a file, and the ``m.js`` it finds names shards that exist.
    """
    folder = site_dir / "search"
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(files, key=lambda name: name == "m.js"):
        write_bytes(folder / name, files[name].encode("utf-8"))
    for old in folder.glob("*.js"):
        if old.name not in files:
            old.unlink(missing_ok=True)
