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
import itertools
import json
import math
import operator
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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
    order first met: 12 bytes a term instead of a ``Counter``'s 25 (``gongyu serve``'s index worker
    keeps every section's counts in its memo, :data:`_COUNTS`)."""

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


def _weigh(fields: dict[str, str], *, remember: bool) -> tuple[Counter[str], dict[str, float]]:
    """A section's weighted term counts and title/keyword bonuses (a bonus field's terms count 0)."""
    tf: Counter[str] = Counter()
    bonus: dict[str, float] = {}
    for name, text in fields.items():
        for term in index_terms(text, remember=remember):
            if name in BONUS:
                bonus[term] = max(bonus.get(term, 0.0), BONUS[name])
                tf[term] += 0
            else:
                tf[term] += WEIGHTS[name]
    return tf, bonus


def section_counts(fields: dict[str, str]) -> tuple[TermCounts, dict[str, float], int]:
    """A section's weighted term counts, title/keyword bonuses and length, the sum of its counts
    (shared, never to be changed)."""
    key = hashlib.sha256(_dumps(fields).encode("utf-8")).digest()
    known = _COUNTS.get(key)
    if known is not None:
        return known
    tf, bonus = _weigh(fields, remember=True)
    if len(_COUNTS) >= COUNTS_KEPT:
        del _COUNTS[next(iter(_COUNTS))]
    counted = _COUNTS[key] = (TermCounts(tf), bonus, sum(tf.values()))
    return counted


@dataclass(frozen=True)
class _Doc:
    """What the index keeps of a page once its words are counted: its entry in a ``d<k>.js`` shard,
    [address, title, summary, badges, stages, [[anchor, heading] of each section]], and its numbers in ``m.js``."""

    url: str
    entry: list[Any]
    sections: int
    audience: int


def _doc(page: IndexedPage) -> _Doc:
    summary = page.meta.summary or page.sections[0].body
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS - 1] + "…"
    entry = [page.url, page.title, summary, list(page.meta.badges), list(page.meta.stages),
             [[s.anchor, s.heading] for s in page.sections]]
    return _Doc(page.url, entry, len(page.sections), page.meta.audience_bits)


