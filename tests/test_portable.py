"""The site is not tied to one program or one install: ProperDocs builds it, and so does a wheel.

Both tests are slow (a whole site, a fresh virtual environment); they run in CI with the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def derived_config(dest: Path, *, root: Path) -> Path:
    """The project's mkdocs.yml for a build elsewhere: absolute docs_dir, PDFs off (speed)."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs\n", f"docs_dir: {root / 'docs'}\n")
    assert "  - gongyu\n" in text
    text = text.replace("  - gongyu\n", f"  - gongyu:\n      pdf: false\n      root: {root}\n")
    config = dest / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def assert_site(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "lessons" / "xd-zuoye-peiban" / "index.html").is_file()
    assert (site / "packs").is_dir()
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) > 100


def test_properdocs_builds_the_bundled_site(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("properdocs")
    if not exe.is_file():
        pytest.fail("properdocs 未安装：请运行 pip install -e '.[test]'")
    config = derived_config(tmp_path, root=REPO)
    site = tmp_path / "site"
    result = subprocess.run([str(exe), "build", "--strict", "-f", str(config), "-d", str(site)],
                            capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_site(site)
    from generator.search.query import BuiltIndex

    found = BuiltIndex(site / "search").search("孩子在学校被同学欺负怎么办")[:3]
    assert any("bull" in uri or "qiling" in uri for uri in found), found


def test_a_wheel_in_a_fresh_environment_builds_the_site_and_a_county_batch(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # no network: the build backend and the dependencies come from this environment
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                            "-w", str(wheels), str(REPO)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("gongyu-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    own = next(env_dir.glob("lib/python*/site-packages"))
    # the installed dependencies of this environment (never its editable gongyu, which is no path entry)
    (own / "dependencies.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n",
                                          encoding="utf-8")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr
    gongyu = env_dir / "bin" / "gongyu"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    # the bundled content, without the source tree's generator/
    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "courses", "plans", "docs", "schemas"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    site = subprocess.run([str(gongyu), "build", "--no-pdf"], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=900)
    assert site.returncode == 0, site.stdout + site.stderr
    assert_site(project / "site")
    assert (project / "site" / "assets" / "gongyu" / "search.js").is_file()
    assert any((project / "site" / "search").glob("*.js"))

    # a county clerk's own folder: the sheet template builds as shipped, with the bundled templates
    county = tmp_path / "县教育局"
    county.mkdir()
    made = subprocess.run([str(gongyu), "school", "xlsx-template"], cwd=county, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=300)
    assert made.returncode == 0, made.stderr
    packs = subprocess.run([str(gongyu), "school", "build", "学校名单.xlsx", "--no-pdf"], cwd=county,
                           capture_output=True, text=True, encoding="utf-8", env=env, timeout=600)
    assert packs.returncode == 0, packs.stdout + packs.stderr
    assert "随软件安装的方案模板" in packs.stderr
    assert any((county / "dist" / "schools").glob("*/README.txt"))
