"""Writing never destroys what it did not make: output options that point at the project, its
sources, the home folder or someone's files are refused before anything is touched; two runs into
one folder wait for each other and leave it whole; a killed run leaves the previous output.

Every refusal is checked the way a user would meet it: the command line in a subprocess, against
a copy of a project tree (with ``.git`` and ``pyproject.toml``) in a temporary folder, comparing
every file before and after. No test points a build at a real folder outside its temporary one
(run against a gongyu without these checks, they must fail without harming the machine).
Concurrent runs are started on a condition (the first run's staging folder appears), never after
a sleep.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import GongyuError
from generator.write.outputs import MARKER

from .conftest import copy_mini_project

SCHOOL = """\
id: {id}
name: {name}
type: 小学
place: {{province: 贵州省, county: 示例县}}
authority: 示例县教育局
year: 2026-2027
people: {{校长: 王建国, 班主任: 各班班主任}}
plans:
  - plan: demo-plan
"""


def listing(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``: relative path → SHA-256 of the bytes ("dir" for a folder)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        found[name] = "dir" if path.is_dir() and not path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run(*args: str, cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=env)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", start_new_session=True)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll ``condition`` (a file-system or process state, not a time) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``tmp/`` holding a project (with .git and pyproject.toml), a home folder and a folder of someone's files."""
    project = copy_mini_project(tmp_path / "project")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / "home" / "文档").mkdir(parents=True)
    (tmp_path / "home" / "文档" / "工作计划.docx").write_bytes(b"mine")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "照片.jpg").write_bytes(b"photo")
    (tmp_path / "files" / "sub").mkdir()
    (tmp_path / "files" / "sub" / "a.txt").write_text("a", encoding="utf-8")
    return tmp_path


def _refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "网站已生成" not in result.stdout


@pytest.mark.parametrize(("site_dir", "reason"), [
    (".", "项目根目录"),
    ("..", "包含项目"),
    ("content", "源文件夹 content/"),
    ("content/parents", "源文件夹 content/"),
    (".git", "源文件夹 .git/"),
    ("../files", "不是共育生成的文件（sub、照片.jpg）"),
    ("../files/sub", "不是共育生成的文件（a.txt）"),
    ("../home", "用户主目录"),
])
def test_build_refuses_a_site_dir_that_is_not_its_own(tree: Path, site_dir: str, reason: str) -> None:
    before = listing(tree)
    result = run("build", "--no-pdf", "--site-dir", site_dir, cwd=tree / "project", home=tree / "home")
    _refused(result, "不能把网站写到这里")
    assert reason in result.stderr
    assert listing(tree) == before  # nothing deleted, nothing added (no staging left either)


def test_build_refuses_the_current_folder_outside_the_project(tree: Path) -> None:
    before = listing(tree)
    result = run("--root", str(tree / "project"), "build", "--no-pdf", "--site-dir", ".", cwd=tree / "files")
    _refused(result, "当前所在的文件夹")
    assert listing(tree) == before


def test_a_drive_root_and_a_folder_holding_a_project_are_refused(tmp_path: Path) -> None:
    """Checked without building: a build pointed at ``/`` must not even start."""
    from generator.write.outputs import SITE, check_replaceable

    with pytest.raises(GongyuError, match="磁盘的根目录"):
        check_replaceable(Path(Path.cwd().anchor), SITE)
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / MARKER).write_bytes(b"gongyu-output: site\n")  # even an earlier site kept as a git checkout
    with pytest.raises(GongyuError, match=r"项目的源文件（\.git）"):
        check_replaceable(checkout, SITE)


@pytest.mark.parametrize(("cache_dir", "reason"), [
    (".", "项目根目录"),
    ("plans", "源文件夹 plans/"),
    ("../files", "不是缓存的文件"),
    ("site/.cache", "网站文件夹"),
])
def test_build_refuses_a_cache_dir_that_is_not_its_own(tree: Path, cache_dir: str, reason: str) -> None:
    project = tree / "project"
    assert run("build", "--no-pdf", cwd=project).returncode == 0  # an earlier site (for site/.cache)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - gongyu\n" in text
    config.write_text(text.replace("\n  - gongyu\n", f"\n  - gongyu:\n      cache_dir: {cache_dir}\n", 1),
                      encoding="utf-8")
    before = listing(tree)
    result = run("build", "--no-pdf", cwd=project)
    _refused(result, "不能把缓存放在这里")
    assert reason in result.stderr
    assert listing(tree) == before


def test_school_build_refuses_the_project_root_and_its_sources(tree: Path) -> None:
    project = tree / "project"
    profile = tree / "content.yml"
    profile.write_text(SCHOOL.format(id="content", name="内容小学"), encoding="utf-8")
    before = listing(tree)
    for out in (".", "content", str(tree / "project")):
        result = run("school", "build", str(profile), "--out", out, "--no-pdf", cwd=project)
        _refused(result, "不能把方案包写到这里")
    assert listing(tree) == before


