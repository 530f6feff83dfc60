"""The Chinese analysis of the search, on both sides.

Index side (``index_terms``): jieba in precise mode with the field's user words and no HMM, each word
also split as jieba's search mode splits it (its two- and three-character dictionary words), plus
character pairs for recall. Function words are dropped and pairs never span them.

Query side (``QueryAnalyzer``): the browser has no jieba, so the index ships its own vocabulary with
a cost per word (from jieba's frequencies) and the query is cut by the cheapest path through that
vocabulary, the same way jieba's DAG does. ``assets/search.js`` implements exactly the same steps;
``tests/test_search_analyzer.py`` runs both on the same strings and compares the terms.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
USER_WORDS = HERE / "jieba_user.txt"
LEXICON = HERE / "synonyms.yml"

#: Runs of Chinese characters, and runs of letters and digits; everything else separates.
RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Cost of a character the vocabulary does not hold (a word of two characters always beats two).
SINGLE_COST = 14
MAX_COST = 27
MAX_WORD = 8

# Query term weights (the same numbers are in search.js).
W_WORD = 10
W_SUB = 7
W_PAIR_OOV = 5
W_PAIR = 3
W_FUZZY = 5
W_SYNONYM = 6


#: A synonym key ``被…欺负`` matches 被 and 欺负 with at most this many characters between them.
GAP = 6


def has_key(text: str, key: str) -> bool:
    """Whether a synonym key occurs in the query (``…`` in a key stands for a short gap)."""
    if "..." not in key:  # the key's “…” is “...” once normalised (NFKC)
        return key in text
    head, tail = key.split("...", 1)
    start = text.find(head)
    while start >= 0:
        after = start + len(head)
        found = text.find(tail, after)
        if 0 <= found - after <= GAP:
            return True
        start = text.find(head, start + 1)
    return False


def shard_key(term: str, split: str | set[str]) -> str:
    """The part of a term that picks its shard: its first character, or its first two when the
    first character starts too many terms for one shard (一, 孩 …; listed as ``split`` in m.js)."""
    return term[:2] if term[0] in split and len(term) > 1 else term[0]


def shard_number(key: str, shards: int) -> int:
    """``codepoint % shards`` for one character, ``(cp1 × 31 + cp2) % shards`` for two."""
    code = ord(key[0])
    if len(key) > 1:
        code = code * 31 + ord(key[1])
    return code % shards


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, one space for any run of white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


@cache
def lexicon() -> dict[str, Any]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return {
        "synonyms": {normalize(str(k)): [normalize(str(v)) for v in vs] for k, vs in sorted(data["synonyms"].items())},
        "function_words": sorted({normalize(str(w)) for w in data["function_words"]}),
        "audience_cues": {k: sorted(normalize(str(w)) for w in vs) for k, vs in sorted(data["audience_cues"].items())},
    }


@cache
def _jieba() -> Any:
    try:
        import jieba
    except Exception as exc:  # noqa: BLE001 - any failure means no Chinese words
        raise RuntimeError(
            f"中文分词组件 jieba 无法使用（{type(exc).__name__}: {exc}）。请运行：pip install jieba 'setuptools<80'") from None
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_WORDS))
    if len(tokenizer.lcut("家校合作共同育人", HMM=False)) < 2:
        raise RuntimeError("中文分词组件 jieba 没有正确切分中文，请重新安装 jieba")
    return tokenizer


def word_cost(word: str) -> int:
    """jieba's -log(probability) of a word, rounded (rare or unknown words cost the most)."""
    tokenizer = _jieba()
    freq = tokenizer.FREQ.get(word) or 1
    return max(1, min(MAX_COST, round(math.log(tokenizer.total / freq))))


def _sub_words(word: str, known: Any) -> list[tuple[int, str]]:
    """jieba's search mode: the two- and three-character words inside a longer word."""
    found = []
    for size in (2, 3):
        if len(word) > size:
            found += [(i, word[i:i + size]) for i in range(len(word) - size + 1) if word[i:i + size] in known]
    return found


