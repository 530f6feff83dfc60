"""Stage-limited parts of a plan template on the site: the text, escaped, and a badge (仅初中).

A school's pack never shows these marks: it keeps only what applies to its stages
(:mod:`generator.check.wording`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models.plan import entry_scope, entry_text
from . import markdown as md


def stage_badge(scope: str | list[str]) -> str:
    """A badge after a limited part of a template: 仅初中, 仅特殊教育学校, 幼儿园除外 (closed lists of names)."""
    if isinstance(scope, list):
        scope = f"仅{'、'.join(scope)}" if scope else ""
    return f' <span class="gy-stage">{md.text(scope)}</span>' if scope else ""


def entry_md(entry: object) -> str:
    """A paragraph or item of a plan template, escaped, with its stage badge."""
    return md.text(entry_text(entry)) + stage_badge(entry_scope(entry))  # type: ignore[arg-type]


def entries_md(entries: Sequence[object], *, ordered: bool = False) -> str:
    return "\n".join(f"{f'{i}.' if ordered else '-'} {entry_md(e)}" for i, e in enumerate(entries, start=1))


__all__ = ["entries_md", "entry_md", "stage_badge"]
