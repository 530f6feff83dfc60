"""The one cache: objects are keyed by their inputs and the code, and a build prunes what it left unused."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import generator
from generator.write import cache as cache_module
from generator.write.cache import UNUSED_SECONDS, Cache, code_fingerprint


def _fingerprint_of(package: Path) -> str:
    """The fingerprint computed over a copy of the package (what an edited checkout would give)."""
    original = cache_module.PACKAGE
    try:
        cache_module.PACKAGE = package
        code_fingerprint.cache_clear()
        cache_module.code_digest.cache_clear()
        return code_fingerprint()
    finally:
        cache_module.PACKAGE = original
        code_fingerprint.cache_clear()
        cache_module.code_digest.cache_clear()


def test_editing_any_module_or_template_changes_the_fingerprint(tmp_path: Path) -> None:
    package = tmp_path / "generator"
    shutil.copytree(Path(generator.__file__).parent, package, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = _fingerprint_of(package)
    assert _fingerprint_of(package) == before  # stable
    for name in ("base/numbering.py", "render/pdf/templates/lib.typ"):
        target = package / name
        original = target.read_bytes()
        target.write_bytes(original + b"\n")
        assert _fingerprint_of(package) != before, name
        target.write_bytes(original)
    assert _fingerprint_of(package) == before


def test_a_changed_fingerprint_renders_again(tmp_path: Path) -> None:
    calls: list[str] = []

    def make() -> bytes:
        calls.append("made")
        return b"%PDF-1.7 demo"

    first = Cache(tmp_path, fingerprint="code-1").get(".pdf", {"lesson": "a"}, make)
    same = Cache(tmp_path, fingerprint="code-1").get(".pdf", {"lesson": "a"}, make)
    assert first == same and calls == ["made"]
    other = Cache(tmp_path, fingerprint="code-2").get(".pdf", {"lesson": "a"}, make)
    assert other != first and calls == ["made", "made"]
    changed_input = Cache(tmp_path, fingerprint="code-1").get(".pdf", {"lesson": "b"}, make)
    assert changed_input not in (first, other)


def test_finish_writes_a_manifest_and_prunes_unused_objects(tmp_path: Path) -> None:
    old = Cache(tmp_path, fingerprint="x")
    kept = old.get(".pdf", "kept", lambda: b"1")
    dropped = old.get(".pdf", "dropped", lambda: b"2")
    old.finish()
    hours_ago = time.time() - 2 * UNUSED_SECONDS
    for path in (kept, dropped):
        os.utime(path, (hours_ago, hours_ago))  # last used by a build long finished
    build = Cache(tmp_path, fingerprint="x")
    assert build.get(".pdf", "kept", lambda: b"never called") == kept
    assert build.finish() == 1
    assert kept.is_file() and not dropped.exists()
    manifest = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert kept.relative_to(tmp_path).as_posix() in manifest and "dropped" not in manifest
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == hashlib.sha256(b"1").hexdigest()


def test_a_build_running_alongside_keeps_its_objects(tmp_path: Path) -> None:
    """`gongyu serve` and `gongyu build` (or two test workers) at once: one build's finish() must not
    remove what the other uses, whether it made the object or found it."""
    other = Cache(tmp_path, fingerprint="x")
    found = other.get(".pdf", "found", lambda: b"1")
    hours_ago = time.time() - 2 * UNUSED_SECONDS
    os.utime(found, (hours_ago, hours_ago))  # made long ago by an earlier build
    running = Cache(tmp_path, fingerprint="x")
    assert running.get(".pdf", "found", lambda: b"never called") == found  # a hit marks it as in use
    made = running.get(".pdf", "made", lambda: b"2")
    quick = Cache(tmp_path, fingerprint="x")  # a second build that uses neither object
    quick.get(".pdf", "its own", lambda: b"3")
    assert quick.finish() == 0
    assert found.is_file() and made.is_file()