class IndexBuilder:
    """The index of pages counted one at a time, as they come (:func:`build_index` of all of them).

    A page's words go straight into per-term lists of (section, count) as machine integers, and
    only its entry in the document shards is kept: ``gongyu build`` counts each page as MkDocs
    renders it and holds neither the pages' text nor a table per section (those tables were the
    peak of a large build's memory). :meth:`files` then weighs each term (BM25: idf once per term)
    and gives the index file by file, so that the shards are written straight from the lists.

    Sections are numbered by page address (as :func:`build_index` orders the pages) whatever the
    order the pages came in; a page added again under the same address replaces the earlier one.
    ``remember``: term counts go through this process's memo of sections (``gongyu serve``'s
    worker counts only the sections an edit changed); a one-off build keeps nothing.
    """

    def __init__(self, *, remember: bool = True) -> None:
        self.remember = remember
        self._docs: list[_Doc | None] = []  # by arrival; None: replaced by a later page
        self._at: dict[str, int] = {}  # address → arrival number
        self._first = array("i")  # arrival number → its first section's arrival number
        self._lengths = array("q")  # section (arrival number) → length, the sum of its counts
        self._page_of = array("i")  # section → page (arrival numbers)
        self._gathered: dict[str, array[int]] = {}  # term → (section, count) pairs, flat, sections ascending
        self._bonuses: dict[str, list[tuple[int, float]]] = {}
        self._used = False

    def __len__(self) -> int:
        return len(self._at)

    def add(self, page: IndexedPage) -> None:
        """Count the words of ``page``, section by section."""
        if self._used:
            raise RuntimeError("IndexBuilder.files() has used up the counts")
        number = len(self._docs)
        replaced = self._at.get(page.url)
        if replaced is not None:
            self._docs[replaced] = None
        self._at[page.url] = number
        self._first.append(len(self._lengths))
        gathered, bonuses = self._gathered, self._bonuses
        for s, section in enumerate(page.sections):
            sid = len(self._lengths)
            fields = _fields(page, s, section)
            counted: Iterable[tuple[str, int]]
            if self.remember:
                tf, bonus, length = section_counts(fields)
                counted = tf.items()
            else:
                fresh, bonus = _weigh(fields, remember=False)
                counted, length = fresh.items(), sum(fresh.values())
            self._lengths.append(length)
            self._page_of.append(number)
            for term, count in counted:
                pairs = gathered.get(term)
                if pairs is None:
                    pairs = gathered[term] = array("i")
                pairs.extend((sid, count))
            for term, extra in bonus.items():
                bonuses.setdefault(term, []).append((sid, extra))
        self._docs.append(_doc(page))

    def _drop_replaced(self) -> None:
        """Forget the sections of pages replaced by a later page of the same address (rare)."""
        dead = {number for number, doc in enumerate(self._docs) if doc is None}
        if not dead:
            return
        alive = [self._page_of[sid] not in dead for sid in range(len(self._lengths))]
        for term in list(self._gathered):
            pairs = self._gathered[term]
            kept = array("i", [value for k in range(0, len(pairs), 2) if alive[pairs[k]]
                               for value in (pairs[k], pairs[k + 1])])
            if kept:
                self._gathered[term] = kept
            else:
                del self._gathered[term]
        for term in list(self._bonuses):
            extras = [(sid, extra) for sid, extra in self._bonuses[term] if alive[sid]]
            if extras:
                self._bonuses[term] = extras
            else:
                del self._bonuses[term]

    def files(self, topics: list[list[str]] | None = None) -> Iterator[tuple[str, str]]:
        """(name inside ``search/``, content) of every file of the index: term shards, document
        shards, ``m.js`` last. ``topics`` are [name, address] of the topic pages. Uses up the counts.

        Not split: the passes over terms and shards fill the same tables; their order is the index format.
        """
        if self._used:
            raise RuntimeError("IndexBuilder.files() has used up the counts")
        self._used = True
        self._drop_replaced()
        order = sorted((number for number, doc in enumerate(self._docs) if doc is not None),
                       key=lambda number: self._at_url(number))
        docs = [doc for doc in map(self._docs.__getitem__, order) if doc is not None]
        weigh = _Weigher(self, order)
        lex = lexicon()
        stop = lex["function_words"]
        cost = {word: word_cost(word) for word in vocabulary_words(self._gathered)}
        cost.update({word: word_cost(word) for word in stop if len(word) >= 2})
        # A term's entry: [cost in the query vocabulary (0: only a character pair), then pairs of
        # (section number − previous section number, impact)]. Function words have no postings.
        weight = {t: len(t) * 3 + 4 + 6 for t in cost}
        for term, pairs in self._gathered.items():
            weight[term] = len(term) * 3 + 4 * (1 + 2 * min(TOP, len(pairs) // 2)) + 6
        shards = max(1, math.ceil(sum(weight.values()) / SHARD_BYTES))
        by_char: Counter[str] = Counter()
        for term, w in weight.items():
            by_char[term[0]] += w
        # A character that starts more terms than a shard holds is split by its second character.
        split = "".join(sorted(c for c, w in by_char.items() if w > SHARD_BYTES and CJK.match(c)))
        by_shard: dict[int, list[str]] = defaultdict(list)
        for term in sorted(weight):
            by_shard[shard_number(shard_key(term, split), shards)].append(term)
        del weight, by_char
        for k, terms in sorted(by_shard.items()):
            yield f"t{k}.js", _terms_js(f"t{k}", {
                term: _encoded(cost.get(term, 0), *weigh.postings(term)) if term in self._gathered else [cost[term]]
                for term in terms})
        for k in range(0, len(docs), DOCS_PER_SHARD):
            name = f"d{k // DOCS_PER_SHARD}"
            yield f"{name}.js", _js(name, [doc.entry for doc in docs[k:k + DOCS_PER_SHARD]])
        yield "m.js", _js("m", {
            "shards": shards,
            "split": split,
            "topics": topics or [],
            "docsPerShard": DOCS_PER_SHARD,
            "sections": [doc.sections for doc in docs],
            "audience": [doc.audience for doc in docs],
            "stop": stop,
            "synonyms": lex["synonyms"],
            "cues": lex["audience_cues"],
        })

    def _at_url(self, number: int) -> str:
        doc = self._docs[number]
        assert doc is not None
        return doc.url


class _Weigher:
    """BM25 impacts of one term's postings, sections numbered by page address.

    ``impact = max(1, round(10 · idf · (count·(K1+1)/(count+norm) + bonus)))``, the float operations
    in exactly this order (the index's bytes depend on every rounding): idf once per term, the
    impacts of a term in one comprehension; the few postings with a bonus are computed again with it.
    """

    def __init__(self, builder: IndexBuilder, order: list[int]) -> None:
        self.gathered, self.bonuses, self.page_of = builder._gathered, builder._bonuses, builder._page_of
        lengths = builder._lengths
        # section arrival number → its number in the index (pages in address order); -1: replaced
        self.final = array("i", [-1]) * len(lengths)
        number = 0
        for page in order:
            doc = builder._docs[page]
            assert doc is not None
            first = builder._first[page]
            for sid in range(first, first + doc.sections):
                self.final[sid] = number
                number += 1
        alive = [length for sid, length in enumerate(lengths) if self.final[sid] >= 0]
        avg = sum(alive) / max(1, len(alive)) or 1.0
        self.norms = [K1 * (1 - B + B * length / avg) for length in lengths]
        self.n = max(1, len(order))
        # pages came in address order: the postings of every term already are in index order
        self.in_order = all(a < b for a, b in itertools.pairwise(f for f in self.final if f >= 0))

    def postings(self, term: str) -> tuple[Sequence[int], Sequence[int]]:
        """The ``TOP`` best postings of ``term``: (section numbers, ascending; impacts). Uses up its counts."""
        pairs = self.gathered.pop(term)
        sids, counts = pairs[0::2], pairs[1::2]
        df = len(set(map(self.page_of.__getitem__, sids)))
        # `10 * idf * saturated` is `(10 * idf) * saturated`
        idf10 = 10 * math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        k1p1, norms = K1 + 1, self.norms
        impacts = array("i", [impact if (impact := round(idf10 * (count * k1p1 / (count + norms[sid])))) > 1 else 1
                              for sid, count in zip(sids, counts, strict=True)])
        for sid, extra in self.bonuses.get(term, ()):
            k = bisect.bisect_left(sids, sid)
            impacts[k] = max(1, round(idf10 * (counts[k] * k1p1 / (counts[k] + norms[sid]) + extra)))
        final = array("i", map(self.final.__getitem__, sids))
        if not self.in_order:
            ranked = sorted(range(len(final)), key=final.__getitem__)
            final = array("i", map(final.__getitem__, ranked))
            impacts = array("i", map(impacts.__getitem__, ranked))
        return _best(final, impacts)


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


def build_index(pages: list[IndexedPage], topics: list[list[str]] | None = None, *,
                remember: bool = True) -> dict[str, str]:
    """File name (inside ``search/``) → content; ``topics`` are [name, address] of the topic pages.

    ``pages`` have distinct addresses. ``remember``: see :class:`IndexBuilder`.
    """
    builder = IndexBuilder(remember=remember)
    for page in sorted(pages, key=lambda p: p.url):
        builder.add(page)
    files = dict(builder.files(topics))
    return {"m.js": files.pop("m.js"), **files}
