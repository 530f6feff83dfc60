"""Regression tests for the pipeline's seams (issue 9): each names the failure it guards against."""

from __future__ import annotations

import ast
import os
import re
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import generator
from generator.cli.main import main
from generator.cli.main import zh as cli_zh
from generator.errors import GongyuError, Problem

from .conftest import REPO, copy_mini_project

PACKAGE = Path(generator.__file__).parent
ENGLISH = re.compile(r"Usage|Options|Error|Show this|Invalid|Missing|No such|does not exist|is a file|Try '")


def invoke(cwd: Path, *args: str) -> tuple[int, str, str]:
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.stdout, result.stderr


# --- a Chinese command line ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["school", "build", "--help"], ["build", "--bogus"], ["bild"],
                                  ["schema", "--out", "{file}"], ["school", "build"], ["school", "build", "--jobs", "0", "x"]])
def test_click_speaks_chinese_and_usage_errors_exit_1(args: list[str], tmp_path: Path) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("x", encoding="utf-8")
    code, out, err = invoke(tmp_path, *[a.replace("{file}", str(afile)) for a in args])
    assert not ENGLISH.search(out + err), out + err
    assert code == (0 if "--help" in args else 1), out + err
    assert re.search(r"[\u4e00-\u9fff]", out + err)


def test_every_translated_click_message_still_exists_in_click() -> None:
    source = "".join(path.read_text(encoding="utf-8") for path in Path(click.__file__).parent.glob("*.py"))
    missing = [m for m in [*cli_zh.MESSAGES, *cli_zh.PLURALS]
               if m.replace("\n", "\\n").replace("\t", "\\t") not in source and m not in
               ("required", "integer", "float")]  # type names Click builds, not messages
    assert not missing, missing


# --- projects are found -------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "build", "print"])
def test_outside_a_project_site_commands_say_so(command: str, tmp_path: Path) -> None:
    args = [command, "demo-lesson"] if command == "print" else [command]
    code, out, err = invoke(tmp_path, *args)
    assert code == 1 and "不是 gongyu 项目" in err and "0 篇文章" not in out


def test_commands_find_the_project_upwards(tmp_path: Path) -> None:
    root = copy_mini_project(tmp_path / "p")
    code, out, err = invoke(root / "content" / "parents", "check")
    assert code == 0 and "检查通过" in out, err


def test_school_commands_use_the_bundled_templates_outside_a_project(tmp_path: Path) -> None:
    code, out, err = invoke(tmp_path, "school", "xlsx-template")
    assert code == 0, err
    assert "随软件安装的方案模板" in err
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "学校名单.xlsx")
    listed = "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                       if cell.value)
    for plan in sorted((REPO / "plans").glob("*.yml")):
        assert plan.stem in listed


def test_a_school_build_reads_only_the_plan_templates(tmp_path: Path) -> None:
    """Packs hold no article or course: ``school build`` reads ``plans/`` only, so one school does not
    wait for a large site's 5,000 articles to load, and a half-written article does not stop the packs."""
    root = copy_mini_project(tmp_path / "p")
    (root / "content" / "parents" / "half-written.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    code, out, err = invoke(root, "school", "build", "plans/schools", "--no-pdf", "--jobs", "1",
                            "--out", str(tmp_path / "out"))
    assert code == 0, out + err
    assert (tmp_path / "out" / "demo-school" / "calendar.ics").is_file()
    code, out, err = invoke(root, "check")
    assert code == 1 and "half-written.md" in err, out + err


def test_the_wheel_ships_what_packs_need() -> None:
    bundled = PACKAGE / "bundled" / "plans"
    assert sorted(p.name for p in bundled.glob("*.yml")) == sorted(p.name for p in (REPO / "plans").glob("*.yml"))
    assert (bundled / "forms").is_dir()
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for pattern in ('"**/*.txt"', '"**/*.json"', '"bundled/plans/*.yml"', '"bundled/plans/forms/*.yml"'):
        assert pattern in text


# --- errors keep their place --------------------------------------------------------------------

