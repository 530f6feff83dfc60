"""Every scenario in tests/bad_input/ fails cleanly: exit 1, the exact located Chinese message, no traceback.

``gongyu check`` is exactly what ``gongyu build`` can fail on: every scenario runs through both, in
process (Click's ``CliRunner``), and must give the same located messages; a failed build leaves the
previous site as it was. One smoke test runs the real command line in a subprocess.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main

from .conftest import MINI, REPO

BAD = Path(__file__).resolve().parent / "bad_input"
SCENARIOS = sorted(path.name for path in BAD.iterdir() if path.is_dir())
LOCATED = re.compile(r"^\S[^:\n]*(?::\d+){0,2}: \S")
LESSON = "courses/demo-course/demo-lesson.yml"


def _pad(path: Path, size: int) -> None:
    """Make ``path`` exactly ``size`` bytes long with a trailing YAML comment."""
    data = path.read_bytes()
    path.write_bytes(data + b"#" * (size - len(data) - 1) + b"\n")


#: Scenarios whose broken file is made at run time instead of being committed.
GENERATED = {"huge-file": lambda root: _pad(root / LESSON, 600 * 1024)}


def prepare(name: str, dest: Path) -> Path:
    root = dest / name
    shutil.copytree(BAD / name, root, ignore=shutil.ignore_patterns("expected.txt"))
    if name in GENERATED:
        GENERATED[name](root)
    return root


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def run(root: Path, *args: str) -> Outcome:
    """``gongyu --root <root> …`` in this process, from inside the project (paths in messages are relative)."""
    runner = CliRunner()
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = runner.invoke(main, ["--root", str(root), *args], catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_subprocess(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a school's editor runs it (the timeout only guards against a hang)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=root, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=20)


def expected(name: str) -> list[str]:
    return (BAD / name / "expected.txt").read_text(encoding="utf-8").splitlines()


def located(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if LOCATED.match(line)]


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 40
    for name in SCENARIOS:
        lines = expected(name)
        assert lines and all(LOCATED.match(line) for line in lines), name


@pytest.mark.parametrize("name", SCENARIOS)
def test_check_fails_cleanly(name: str, tmp_path: Path) -> None:
    result = run(prepare(name, tmp_path), "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "内部错误" not in result.stderr
    want = expected(name)
    assert located(result.stderr)[: len(want)] == want, result.stderr


def test_the_real_command_line_fails_cleanly(tmp_path: Path) -> None:
    result = run_subprocess(prepare("fullwidth-colon", tmp_path), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert located(result.stderr)[:1] == expected("fullwidth-colon")[:1]


@pytest.mark.parametrize("name", SCENARIOS)
def test_build_fails_the_same_way_and_keeps_the_site(name: str, tmp_path: Path) -> None:
    root = prepare(name, tmp_path)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>上一次生成的网站</p>", encoding="utf-8")
    (site / "assets" / "old.css").write_text("body{}", encoding="utf-8")
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    result = run(root, "build", "--no-pdf")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    want = expected(name)
    assert located(result.stderr)[: len(want)] == want, result.stderr
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".site.tmp-*"))


def test_things_that_are_not_content_files_are_skipped(tmp_path: Path) -> None:
    """Folders named like files, macOS "._" companions on USB sticks and other dotfiles are not read."""
    root = tmp_path / "p"
    shutil.copytree(MINI, root)
    (root / "content" / "parents" / "notes.md").mkdir()
    (root / "plans" / "forms" / "old.yml").mkdir()
    (root / "plans" / "._demo-plan.yml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (root / "content" / "parents" / ".~demo-article.md").write_bytes(b"\xff\xfe")
    result = run(root, "check")
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout
