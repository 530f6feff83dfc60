"""What a batch of school packs did: one :class:`Outcome` per school, gathered in a :class:`BatchResult`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Problem
from .profiles import Failure

BUILT = "已生成"
FAILED = "失败"
#: A row or column passed over (a 合计 row, a column of the user's own): not an error.
PASSED_OVER = "已跳过"
#: The batch's summary in its output folder (:mod:`generator.packs.summary`).
SUMMARY_NAME = "汇总.xlsx"


@dataclass(frozen=True)
class Outcome:
    """One school of a batch: where it came from, what was written or what went wrong."""

    origin: str
    school_id: str = ""
    name: str = ""
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    #: Worth knowing, not an error: the row was built (or passed over) anyway.
    notices: tuple[Problem, ...] = field(default=())

    @property
    def status(self) -> str:
        if self.problems:
            return FAILED
        if self.files:
            return BUILT
        return PASSED_OVER if self.notices else FAILED


def natural_key(text: str) -> tuple[object, ...]:
    """``x.xlsx:第10行`` after ``x.xlsx:第9行``: numbers compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


@dataclass
class BatchResult:
    """What :func:`build_packs` did."""

    out_root: Path
    built: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    #: CPU time of this process and of every worker (including their start-up), for benchmarks.
    cpu_seconds: float = 0.0
    #: Every school written: origin, id, name and the files (relative to ``out_root``).
    written: list[Outcome] = field(default_factory=list)
    #: The ``汇总.xlsx`` written for this batch, if any.
    summary_path: Path | None = None
    #: School id and name by origin, for every profile that could be read.
    schools: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: What the inputs passed over without an error (a column of the user's own, a 合计 row …).
    notices: list[Failure] = field(default_factory=list)
    #: Packs already in ``out_root`` from earlier runs (not schools of this one), by folder name.
    earlier: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def outcomes(self) -> list[Outcome]:
        """One :class:`Outcome` per school or unreadable input, built and failed alike, and one per
        passed-over row or file; notices about a school go with it."""
        notes: dict[str, tuple[Problem, ...]] = {}
        for notice in self.notices:
            notes[notice.origin] = notes.get(notice.origin, ()) + notice.problems
        outcomes = [*self.written, *(Outcome(f.origin, *self.schools.get(f.origin, (f.school_id, f.name)),
                                             problems=f.problems) for f in self.failed)]
        outcomes = [replace(o, notices=notes.pop(o.origin, ())) for o in outcomes]
        return outcomes + [Outcome(origin, notices=items) for origin, items in notes.items()]

    def notice_summary(self) -> str:
        """What was passed over, for the command line (empty when nothing was)."""
        if not self.notices:
            return ""
        lines = ["请注意（以下内容没有当作错误）："]
        lines += [failure.format() for failure in sorted(self.notices, key=lambda f: natural_key(f.origin))]
        return "\n".join(lines)

    def built_summary(self) -> str:
        """One Chinese line: how many packs were written, where, and how long it took."""
        text = (f"已生成 {len(self.built)} 所学校的方案包，位于 {self.out_root}（用时 {self.seconds:.1f} 秒）。"
                if self.built else "没有生成任何方案包。")
        if self.summary_path is not None:
            text += f"\n各校结果见 {self.summary_path}。"
        if self.earlier:
            text += f"\n输出文件夹中另有 {len(self.earlier)} 个以前生成的方案包，不是这次生成的：{'、'.join(self.earlier)}。"
        return text

    def failure_summary(self) -> str:
        """Every failed school with its located problems (empty when none failed)."""
        if not self.failed:
            return ""
        lines = [f"有 {len(self.failed)} 所学校（或文件）未能生成，原因如下："]
        for failure in sorted(self.failed, key=lambda f: natural_key(f.origin)):
            lines.append(failure.format())
        if self.built:
            lines.append(f"请按提示修改后重新运行；已生成的 {len(self.built)} 所学校的方案包不受影响。")
        else:
            lines.append("请按提示修改后重新运行；这次没有生成任何学校的方案包。")
        return "\n".join(lines)

    def summary(self) -> str:
        """The Chinese summary for the command line."""
        return "\n".join(part for part in (self.built_summary(), self.failure_summary()) if part)