def test_a_school_id_never_replaces_a_folder_of_other_files(tree: Path) -> None:
    """``--out`` at a folder that holds someone's ``content/``: the school ``content`` fails, the folder stays."""
    out = tree / "files"
    (out / "content").mkdir()
    (out / "content" / "日记.txt").write_text("私人", encoding="utf-8")
    profile = tree / "content.yml"
    profile.write_text(SCHOOL.format(id="content", name="内容小学"), encoding="utf-8")
    other = tree / "other.yml"
    other.write_text(SCHOOL.format(id="other-school", name="另一所小学"), encoding="utf-8")
    before = listing(tree)
    result = run("school", "build", str(profile), str(other), "--out", str(out), "--no-pdf", "--jobs", "1",
                 cwd=tree / "project")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不能把学校方案包写到这里" in result.stderr and "日记.txt" in result.stderr
    after = listing(tree)
    assert {name: digest for name, digest in after.items() if name in before} == before  # nothing lost or changed
    assert (out / "other-school" / "README.txt").is_file()  # the other school is still written
    assert not [name for name in after if ".tmp-" in name or ".old-" in name]


def test_a_legacy_output_without_marker_is_still_replaced(tree: Path) -> None:
    """Sites and packs of gongyu versions before the marker are recognised and rebuilt."""
    project = tree / "project"
    assert run("build", "--no-pdf", cwd=project).returncode == 0
    (project / "site" / MARKER).unlink()
    assert run("build", "--no-pdf", cwd=project).returncode == 0
    assert (project / "site" / MARKER).read_text(encoding="utf-8").startswith("gongyu-output: site\n")
    profile = tree / "a.yml"
    profile.write_text(SCHOOL.format(id="a-school", name="甲小学"), encoding="utf-8")
    out = tree / "packs"
    assert run("school", "build", str(profile), "--out", str(out), "--no-pdf", cwd=project).returncode == 0
    (out / "a-school" / MARKER).unlink()
    assert run("school", "build", str(profile), "--out", str(out), "--no-pdf", cwd=project).returncode == 0
    assert (out / "a-school" / MARKER).is_file()


def test_stale_stagings_of_dead_processes_go_a_running_ones_stay(tree: Path) -> None:
    from generator.mkdocs_plugin.build import build_site

    project = tree / "project"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        gone = project / f".site.tmp-{dead.pid}-abc"
        kept = project / f".site.tmp-{alive.pid}-def"
        for folder in (gone, kept):
            folder.mkdir()
            (folder / "index.html").write_text("half", encoding="utf-8")
        build_site(project, pdf=False)
        assert not gone.exists()
        assert (kept / "index.html").read_text(encoding="utf-8") == "half"
    finally:
        alive.communicate(b"")


def test_cache_claims_only_its_own_folder(tmp_path: Path) -> None:
    import json

    from generator.write.cache import Cache

    foreign = tmp_path / "foreign"
    (foreign / "objects").mkdir(parents=True)
    (foreign / "objects" / "mine.pdf").write_bytes(b"%PDF-")
    with pytest.raises(GongyuError, match="不能把缓存放在这里"):
        Cache(foreign, fingerprint="x")
    assert (foreign / "objects" / "mine.pdf").is_file()
    legacy = tmp_path / "legacy"  # a cache of the version before markers: its manifest says so
    legacy.mkdir()
    (legacy / "manifest.json").write_text(json.dumps({"fingerprint": "f", "objects": []}), encoding="utf-8")
    cache = Cache(legacy, fingerprint="x")
    cache.get(".bin", {"a": 1}, lambda: b"data")
    cache.finish()
    assert (legacy / MARKER).read_text(encoding="utf-8").startswith("gongyu-output: cache\n")
    assert Cache(legacy, fingerprint="x").folder == legacy.resolve()


# -- two runs at once --------------------------------------------------------------------------------

def _staging(parent: Path, name: str) -> Callable[[], bool]:
    return lambda: any(parent.glob(f".{name}.tmp-*"))


