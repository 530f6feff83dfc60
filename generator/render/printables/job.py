"""What a printable is before it is laid out: a Typst template and the data variants to try."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PrintJob:
    """What to render: a template and the data variants to try.

    ``attempts`` pairs each variant with a page budget (``None``: accept it whatever its length);
    the first variant within its budget wins. With ``save_page`` the first variant is kept unless
    a later one comes out at fewer pages (a form should not leave its signatures alone on a page).
    With ``min_end_mm`` a variant of more than one page is only accepted if its content reaches at
    least that far down the last page (no last page that is mostly empty).
    """

    template: str
    attempts: tuple[tuple[dict[str, Any], int | None], ...]
    save_page: bool = False
    model: dict[str, Any] = field(default_factory=dict)  # the source model(s), for the cache key
    min_end_mm: float | None = None


def model_json(*models: Any) -> dict[str, Any]:
    """The source models as JSON-ready data (part of a job's cache key)."""
    return {type(m).__name__ + str(i): m.model_dump(mode="json") for i, m in enumerate(models)}
