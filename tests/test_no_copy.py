"""No sentence of the bundled content is a near-copy of a sentence of the source documents.

Facts, figures and structure may come from the sources in ``../shared/seeds/``; sentences may not.
Every sentence of ``content/``, ``courses/`` and ``plans/`` of at least ``MIN_CHARS`` Chinese
characters is compared with every sentence of the sources using :class:`difflib.SequenceMatcher`;
a ratio of ``LIMIT`` or more is a near-copy. The comparison ignores punctuation, spaces, Latin
letters (YAML keys, Markdown) and the sources' typed numbering such as “（1）” or “三、”.
"""

from __future__ import annotations

import bisect
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from .conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"
FOLDERS = ("content", "courses", "plans")
LIMIT = 0.8
MIN_CHARS = 12

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
# Typed numbering of the sources: 一、 （一） (1) （1） 1. 1、 — a new sentence starts there.
_NUMBERING = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|(?<!\d)\d{1,2}[.、．](?!\d)")
_PUNCTUATION = re.compile(r"[，,。；;：:！？!?、]")
_KEEP = re.compile(r"[\u3400-\u9fff0-9%]+")
# A YAML or Markdown line that starts a new block rather than continuing the line before it.
_NEW_BLOCK = re.compile(r"^\s*(?:$|[-*>#|]|\d+\.\s|[A-Za-z_][\w-]*\s*:|---)")


def _core(text: str) -> str:
    """The characters compared: Chinese characters, digits and %, nothing else."""
    return "".join(_KEEP.findall(text))


def _split(text: str) -> list[str]:
    parts: list[str] = []
    for chunk in _SENTENCE_END.split(text):
        parts.extend(_NUMBERING.split(chunk))
    return parts


def seed_sentences(folder: Path) -> list[str]:
    """Sentences of the sources, split both as laid out and with hard line wraps joined.

    Document titles of the sources (a line of its own without punctuation, such as
    “学校家校社协同育人三年行动计划”) are names of the systems the plans are modelled on, not
    sentences, so they are left out.
    """
    found: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        titles = {_core(line) for line in raw.splitlines() if len(line.strip()) <= 40 and not _PUNCTUATION.search(line)}
        # Some paragraphs of the sources are hard-wrapped mid-sentence: read them joined as well.
        for text in (raw, re.sub(r"[ \t]*\n[ \t]*(?=\S)", "", raw)):
            for part in _split(text):
                core = _core(part)
                if len(core) >= MIN_CHARS and core not in titles:
                    found.add(core)
    return sorted(found)


def our_sentences(repo: Path) -> list[tuple[str, int, str, str]]:
    """``(file, line, sentence, core)`` for every sentence of the bundled content.

    Lines that continue the line before (a wrapped Markdown paragraph, a folded YAML string) are
    joined first; a sentence is reported at the line where it starts.
    """
    found = []
    for folder in FOLDERS:
        for path in sorted((repo / folder).rglob("*")):
            if path.suffix not in (".md", ".yml", ".yaml"):
                continue
            name = path.relative_to(repo).as_posix()
            logical: list[tuple[int, str]] = []
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if logical and not _NEW_BLOCK.match(line) and logical[-1][1].strip():
                    logical[-1] = (logical[-1][0], logical[-1][1] + line.strip())
                else:
                    logical.append((number, line))
            for number, line in logical:
                for part in _SENTENCE_END.split(line):
                    core = _core(part)
                    if len(core) >= MIN_CHARS:
                        found.append((name, number, part.strip(), core))
    return found


def near_copies(ours: list[tuple[str, int, str, str]], seeds: list[str]) -> list[tuple[float, str, int, str, str]]:
    """Every pair reaching ``LIMIT``.

    ``ratio`` is 2M / (a + b) for M matched characters. Two cheap upper bounds on it discard
    most pairs before the real comparison: M <= min(a, b) (lengths), and M is at most the number
    of distinct characters both share plus the repeated characters of the shorter side
    (a bitset of characters per sentence).
    """
    seeds = sorted(seeds, key=len)
    lengths = [len(s) for s in seeds]
    alphabet = {char: 1 << i for i, char in enumerate(sorted({c for s in seeds for c in s}))}

    def bits(text: str) -> int:
        mask = 0
        for char in set(text):
            mask |= alphabet.get(char, 0)
        return mask

    seed_bits = [bits(s) for s in seeds]
    seed_repeats = [len(s) - len(set(s)) for s in seeds]
    matcher = SequenceMatcher(autojunk=False)
    hits = []
    for name, line, sentence, core in ours:
        size = len(core)
        mask, repeats = bits(core), size - len(set(core))
        # Only lengths within [2a/3, 3a/2] can reach 0.8.
        low = bisect.bisect_left(lengths, size * 2 / 3 - 1e-9)
        high = bisect.bisect_right(lengths, size * 3 / 2 + 1e-9)
        for index in range(low, high):
            bound = (mask & seed_bits[index]).bit_count() + min(repeats, seed_repeats[index])
            if 2 * bound < LIMIT * (size + lengths[index]):
                continue
            matcher.set_seqs(core, seeds[index])
            if matcher.quick_ratio() >= LIMIT:
                ratio = matcher.ratio()
                if ratio >= LIMIT:
                    hits.append((ratio, name, line, sentence, seeds[index]))
    return hits


def test_splitting_and_matching_find_a_near_copy() -> None:
    """The checker itself: a source sentence with two words changed is caught, our own is not."""
    seeds = seed_sentences_from_text("三、工作内容1. 加强家校合作(1)建立家校沟通平台,"
                                     "定期举行家长会议,与家长交流学生学习情况和行为表现;")
    assert "建立家校沟通平台定期举行家长会议与家长交流学生学习情况和行为表现" in seeds
    copied = ("plans/x.yml", 3, "搭建家校沟通平台，定期召开家长会议，与家长交流学生学习情况和行为表现",
              _core("搭建家校沟通平台，定期召开家长会议，与家长交流学生学习情况和行为表现"))
    own = ("plans/x.yml", 4, "每学期开两次家长会，班主任当面说说孩子这段时间的变化",
           _core("每学期开两次家长会，班主任当面说说孩子这段时间的变化"))
    hits = near_copies([copied, own], seeds)
    assert [(name, line) for _, name, line, _, _ in hits] == [("plans/x.yml", 3)]


def seed_sentences_from_text(text: str) -> list[str]:
    return sorted({_core(p) for p in _split(text) if len(_core(p)) >= MIN_CHARS})


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"找不到来源文件目录 {SEEDS}（应在仓库旁的 shared/seeds/），跳过近似抄录检查")
def test_no_sentence_is_a_near_copy_of_the_sources() -> None:
    seeds = seed_sentences(SEEDS)
    assert len(seeds) > 200
    hits = near_copies(our_sentences(REPO), seeds)
    report = "\n".join(f"{name}:{line}  相似度 {ratio:.2f}\n  本库：{ours}\n  来源：{seed}"
                       for ratio, name, line, ours, seed in sorted(hits, key=lambda h: (h[1], h[2])))
    assert not hits, f"{len(hits)} 个句子与来源文件的句子过于接近（相似度 ≥ {LIMIT}），请用自己的话改写：\n{report}"