def _kill(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_two_builds_into_one_site_leave_it_whole(tree: Path) -> None:
    """The second build starts once the first's staging exists (a cold PDF cache keeps the first busy)."""
    project = tree / "project"
    first = start("build", cwd=project)
    second = None
    try:
        wait_for(_staging(project, "site"), "the first build's staging folder")
        second = start("build", cwd=project)
        out_first, err_first = first.communicate(timeout=300)
        out_second, err_second = second.communicate(timeout=300)
    finally:
        _kill(first, *([second] if second else []))
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    assert "网站已生成" in out_first and "网站已生成" in out_second
    from generator.mkdocs_plugin.build import build_site

    build_site(project, site_dir=tree / "reference")
    site = listing(project / "site")
    reference = listing(tree / "reference")
    assert len(site) == len(reference) and site == reference  # whole, and byte for byte a single build
    assert not list(project.glob(".site.tmp-*")) and not list(project.glob(".site.old-*"))


def test_kill_of_the_first_build_lets_the_waiting_one_finish(tree: Path) -> None:
    """``kill -9`` of a build while a second waits for it: the old site stays whole until the second
    swaps in its own, whole site (the dead build's lock and staging do not block it)."""
    project = tree / "project"
    assert run("build", "--no-pdf", cwd=project).returncode == 0
    before = listing(project / "site")
    lesson = project / "courses/demo-course/demo-lesson.yml"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title: 和青春期", "title: 改过的和青春期"),
                      encoding="utf-8")
    first = start("build", cwd=project)  # a cold PDF cache: long enough to be killed in the middle
    wait_for(_staging(project, "site"), "the first build's staging folder")
    log = tree / "second.log"
    with log.open("w", encoding="utf-8") as stream:
        second = subprocess.Popen([sys.executable, "-m", "generator", "build", "--no-pdf"], cwd=project,
                                  stdout=subprocess.DEVNULL, stderr=stream, start_new_session=True)
    try:
        wait_for(lambda: "另一个共育进程正在写入" in log.read_text(encoding="utf-8") or first.poll() is not None,
                 "the second build waiting for the first")
        was_running = first.poll() is None
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        if was_running:
            assert listing(project / "site") == before  # killed mid-way: the previous site, untouched
        assert second.wait(timeout=300) == 0, log.read_text(encoding="utf-8")
    finally:
        _kill(first, second)
    assert "改过的和青春期" in (project / "site/lessons/demo-lesson/index.html").read_text(encoding="utf-8")
    assert not list(project.glob(".site.tmp-*")) and (project / "site" / MARKER).is_file()


def test_two_school_builds_into_one_folder(tree: Path) -> None:
    """Two batches into one folder, a school in both: every pack whole; 汇总.xlsx says which run it covers."""
    from openpyxl import load_workbook

    project = tree / "project"
    out = tree / "packs"
    first_profiles, second_profiles = [], []
    for index in range(3):
        for group, profiles in (("a", first_profiles), ("b", second_profiles)):
            path = tree / f"{group}{index}.yml"
            path.write_text(SCHOOL.format(id=f"{group}-school-{index}", name=f"{group}{index}小学"), encoding="utf-8")
            profiles.append(str(path))
    shared = tree / "shared.yml"
    shared.write_text(SCHOOL.format(id="shared-school", name="共同小学"), encoding="utf-8")
    first = start("school", "build", *first_profiles, str(shared), "--out", str(out), "--jobs", "1", cwd=project)
    second = None
    try:
        # part-way: the first batch has written its first pack (three more to go, with PDFs)
        wait_for(lambda: any(out.glob("*/" + MARKER)) or first.poll() is not None, "the first batch's first pack")
        assert first.poll() is None, "the first batch ended before the second could start"
        second = start("school", "build", str(shared), *second_profiles, "--out", str(out), "--jobs", "1", cwd=project)
        _, err_first = first.communicate(timeout=300)
        out_second, err_second = second.communicate(timeout=300)
    finally:
        _kill(first, *([second] if second else []))
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    names = {entry.name for entry in out.iterdir()}
    assert names == {f"{g}-school-{i}" for g in "ab" for i in range(3)} | {"shared-school", "汇总.xlsx"}
    shape = sorted(p.relative_to(out / "a-school-0").as_posix() for p in (out / "a-school-0").rglob("*"))
    for name in names - {"汇总.xlsx"}:
        assert sorted(p.relative_to(out / name).as_posix() for p in (out / name).rglob("*")) == shape, name
    book = load_workbook(out / "汇总.xlsx")  # the second run's (it finished last)
    rows = [row for row in book["汇总"].iter_rows(values_only=True) if row[0]]
    assert {row[1] for row in rows if row[3] == "已生成"} == {"shared-school"} | {f"b-school-{i}" for i in range(3)}
    note = next(str(row[0]) for row in rows if str(row[0]).startswith("本表只列出这一次运行"))
    assert all(f"a-school-{i}" in note for i in range(3)) and "shared-school" not in note
    assert "另有 3 个以前生成的方案包" in out_second


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_on_linux_a_folder_is_swapped_in_one_step(tmp_path: Path) -> None:
    """``replace_dir`` exchanges the new folder with the old (``renameat2``): never a moment without one."""
    from generator.write.atomic import _exchange

    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "fresh.txt").write_text("新", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "stale.txt").write_text("旧", encoding="utf-8")
    assert _exchange(tmp_path / "new", tmp_path / "old")
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["fresh.txt"]
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["stale.txt"]