def _pairs(tokens: list[tuple[int, str]], stop: frozenset[str] | set[str]) -> list[tuple[int, str, bool]]:
    """Character pairs inside runs of tokens that are not function words: (start, pair, out of vocabulary)."""
    out: list[tuple[int, str, bool]] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        chars = [(pos + k, ch, len(tok) == 1) for pos, tok in run for k, ch in enumerate(tok)]
        for (p, a, sa), (_, b, sb) in itertools.pairwise(chars):
            out.append((p, a + b, sa or sb))
        run.clear()

    for pos, tok in tokens:
        if tok in stop:
            flush()
        else:
            run.append((pos, tok))
    flush()
    return out


@cache
def stop_words() -> frozenset[str]:
    """The function words as a set, made once (every section's text is cut with it)."""
    return frozenset(lexicon()["function_words"])


#: Terms of texts already cut in this process, by the SHA-256 of the text: ``gongyu serve`` cuts
#: only the sections an edit changed. Bounded: the oldest entries go first.
_TERMS: dict[bytes, str] = {}
TERMS_KEPT = 200_000


def index_terms(text: str, *, remember: bool = True) -> list[str]:
    """The terms of a piece of text, once per occurrence, in order (cut once per distinct text).

    Each term is interned: the term tables of every section of a site then share one string per
    distinct term (32,000 strings instead of 500,000 at 500 pages; the strings were two thirds of
    the tables' memory, and those tables are the peak of a large build). ``remember=False`` (a
    build that counts each page as it comes and keeps no table) neither interns nor memoises.
    """
    if not remember:
        return _cut_terms(text)
    key = hashlib.sha256(text.encode("utf-8")).digest()
    known = _TERMS.get(key)
    if known is None:
        terms = list(map(sys.intern, _cut_terms(text)))
        if len(_TERMS) >= TERMS_KEPT:
            del _TERMS[next(iter(_TERMS))]
        _TERMS[key] = "\x00".join(terms)  # one string a text: far smaller than a tuple of small ones
        return terms
    return list(map(sys.intern, known.split("\x00"))) if known else []


def _cut_terms(text: str) -> list[str]:
    """:func:`index_terms` without the memo: jieba's words, their sub-words and the character pairs."""
    tokenizer = _jieba()
    stop = stop_words()
    terms: list[str] = []
    for match in RUN.finditer(normalize(text)):
        run = match.group(0)
        if not CJK.match(run):
            terms.append(run)
            continue
        tokens, pos = [], 0
        for tok in tokenizer.cut(run, HMM=False):
            tokens.append((pos, tok))
            pos += len(tok)
        seen = set()
        for start, tok in tokens:
            if tok in stop or len(tok) < 2:
                continue
            terms.append(tok)
            seen.add((start, tok))
            for offset, sub in _sub_words(tok, tokenizer.FREQ):
                if sub not in stop:
                    terms.append(sub)
                    seen.add((start + offset, sub))
        terms += [pair for p, pair, _ in _pairs(tokens, stop) if (p, pair) not in seen]
    return terms


def vocabulary_words(terms: Any) -> list[str]:
    """The words (not bare character pairs) among index terms that the query side must know."""
    tokenizer = _jieba()
    return sorted(t for t in set(terms) if CJK.match(t) and len(t) >= 2 and t in tokenizer.FREQ)


