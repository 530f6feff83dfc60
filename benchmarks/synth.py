"""Synthetic gongyu corpora for benchmarks (not a test).

A synthetic corpus has the real layout (``content/``, ``courses/``, ``plans/``, ``mkdocs.yml``,
``docs/``) and is valid input for ``gongyu build``. Its text is the real corpus's own sentences,
shuffled, so word and character statistics (and so jieba segmentation and the search index) look
like the real thing:

- ``size`` items, half lessons and half articles. Each lesson copies the shape of a real lesson
  (stage, format, topics, agenda steps and minutes, safety topic and season) and each article the
  metadata of a real article; every text field is refilled from the sentence pool.
- the real plan templates and blank forms (``plans/*.yml``, ``plans/forms/``), unchanged;
- ``schools`` school profiles in ``county/`` (copies of the real example profiles with their own
  id and name), the input of a county-wide batch. They are deliberately *not* in
  ``plans/schools/``: the site build turns every profile there into a downloadable pack.

Usage: ``.venv/bin/python benchmarks/synth.py OUT --size 1000 [--schools 300] [--seed 1]``
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
LESSONS_PER_COURSE = 12

_SENTENCE_END = re.compile(r"(?<=[。！？])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_LEADING_MARKUP = re.compile(r"^(?:\s*(?:[>*+-]|\d+\.)\s*)+")
_INLINE_MARKUP = re.compile(r"[*`|]")
_TEXT_KEYS = ("objectives", "key_points", "discussion", "home_practice", "take_home")


@dataclass(frozen=True)
class SynthCorpus:
    """Where a generated corpus lives and what it holds."""

    root: Path
    lessons: list[Path]
    articles: list[Path]
    schools: list[Path]


# -- the pool of real text ---------------------------------------------------------------------
def _sentences(text: str) -> list[str]:
    """Whole Chinese sentences of a text, without Markdown markup or links."""
    found = []
    for line in text.splitlines():
        line = _LINK.sub(r"\1", line).strip()
        if not line or line.startswith(("#", "---", "!!!", "<", "|")):
            continue
        line = _INLINE_MARKUP.sub("", _LEADING_MARKUP.sub("", line)).strip()
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 160 and sentence.endswith(("。", "！", "？")) and "：" not in sentence[:2]:
                found.append(sentence)
    return found


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _walk_text(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _walk_text(item)]
    if isinstance(value, list):
        return [text for item in value for text in _walk_text(item)]
    return []


class Pool:
    """Sentences, headings and titles of the real corpus, drawn at random (seeded)."""

    def __init__(self, source: Path, rng: random.Random) -> None:
        self.rng = rng
        self.sentences: list[str] = []
        self.headings: list[str] = []
        self.titles: list[str] = []
        self.articles: list[tuple[Path, dict[str, Any]]] = []
        self.lessons: list[tuple[str, dict[str, Any]]] = []  # (course kind, lesson data)
        for path in sorted((source / "content").rglob("*.md")):
            meta, body = _front_matter(path)
            self.articles.append((path.relative_to(source / "content"), meta))
            self.titles.append(meta["title"])
            self.sentences += _sentences(body) + _sentences(meta.get("summary", ""))
            self.headings += [line[3:].strip() for line in body.splitlines()
                              if line.startswith("## ") and line.strip() != "## 要点"]
        for course_file in sorted((source / "courses").glob("*/_course.yml")):
            course = yaml.safe_load(course_file.read_text(encoding="utf-8"))
            for lesson_id in course["lessons"]:
                data = yaml.safe_load((course_file.parent / f"{lesson_id}.yml").read_text(encoding="utf-8"))
                self.lessons.append((course["kind"], data))
                self.titles.append(data["title"])
                for text in _walk_text({k: v for k, v in data.items() if k not in ("id", "title", "related")}):
                    self.sentences += _sentences(text)
        self.sentences = sorted(set(self.sentences))
        self.headings = sorted(set(self.headings))
        if len(self.sentences) < 100:
            raise SystemExit(f"only {len(self.sentences)} sentences found under {source}: is it a gongyu project?")

    def text(self, low: int, high: int) -> str:
        return "".join(self.rng.sample(self.sentences, self.rng.randint(low, high)))

    def title(self, number: int) -> str:
        left = re.split(r"[：，]", self.rng.choice(self.titles))[0]
        right = re.split(r"[：，]", self.rng.choice(self.titles))[-1]
        return f"{left}：{right}（{number}）"


# -- writers -----------------------------------------------------------------------------------
def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _lesson(pool: Pool, template: dict[str, Any], lesson_id: str, number: int) -> dict[str, Any]:
    data = copy.deepcopy(template)
    data["id"] = lesson_id
    data["title"] = pool.title(number)
    for key in _TEXT_KEYS:
        data[key] = [pool.text(1, 2) for _ in data[key]]
    for item in data["agenda"]:
        item["content"] = pool.text(1, 4)
    data["case"] = {"title": pool.title(number).split("：")[0], "story": pool.text(4, 7), "analysis": pool.text(3, 5)}
    if data.get("season_note"):
        data["season_note"] = pool.text(2, 3)
    data["related"] = []
    return data


def _article(pool: Pool, meta: dict[str, Any], article_id: str, number: int) -> str:
    head = {
        "id": article_id,
        "title": pool.title(number),
        "audience": meta["audience"],
        "stages": meta["stages"],
        "topics": meta["topics"],
        "summary": pool.text(1, 2)[:290],
        "updated": dt.date(2026, 9, 1) + dt.timedelta(days=number % 200),
        "related": [],
    }
    parts = ["---", _dump(head).strip(), "---", "", "## 要点", ""]
    parts += [f"- {pool.text(1, 1)}" for _ in range(3)]
    for _ in range(pool.rng.randint(3, 5)):
        parts += ["", f"## {pool.rng.choice(pool.headings)}", ""]
        for _ in range(pool.rng.randint(1, 3)):
            parts += [pool.text(2, 4), ""]
        if pool.rng.random() < 0.5:
            parts += [f"- {pool.text(1, 1)}" for _ in range(pool.rng.randint(2, 4))] + [""]
    return "\n".join(parts).rstrip() + "\n"


def _schools(source: Path, dest: Path, count: int, rng: random.Random) -> list[Path]:
    templates = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((source / "plans/schools").glob("*.yml"))]
    if not templates or not count:
        return []
    dest.mkdir(parents=True, exist_ok=True)
    towns = "东南西北中上下前后新"
    written = []
    for number in range(1, count + 1):
        data = copy.deepcopy(templates[(number - 1) % len(templates)])
        data["id"] = f"syn-school-{number:04d}"
        town = f"{rng.choice(towns)}{rng.choice(towns)}镇"
        data["name"] = f"{data['place'].get('county', '某县')}{town}第{number}学校"
        data.setdefault("place", {})["town"] = town
        path = dest / f"{data['id']}.yml"
        path.write_text(_dump(data), encoding="utf-8")
        written.append(path)
    return written


def make_corpus(dest: Path, size: int, *, schools: int = 300, seed: int = 1, source: Path = REPO) -> SynthCorpus:
    """Write a corpus of ``size`` lessons + articles (half each) and ``schools`` profiles to ``dest``."""
    rng = random.Random(seed)
    pool = Pool(source, rng)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(source / "docs", dest / "docs")
    (dest / "plans").mkdir()
    shutil.copytree(source / "plans/forms", dest / "plans/forms")
    plan_files = sorted((source / "plans").glob("*.yml"))
    known = {path.stem for path in plan_files} | {path.stem for path in (source / "plans/forms").glob("*.yml")}
    for path in plan_files:
        # Plans point at the real courses in ``related``; keep only what the synthetic corpus has.
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["related"] = [item for item in data.get("related", []) if item in known]
        (dest / "plans" / path.name).write_text(_dump(data), encoding="utf-8")

    n_lessons = size // 2
    n_articles = size - n_lessons
    lesson_paths: list[Path] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for kind, template in pool.lessons:
        by_kind.setdefault(kind, []).append(template)
    kinds = sorted(by_kind)
    course_number = 0
    made = 0
    while made < n_lessons:
        course_number += 1
        kind = kinds[course_number % len(kinds)]
        templates = by_kind[kind]
        count = min(LESSONS_PER_COURSE, n_lessons - made)
        course_id = f"syn-course-{course_number:03d}"
        folder = dest / "courses" / course_id
        folder.mkdir(parents=True)
        ids = []
        stage = None
        for _ in range(count):
            made += 1
            template = rng.choice(templates)
            lesson_id = f"syn-lesson-{made:04d}"
            data = _lesson(pool, template, lesson_id, made)
            stage = stage or data["stage"]
            path = folder / f"{lesson_id}.yml"
            path.write_text(_dump(data), encoding="utf-8")
            lesson_paths.append(path)
            ids.append(lesson_id)
        course = {"id": course_id, "title": f"{kind}课程（合成）第{course_number}册", "kind": kind,
                  "audience": ["家长"] if kind == "家长学校" else ["家长", "学生"],
                  "stage": "跨学段" if kind == "安全教育" else stage, "summary": pool.text(2, 3), "lessons": ids}
        (folder / "_course.yml").write_text(_dump(course), encoding="utf-8")

    article_paths: list[Path] = []
    for number in range(1, n_articles + 1):
        rel, meta = rng.choice(pool.articles)
        article_id = f"syn-article-{number:04d}"
        path = dest / "content" / rel.parent / f"{article_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_article(pool, meta, article_id, number), encoding="utf-8")
        article_paths.append(path)

    school_paths = _schools(source, dest / "county", schools, rng)
    return SynthCorpus(root=dest, lessons=lesson_paths, articles=article_paths, schools=school_paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to create (replaced if it exists)")
    parser.add_argument("--size", type=int, default=100, help="lessons + articles (half each)")
    parser.add_argument("--schools", type=int, default=300, help="school profiles written to OUT/county/")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = make_corpus(args.out, args.size, schools=args.schools, seed=args.seed)
    print(f"{corpus.root}: {len(corpus.lessons)} lessons, {len(corpus.articles)} articles, "
          f"{len(corpus.schools)} school profiles in county/")


if __name__ == "__main__":
    sys.exit(main())
