"""The neutral document both plan writers lay out (GB/T 9704 Word and the Typst PDF).

A :class:`GbtDocument` is a list of numbered blocks built from a plan's structure (一、 → （一） →
1. → （1）, never typed by authors); :mod:`generator.resolve.content` fills it from a resolved
plan, :mod:`generator.render.docx.ooxml` writes it as Word and :mod:`generator.render.pdf.plan` as PDF,
so the two files always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..base.numbering import number_label
from ..errors import Problem
from ..models.plan import entry_stages, entry_text
from .wording import mark

if TYPE_CHECKING:
    from ..load import SourceDoc

#: What ``--draft`` prints where information is missing.
BLANK = "________"


# --- the neutral document -----------------------------------------------------------------------

BlockKind = Literal["heading", "para"]


@dataclass(frozen=True)
class Block:
    """A heading (levels 1–4) or a body paragraph; ``number`` is the generated prefix (一、 …)."""

    kind: BlockKind
    text: str
    level: int = 0
    number: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class GbtDocument:
    """Everything both writers need: title lines, numbered blocks, attachments, issuer and date."""

    title_lines: tuple[str, ...]
    blocks: tuple[Block, ...]
    attachments: tuple[str, ...] = ()
    issuer: str = ""
    date: str = ""
    meta_title: str = ""
    meta_author: str = ""
    draft: bool = False

    def text(self) -> str:
        """Plain text of the whole document (for tests and search)."""
        lines = list(self.title_lines) + [b.full_text for b in self.blocks]
        if self.attachments:
            lines += [f"附件：{i}. {name}" for i, name in enumerate(self.attachments, start=1)]
        return "\n".join(lines + [self.issuer, self.date])


class _Outline:
    """Collects blocks; every number comes from a counter, so numbering follows the structure."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.top = 0

    def section(self, title: str) -> int:
        self.top += 1
        self.heading(1, self.top, title)
        return 1

    def heading(self, level: int, n: int, text: str) -> None:
        kind: BlockKind = "heading" if level <= 4 else "para"
        self.blocks.append(Block(kind, text, level, number_label(level, n)))

    def para(self, text: str) -> None:
        self.blocks.append(Block("para", text))

    def items(self, level: int, texts: list[str], start: int = 1) -> int:
        """Numbered paragraphs at ``level``; return the next number."""
        n = start
        for text in texts:
            self.blocks.append(Block("para", text, level, number_label(level, n)))
            n += 1
        return n


def _join_titles(names: list[str]) -> str:
    """《甲》《乙》和本省条例: no 顿号 between book titles (GB/T 15834)."""
    out = ""
    for index, name in enumerate(names):
        if index and not (name.startswith("《") and names[index - 1].endswith(("》", "）"))):
            out += "和" if index == len(names) - 1 else "、"
        out += name
    return out


def _end(text: str) -> str:
    """``text`` closed with a full stop, also after a closing bracket: 达到100%（按学年统计）。"""
    if text.endswith(("。", "！", "？", "；", "：", "…", "。”", "。）", "！”", "？”")):
        return text
    return text + "。"


def _t(entry: Any) -> str:
    """A paragraph or item as printed: stage-limited ones are marked (only templates keep them)."""
    return mark(entry_text(entry), entry_stages(entry))


def _pad_role(role: str, width: int) -> str:
    """组长 → 组　长 when another role has three characters (aligned colons)."""
    if len(role) == 2 and width == 3:
        return f"{role[0]}\u3000{role[1]}"
    return role


def _generic_post(holder: str) -> str:
    return holder if holder.startswith("各") or holder.endswith("代表") else f"各{holder}"


def _where(doc: SourceDoc | None, school_id: str, path: tuple[Any, ...], message: str, hint: str, *, key: bool = False) -> Problem:
    if doc is None:
        return Problem(school_id, 0, 0, message, hint)
    return doc.problem(path, message, hint, key=key)