@dataclass
class QueryAnalyzer:
    """Cuts a query with the shipped vocabulary: same algorithm as ``search.js``."""

    costs: dict[str, int]
    stop: set[str] = field(default_factory=set)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)
    _masked: dict[str, list[str]] | None = field(default=None, repr=False)

    def segment(self, run: str) -> list[tuple[int, str]]:
        """Cheapest path through the vocabulary; ties go to the longer word (as jieba's DAG)."""
        n = len(run)
        best = [0] * (n + 1)
        step = [1] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i], step[i] = SINGLE_COST + best[i + 1], 1
            for j in range(i + 2, min(n, i + MAX_WORD) + 1):
                cost = self.costs.get(run[i:j])
                if cost is not None and cost + best[j] <= best[i]:
                    best[i], step[i] = cost + best[j], j - i
        tokens, i = [], 0
        while i < n:
            tokens.append((i, run[i:i + step[i]]))
            i += step[i]
        return tokens

    def fuzzy(self, run: str, tokens: list[tuple[int, str]]) -> list[str]:
        """Words of 3–4 characters typed with one wrong character (防逆水 → 防溺水)."""
        lone = {pos for pos, tok in tokens if len(tok) == 1 and tok not in self.stop}
        found: list[str] = []
        for size in (3, 4):
            for i in range(len(run) - size + 1):
                window = run[i:i + size]
                if window in self.costs or not any(i <= p < i + size for p in lone):
                    continue
                for k in range(1, size):
                    if i + k not in lone or (k == 1 and window[0] in self.split):
                        continue  # (the browser cannot know the words under 一?…)
                    for word in self.masked().get(window[:k] + "?" + window[k + 1:], ()):
                        if word not in found:
                            found.append(word)
        return found

    def masked(self) -> dict[str, list[str]]:
        """Words of 3–4 characters under every one-character mask but the first (防?水 → 防溺水).

        The first character stays: the browser holds only the vocabulary of the query's characters.
        """
        if self._masked is None:
            self._masked = {}
            for word in sorted(self.costs):
                if 3 <= len(word) <= 4 and word not in self.stop:
                    for k in range(1, len(word)):
                        self._masked.setdefault(word[:k] + "?" + word[k + 1:], []).append(word)
        return self._masked

    def terms(self, query: str, weight: int = W_WORD) -> dict[str, int]:
        """Query terms and their weights (0–10); a term keeps its highest weight."""
        out: dict[str, int] = {}

        def add(term: str, w: int) -> None:
            if term not in self.stop and w > out.get(term, 0):
                out[term] = w

        for match in RUN.finditer(normalize(query)):
            run = match.group(0)
            if not CJK.match(run):
                add(run, weight)
                continue
            tokens = self.segment(run)
            seen = set()
            for start, tok in tokens:
                if len(tok) >= 2:
                    add(tok, weight)
                    seen.add((start, tok))
                    for offset, sub in _sub_words(tok, self.costs):
                        add(sub, weight * W_SUB // W_WORD)
                        seen.add((start + offset, sub))
            for p, pair, oov in _pairs(tokens, self.stop):
                if (p, pair) not in seen:
                    add(pair, weight * (W_PAIR_OOV if oov else W_PAIR) // W_WORD)
            for word in self.fuzzy(run, tokens):
                add(word, weight * W_FUZZY // W_WORD)
        return out

    def starts(self, query: str) -> set[str]:
        """The shard keys of every term the query can produce: the shards it needs."""
        text = normalize(query)
        texts = [text] + [t for key in sorted(self.synonyms) if has_key(text, key) for t in self.synonyms[key]]
        found: set[str] = set()
        for part in texts:
            for match in RUN.finditer(part):
                run = match.group(0)
                if not CJK.match(run):
                    found.add(run[0])
                    continue
                for i, char in enumerate(run):
                    if char not in self.split:
                        found.add(char)
                    elif i + 1 < len(run):
                        found.add(run[i:i + 2])
        return found

    def analyze(self, query: str) -> dict[str, int]:
        """Typed words, then expansions of the colloquial phrases found in the query (weaker)."""
        text = normalize(query)
        out = self.terms(text)
        for key in sorted(self.synonyms):
            if has_key(text, key):
                for target in self.synonyms[key]:
                    for term, w in self.terms(target, W_SYNONYM).items():
                        if w > out.get(term, 0):
                            out[term] = w
        return out
