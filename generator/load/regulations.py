"""Provincial regulations that plan templates may cite (``plans/data/regulations.yml``).

A template never names a province's regulation itself: it writes ``{{条例:义务教育}}`` and the
pack prints the regulation of the school's province when this file has it (《贵州省义务教育条例》),
else a neutral phrase naming the province (江西省有关义务教育的地方性法规). The file holds only
regulations verified to exist, each with where it was verified, so nothing invented is ever cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from ..errors import GongyuError
from ..models.common import Label, Strict, Text
from ..models.province import checked as checked_province

#: Where the file is, inside ``plans/``.
FILE_NAME = "data/regulations.yml"

#: Topic → the words after 有关 in the neutral phrase (……有关义务教育的地方性法规).
TOPICS: dict[str, str] = {
    "义务教育": "义务教育",
    "未成年人保护": "未成年人保护",
    "预防未成年人犯罪": "预防未成年人犯罪",
    "家庭教育": "家庭教育",
    "学生人身伤害事故": "学生人身伤害事故预防与处理",
}
Topic = Literal["义务教育", "未成年人保护", "预防未成年人犯罪", "家庭教育", "学生人身伤害事故"]


def _title(value: str) -> str:
    if not (value.startswith("《") and value.endswith("》")) or value.count("《") != 1:
        raise ValueError(f"“{value}”应是一部法规的全称，用书名号括起来，例如《贵州省义务教育条例》")
    return value


class Regulation(Strict):
    """One provincial regulation, verified to exist."""

    title: Annotated[Label, AfterValidator(_title)] = Field(description="法规全称（带书名号），一字不差")
    province: Annotated[Label, AfterValidator(checked_province)] = Field(description="制定的省（自治区、直辖市）全称")
    topic: Topic = Field(description="主题：义务教育、未成年人保护、预防未成年人犯罪、家庭教育、学生人身伤害事故")
    source: Text = Field(description="在哪里核实过它确实存在（文件、网址或资料名称）")

    @model_validator(mode="after")
    def _named_after_province(self) -> Regulation:
        if not self.title.startswith(f"《{self.province}"):
            raise ValueError(f"法规名称{self.title}应以“{self.province}”开头；请核对名称和 province")
        return self


class RegulationFile(Strict):
    """``plans/data/regulations.yml``."""

    regulations: list[Regulation] = Field(default_factory=list, description="核实过的省级地方性法规")


@dataclass(frozen=True)
class Regulations:
    """Lookup of the regulations by (province, topic)."""

    entries: tuple[Regulation, ...] = ()
    _index: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[str]] = {}
        for entry in self.entries:
            index.setdefault((entry.province, entry.topic), []).append(entry.title)
        self._index.update({key: tuple(sorted(titles)) for key, titles in index.items()})

    def titles(self, province: str | None, topic: str) -> tuple[str, ...]:
        """The titles for ``province`` on ``topic`` (empty when none is on file or the province is unknown)."""
        if province is None:
            return ()
        return self._index.get((province, topic), ())

    def digest(self) -> list[tuple[str, str, str]]:
        """What changes a pack when this file changes (for build caches)."""
        return sorted((e.province, e.topic, e.title) for e in self.entries)


def load_regulations(plans_dir: Path) -> Regulations:
    """Read ``plans_dir/data/regulations.yml`` (missing: none on file); raise located problems."""
    from ..base.paths import shown_path
    from .memo import remembered

    path = plans_dir / FILE_NAME
    if not path.is_file():
        return Regulations()
    return remembered(path, shown_path(path), _regulations_file)


def _regulations_file(raw: bytes, shown: str) -> Regulations:
    """The regulations file's bytes → the regulations (a pure function, remembered per file)."""
    from . import parse_yaml, repeated, validate
    from .source import decode_text

    doc = parse_yaml(decode_text(raw, shown), shown)
    data = validate(RegulationFile, doc)
    problems = repeated(doc, "regulations", [e.title for e in data.regulations], "title",
                        lambda title: f"法规{title}写了两次", "请删去重复的一条")
    if problems:
        raise GongyuError(problems)
    return Regulations(tuple(data.regulations))


__all__ = ["FILE_NAME", "TOPICS", "Regulation", "Regulations", "load_regulations"]
