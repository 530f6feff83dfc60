from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"


def gongyu(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or REPO, capture_output=True,
                          text=True, encoding="utf-8")


def copy_mini_project(root: Path) -> Path:
    """Copy the small fixture corpus to ``root`` with the project's mkdocs.yml and docs/."""
    shutil.copytree(MINI, root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    return root


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A copy of the small fixture corpus with the project's mkdocs.yml and docs/."""
    return copy_mini_project(tmp_path / "project")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the current output (review the diff!)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
