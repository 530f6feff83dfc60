"""Rebuild only what changed: cache keys hold what an output is made from, never the newest
``updated:`` of unrelated articles; ``gongyu serve`` finds what ``gongyu build`` made; the bytes of
a download do not depend on which of the two made it."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from generator import cache as cache_module
from generator.build import build_site

from .conftest import copy_mini_project


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _serve_like_build(root: Path, site_dir: Path) -> None:
    """What ``gongyu serve`` runs on each change: MkDocs with the plugin, no build date pinned."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir)))


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cache objects rendered (not found) from now on, by file name."""
    calls: list[str] = []
    original = cache_module.Cache._make

    def counting(self: cache_module.Cache, path: Path, make):  # type: ignore[no-untyped-def]
        calls.append(path.name)
        return original(self, path, make)

    monkeypatch.setattr(cache_module.Cache, "_make", counting)
    return calls


def test_serve_reuses_build_and_a_new_date_renders_nothing_cached(tmp_path: Path, made: list[str]) -> None:
    root = copy_mini_project(tmp_path / "p")
    build_site(root)
    first = _files(root / "site")
    rendered = len(made)
    assert rendered > 0  # printables, blank drafts and the example pack were rendered
    # the cache as `gongyu serve` leaves it: made without the build's content date
    shutil.rmtree(root / ".cache")
    made.clear()
    _serve_like_build(root, tmp_path / "served")
    assert len(made) == rendered
    made.clear()
    build_site(root)  # the first build after serve: everything found
    assert made == []
    assert _files(root / "site") == first  # and the same bytes as a build from an empty cache
    made.clear()
    _serve_like_build(root, tmp_path / "served")  # and the other way round
    assert made == []
    article = root / "content/parents/demo-article.md"
    text = article.read_text(encoding="utf-8")
    assert re.search(r"^updated: 2026-11-01$", text, re.M)
    article.write_text(text.replace("updated: 2026-11-01", "updated: 2026-11-30"), encoding="utf-8")
    build_site(root)  # the newest `updated:` moved: it is the build's date, yet nothing cached is made again
    assert made == []
    after = _files(root / "site")
    changed = {name for name in after if after[name] != first.get(name)}
    assert not [name for name in changed if name.endswith((".pdf", ".docx", ".zip"))]
