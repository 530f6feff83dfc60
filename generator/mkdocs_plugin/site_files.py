"""What the plugin adds to a site besides the generated pages: the default navigation, the short
addresses that handouts' QR codes carry (redirect pages), the plans' timeline pictures; and the
check that ``docs/`` holds no symbolic links."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import urls

if TYPE_CHECKING:
    from ..load.corpus import Corpus


#: The small navigation every page repeats; everything else is reached through these index pages.
DEFAULT_NAV: list[Any] = [
    {"首页": "index.md"},
    {"家长": "parents/index.md"},
    {"教师": "teachers/index.md"},
    {"学校": "schools/index.md"},
    {"社区与社会": "community/index.md"},
    {"家长学校课程": "courses/index.md"},
    {"安全教育课": "safety/index.md"},
    {"方案模板": "plans/index.md"},
    {"表格下载": "forms/index.md"},
    {"按学段": "stages/index.md"},
    {"按主题": "topics/index.md"},
    {"标签": "tags.md"},
]




def docs_symlinks(docs_dir: Path) -> list[str]:
    """Every symbolic link under ``docs_dir`` (relative POSIX paths), links to folders not entered.

    MkDocs follows them and publishes the target (``/etc/passwd``, a private folder); the content
    folders refuse them for the same reason.
    """
    import os

    found: list[str] = []
    if not docs_dir.is_dir():
        return found
    for folder, dirs, names in os.walk(docs_dir, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs + names):
            if (here / name).is_symlink():
                found.append((here / name).relative_to(docs_dir).as_posix())
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
    return sorted(found)


def redirect_page(target: str) -> str:
    """A page that sends the reader on to ``target`` (relative), with a link for when it cannot."""
    from html import escape

    href = escape(target, quote=True)
    return ("<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"refresh\" content=\"0; url={href}\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<meta name=\"robots\" content=\"noindex\"><title>正在打开本课网页</title>"
            f"<link rel=\"canonical\" href=\"{href}\"></head>\n"
            f"<body><p>正在打开本课网页……没有自动打开的话，请点<a href=\"{href}\">这里</a>。</p></body></html>\n")


def statics(corpus: Corpus, timelines: Mapping[str, str], *, directory_urls: bool) -> dict[str, str]:
    """Files made from text besides pages, by URI: timeline pictures and the short QR addresses."""
    made = {urls.timeline(plan_id): svg for plan_id, svg in sorted(timelines.items())}
    for lesson_id in sorted(corpus.lessons):
        # the short address a handout's QR code carries (urls.short_link): a redirect page
        target = urls.page_path("lesson", lesson_id)
        if not directory_urls:
            target = target.rstrip("/") + ".html"
        made[urls.short_link(lesson_id) + "index.html"] = redirect_page("../../" + target)
    return made
