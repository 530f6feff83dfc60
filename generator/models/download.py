"""A file offered for download on the site (a PDF, a Word file, a zip), owned by one page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Download:
    """``owner`` is the id of the lesson, plan, form or school whose page links to the file."""

    owner: str
    uri: str  # path inside the site, POSIX, e.g. "print/lessons/xq-sleep/handout.pdf"
    label: str  # button text in Chinese, e.g. "讲义（A4）"
    kind: str  # handout, handout-large, signin, feedback, form, plan-docx, plan-pdf, pack-zip …
    path: Path  # the file on disk (in the build cache)
    #: the name a browser saves it under (the link's ``download`` attribute), e.g.
    #: 家长课-<课名>-讲义.pdf; empty: the last part of ``uri``
    filename: str = ""
