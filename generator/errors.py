"""One error type for everything a user can get wrong, carrying every located problem of a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A single located problem: ``path:line:col: message`` plus a hint on how to fix it."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def format(self) -> str:
        # ``path:line:col`` as compilers print it; a problem with no position names only the file
        if self.line > 0:
            where = f"{self.path}:{self.line}:{self.column}" if self.column > 0 else f"{self.path}:{self.line}"
        else:
            where = self.path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text


class GongyuError(Exception):
    """Raised with every problem found; the CLI prints them all and exits 1."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("gongyu", 0, 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__(self.format())

    def format(self) -> str:
        lines = [p.format() for p in self.problems]
        count = len(self.problems)
        if count > 1:
            lines.append(f"共发现 {count} 处问题，请逐一修改后再试。")
        return "\n".join(lines)


class ProblemList:
    """Collects problems across a whole run so they are reported together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise GongyuError(self.items)
