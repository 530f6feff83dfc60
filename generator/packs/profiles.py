"""School profiles from YAML files, folders and Excel sheets, checked against the plan templates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GongyuError, Problem

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..load.corpus import Corpus
    from ..models.school import School

@dataclass(frozen=True)
class Profile:
    """A school to build: the profile, where it came from (for messages) and its parsed source."""

    school: School
    doc: SourceDoc | None
    origin: str


@dataclass(frozen=True)
class Failure:
    """A school (or an input file) that could not be built, with every problem found."""

    origin: str
    problems: tuple[Problem, ...]
    #: The school's id and name as far as they could be read (for the summary), else empty.
    school_id: str = ""
    name: str = ""

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)



def load_profiles(inputs: Iterable[Path], corpus: Corpus, notices: list[Failure] | None = None,
                  ) -> tuple[list[Profile], list[Failure]]:
    """Read school profiles from YAML files, folders of YAML files and .xlsx sheets.

    Each profile is checked against the corpus (plans exist, overrides name real items; dates and
    people are checked when the school is resolved, once, by the worker that builds it); a bad
    profile or sheet row becomes a :class:`Failure` and the rest are still returned. Two schools
    with the same id or the same name: the second is refused. ``notices`` collects what a sheet passed over without
    an error (a column of the user's own, a 合计 row, the template's example row).
    """
    from ..base.paths import shown_path
    from ..check.profile import profile_problems
    from ..load import load_yaml_file, validate
    from ..models.school import School

    profiles: list[Profile] = []
    failures: list[Failure] = []
    seen: dict[str, str] = {}
    names: dict[str, str] = {}

    def accept(school: School, doc: SourceDoc, origin: str) -> None:
        if school.id in seen:
            failures.append(Failure(origin, (doc.problem(("id",), f"学校编号“{school.id}”重复（已用于 {seen[school.id]}）",
                                                         "每所学校的编号必须唯一，它也是输出文件夹的名字"),),
                                    school.id, school.name))
            return
        name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", school.name))
        if name in names:
            failures.append(Failure(origin, (doc.problem(("name",), f"学校名称与 {names[name]} 相同：同一所学校写了两次？",
                                                         "如果是同一所学校，请删去其中一份；如果是两所学校，请写各自的全称"),),
                                    school.id, school.name))
            return
        seen[school.id] = origin
        names[name] = origin
        profiles.append(Profile(school, doc, origin))

    files: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml", ".xlsx", ".xls")
                            and not p.name.startswith(("~$", ".")))
        elif path.exists():
            files.append(path)
        else:
            failures.append(Failure(shown_path(path), (Problem(shown_path(path), 0, 0, "找不到这个文件或文件夹",
                                                               "请检查路径是否写对"),)))
    for path in files:
        shown = shown_path(path)
        if path.suffix.lower() == ".xlsx":
            from ..xlsx import read_schools

            found: list[tuple[str, list[Problem]]] = []
            labels: dict[str, tuple[str, str]] = {}
            rows, problems = read_schools(path, corpus, found, labels, set(seen))
            if notices is not None:
                notices += [Failure(origin, tuple(items)) for origin, items in found]
            for school, doc, origin in rows:
                accept(school, doc, origin)
            for origin, row_problems in problems:
                failures.append(Failure(origin, tuple(row_problems), *labels.get(origin, ("", ""))))
            continue
        if path.suffix.lower() in (".xls", ".et", ".csv", ".ods", ".numbers"):
            failures.append(Failure(shown, (Problem(shown, 0, 0, f"不能直接读取 {path.suffix} 格式的表格",
                                                    "请在 WPS 或 Excel 中打开它，选“另存为”，文件类型选“Excel 工作簿（*.xlsx）”，"
                                                    "再用另存的 .xlsx 文件运行"),)))
            continue
        if path.suffix.lower() not in (".yml", ".yaml"):
            failures.append(Failure(shown, (Problem(shown, 0, 0, "不认识的文件类型",
                                                    "学校档案请用 .yml 文件，学校名单请用 .xlsx 文件"),)))
            continue
        try:
            doc = load_yaml_file(path, shown)
            school = validate(School, doc)
            problems = profile_problems(school, doc, corpus)
            if problems:
                raise GongyuError(problems)
        except GongyuError as exc:
            failures.append(Failure(shown, tuple(exc.problems)))
            continue
        accept(school, doc, shown)
    return profiles, failures


