"""Where a gongyu project is: found upwards from the working folder, or the templates we ship.

A project folder holds at least one of ``content/``, ``courses/`` and ``plans/`` (and
``mkdocs.yml`` to build a site). Site commands (``check``, ``build``, ``serve``, ``print``) need one; the school commands
fall back to the plan templates and forms bundled in the installed package, so a county clerk can
run ``gongyu school build 学校名单.xlsx`` in any folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import GongyuError, Problem

#: The plan templates and forms installed with the package (``bundled/plans`` in the wheel).
BUNDLED_ROOT = Path(__file__).parent / "bundled"

_PARTS = ("content", "courses", "plans")


def is_project(folder: Path) -> bool:
    """True for a folder holding ``content/``, ``courses/`` or ``plans/`` (``mkdocs.yml`` is for the site)."""
    return any((folder / part).is_dir() for part in _PARTS)


def find_root(start: Path) -> Path | None:
    """The nearest project folder at or above ``start``, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


@dataclass(frozen=True)
class Project:
    """The folder commands work in, and whether it is the bundled templates rather than a project."""

    root: Path
    bundled: bool = False


def require_project(explicit: Path | None, cwd: Path) -> Project:
    """The project for site commands: ``--root`` if given, else found upwards; otherwise an error."""
    if explicit is not None:
        root = explicit.resolve()
        if not is_project(root):
            raise GongyuError(Problem(str(explicit), 0, 0,
                                      "这个文件夹不是 gongyu 项目（其中没有 content/、courses/ 或 plans/ 文件夹）",
                                      "请用 --root 指向项目文件夹，或在项目文件夹里运行"))
        return Project(root)
    found = find_root(cwd)
    if found is None:
        raise GongyuError(Problem(str(cwd), 0, 0,
                                  "当前文件夹及其上级都不是 gongyu 项目（找不到 content/、courses/ 或 plans/ 文件夹）",
                                  "请进入项目文件夹再运行，或用 --root 指定项目文件夹"))
    return Project(found)


def templates_project(explicit: Path | None, cwd: Path) -> Project:
    """The plan templates for school commands: the project's own, else those installed with gongyu."""
    if explicit is not None:
        return require_project(explicit, cwd)
    root = find_root(cwd)
    if root is not None:
        return Project(root)
    if not (BUNDLED_ROOT / "plans").is_dir():
        raise GongyuError(Problem(str(BUNDLED_ROOT), 0, 0, "安装包中缺少随附的方案模板（bundled/plans）",
                                  "安装可能不完整，请重新安装 gongyu"))
    return Project(BUNDLED_ROOT, bundled=True)
