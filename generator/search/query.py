"""Run a query against a built index in Python: the ranking of ``search.js``, for tests and tuning.

The browser is the reference (``tests/test_search_browser.py`` runs the public queries there); this
copy lets the analyzer and ranking be checked in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .analyze import QueryAnalyzer, normalize, shard_key, shard_number

AUDIENCES = ("家长", "教师", "学校", "社会")


def read_script(path: Path) -> Any:
    """The data of one index file (``gongyuSearch.add("name", DATA);``)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(",") + 1
    return json.loads(text[start:text.rindex(")")])


class BuiltIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta = read_script(folder / "m.js")
        self.shards: dict[str, Any] = {}
        costs = {}
        for k in range(self.meta["shards"]):
            costs.update({term: entry[0] for term, entry in self.load(f"t{k}").items() if entry[0]})
        self.analyzer = QueryAnalyzer(costs, set(self.meta["stop"]), self.meta["synonyms"], set(self.meta["split"]))
        self.section_page: list[int] = []
        for page, count in enumerate(self.meta["sections"]):
            self.section_page += [page] * count

    def load(self, name: str) -> Any:
        if name not in self.shards:
            path = self.folder / f"{name}.js"
            self.shards[name] = read_script(path) if path.is_file() else {}
        return self.shards[name]

    def shard_of(self, term: str) -> str:
        return f"t{shard_number(shard_key(term, self.meta['split']), self.meta['shards'])}"

    def asked_by(self, text: str) -> list[str]:
        who = [a for a, words in self.meta["cues"].items() if any(w in text for w in words)]
        return who or ["家长"]

    def rank(self, query: str, only: str = "") -> list[tuple[int, float]]:
        """(page number, score), best first, as ``rank()`` in search.js."""
        text = normalize(query)
        terms = self.analyzer.analyze(text)
        pages: dict[int, float] = {}
        for term, weight in terms.items():
            post = self.load(self.shard_of(term)).get(term, [0])[1:]
            if not post:
                continue
            best: dict[int, int] = {}
            sid = 0
            for i in range(0, len(post), 2):
                sid += post[i]
                page = self.section_page[sid]
                best[page] = max(best.get(page, 0), post[i + 1])
            for page, value in best.items():
                pages[page] = pages.get(page, 0) + weight * value
        prior = sum(1 << AUDIENCES.index(a) for a in self.asked_by(text))
        bit = 1 << AUDIENCES.index(only) if only else 0
        found = []
        for page, score in pages.items():
            bits = self.meta["audience"][page]
            if bit and not bits & bit:
                continue
            found.append((page, score * (1.3 if bits & prior else 1 if bits else 0.85)))
        found.sort(key=lambda f: (-f[1], f[0]))
        top = found[0][1] if found else 0
        return [f for f in found if f[1] >= top * 0.12]

    def url(self, page: int) -> str:
        per = self.meta["docsPerShard"]
        return self.load(f"d{page // per}")[page % per][0]

    def search(self, query: str, only: str = "") -> list[str]:
        return [self.url(page) for page, _ in self.rank(query, only)]
