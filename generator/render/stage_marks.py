"""Stage-limited parts of a plan template on the site: the text, escaped, and a badge (仅初中).

A school's pack never shows these marks: it keeps only what applies to its stages
(:mod:`generator.check.wording`).
"""

from __future__ import annotations

from ..models.plan import entry_stages, entry_text
from . import markdown as md


def stage_badge(stages: list[str]) -> str:
    """A badge after a stage-limited part of a template: 仅初中 (the stage names are a closed list)."""
    return f' <span class="gy-stage">仅{md.text("、".join(stages))}</span>' if stages else ""


def entry_md(entry: object) -> str:
    """A paragraph or item of a plan template, escaped, with its stage badge."""
    return md.text(entry_text(entry)) + stage_badge(entry_stages(entry))  # type: ignore[arg-type]


def entries_md(entries: list, *, ordered: bool = False) -> str:  # type: ignore[type-arg]
    return "\n".join(f"{f'{i}.' if ordered else '-'} {entry_md(e)}" for i, e in enumerate(entries, start=1))


__all__ = ["entries_md", "entry_md", "stage_badge"]