def test_an_error_inside_the_plugin_reaches_the_cli_as_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_mini_project(tmp_path / "p")
    problem = Problem("plans/schools/demo-school.yml", 44, 3, "插件里发现的问题", "照这样改")

    def fail(*args: object, **kwargs: object) -> list[object]:
        raise GongyuError(problem)

    monkeypatch.setattr("generator.packs.site_downloads", fail)
    code, out, err = invoke(root, "build", "--no-pdf")
    assert code == 1
    assert err.splitlines()[0] == "plans/schools/demo-school.yml:44:3: 插件里发现的问题", err
    assert "mkdocs.yml" not in err and ":0:0" not in err and err.count("插件里发现的问题") == 1


def test_a_problem_without_position_never_prints_zero_zero() -> None:
    assert Problem("mkdocs.yml", 0, 0, "配置有误").format() == "mkdocs.yml: 配置有误"
    assert Problem("a.yml", 3, 0, "x").format() == "a.yml:3: x"


def test_no_silent_import_guards_in_the_package() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"ImportError", "ModuleNotFoundError"}:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders


# --- output is shareable, schools are resolved once ---------------------------------------------

def test_site_and_packs_are_world_readable(tmp_path: Path) -> None:
    root = copy_mini_project(tmp_path / "p")
    code, _, err = invoke(root, "build", "--no-pdf")
    assert code == 0, err
    code, _, err = invoke(root, "school", "build", "plans/schools", "--no-pdf", "--jobs", "1", "--out", "out")
    assert code == 0, err
    for top in (root / "site", root / "out"):
        for path in [top, *top.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_each_school_is_resolved_once_per_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.packs
    import generator.resolve.school

    root = copy_mini_project(tmp_path / "p")
    calls: list[str] = []
    original = generator.resolve.school.resolve_school

    def counting(school, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(school.id)
        return original(school, *args, **kwargs)

    monkeypatch.setattr(generator.resolve.school, "resolve_school", counting)
    monkeypatch.setattr(generator.packs.pack, "resolve_school", counting)
    code, _, err = invoke(root, "build", "--no-pdf")
    assert code == 0, err
    schools = sorted(p.stem for p in (root / "plans" / "schools").glob("*.yml"))
    assert schools and sorted(calls) == schools


def test_modules_hold_one_concept_each() -> None:
    """No module over 400 lines, and the median at most 150: the tree reads as the pipeline."""
    sizes = {path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py") if "bundled" not in path.parts}
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    ordered = sorted(sizes.values())
    assert ordered[len(ordered) // 2] <= 150


def _plugins_block(text: str) -> str:
    start = text.index("plugins:\n")
    end = text.index("\n\n", start)
    return text[start:end]


def test_the_plugin_is_order_proof_and_refuses_a_second_search(tmp_path: Path) -> None:
    root = copy_mini_project(tmp_path / "p")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    block = _plugins_block(text)
    assert "  - tags\n  - gongyu" in block
    config.write_text(text.replace(block, block.replace("  - tags\n  - gongyu", "  - gongyu\n  - tags")),
                      encoding="utf-8")
    code, _, err = invoke(root, "build", "--no-pdf")
    assert code == 0, err
    assert (root / "site" / "search" / "m.js").is_file() and (root / "site" / "assets/gongyu/search.js").is_file()
    config.write_text(text.replace(block, block + "\n  - search"), encoding="utf-8")
    code, _, err = invoke(root, "build", "--no-pdf")
    assert code == 1 and err.startswith("mkdocs.yml: plugins 中的 search 插件与 gongyu 自带的中文搜索重复"), err


def test_our_modules_take_options_as_arguments_not_environment_variables() -> None:
    """Only the build date (the reproducible-builds convention MkDocs shares) and the user's own font
    folder (``GONGYU_FONT_DIR``, plus Windows's font folders) are read from the environment."""
    allowed = {"clock.py", "fonts.py"}
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if ("os.environ" in text or "getenv(" in text) and path.name not in allowed:
            readers.append(path.relative_to(PACKAGE).as_posix())
    assert readers == []
