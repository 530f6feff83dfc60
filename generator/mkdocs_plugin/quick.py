"""A save in ``gongyu serve`` that changes only the text of some pages: those pages, and nothing else.

MkDocs's dirty build (:mod:`.dirty`) still loads the config, lists every file, makes a page object
and a navigation entry for each, and has Material's tags plugin read and list every page's tags:
at 1,000 articles that is 1.3 s of CPU per save, whatever the save changed. Most saves change the
body of one article or lesson. When a save leaves as they were

* the set of generated pages and their titles (the navigation and previous/next links),
* the front matter of every changed page (its tags, template, search settings),
* the downloads, the short QR addresses and the timeline pictures,
* everything else MkDocs watches (``docs/``, ``mkdocs.yml``, the theme's ``custom_dir``),

then only the pages whose Markdown changed can look different, and :class:`QuickRebuild` renders
just those with the objects of the previous complete build (its config, files, navigation and
theme environment), through MkDocs's own page steps (``_populate_page`` and ``_build_page``, with
every plugin's page events). Anything else, or any warning or error on the way, falls back to the
dirty build, which reports it as before. ``tests/test_quick_rebuild.py`` compares the result with a
full build.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.utils.meta import get_data

from . import dirty

log = logging.getLogger("mkdocs.plugins.gongyu")

#: The stat of every file under a watched path: (path, modification time in ns, size).
Stamp = tuple[tuple[str, int, int], ...]


def stamp(paths: Iterable[str]) -> Stamp:
    """What each of ``paths`` (files or folders, walked) holds now, cheaply: names, times and sizes."""
    rows: list[tuple[str, int, int]] = []
    for path in sorted(set(paths)):
        if os.path.isfile(path):
            info = os.stat(path)
            rows.append((path, info.st_mtime_ns, info.st_size))
            continue
        for folder, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                full = os.path.join(folder, name)
                try:
                    info = os.stat(full)
                except OSError:
                    continue
                rows.append((full, info.st_mtime_ns, info.st_size))
    return tuple(rows)


def watched_elsewhere(config: MkDocsConfig, ours: Iterable[Path]) -> list[str]:
    """What MkDocs watches besides our source folders ``ours`` (whose changes :mod:`..load.memo` sees)."""
    skip = {os.path.abspath(path) for path in ours}
    paths = [config.docs_dir]
    if config.config_file_path:
        paths.append(config.config_file_path)
    custom = config.theme.custom_dir
    if custom:
        paths.append(custom)
    paths += [str(path) for path in config.watch]
    return sorted({os.path.abspath(path) for path in paths} - skip)


@dataclass
class LastBuild:
    """The objects of the previous complete build of ``gongyu serve`` that a quick rebuild renders with."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    #: (URI, file) of every download, and the text of every redirect page and timeline picture, by URI.
    downloads: tuple[tuple[str, str], ...]
    statics: Mapping[str, str]
    watched: tuple[str, ...]
    stamp: Stamp


def last_build(config: MkDocsConfig, made: Mapping[str, Any], root: Path | None) -> LastBuild | None:
    """What a quick rebuild needs of the build that just completed; ``made`` holds what the plugin kept of
    it (downloads, statics, nav, env, files); None when something is missing."""
    if not {"downloads", "statics", "nav", "env", "files"} <= made.keys() or root is None:
        return None
    watched = watched_elsewhere(config, [root / name for name in ("content", "courses", "plans")])
    return LastBuild(config=config, files=made["files"], nav=made["nav"], env=made["env"],
                     downloads=downloads_of(made["downloads"]), statics=made["statics"],
                     watched=tuple(watched), stamp=stamp(watched))


def downloads_of(items: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    """The downloads of a build as (URI, cached file): equal paths hold equal bytes (the cache is keyed by content)."""
    return tuple(sorted((item.uri, str(item.path)) for item in items))


def front_matter(markdown: str) -> dict[str, Any]:
    return get_data(markdown)[1]


@dataclass
class Change:
    """What a save changed when it changed only page text and download bytes."""

    #: The generated pages whose Markdown changed (URIs).
    pages: list[str]
    #: The downloads whose file changed: URI → the new cached file.
    downloads: dict[str, str]


def what_changed(last: LastBuild, old: Mapping[str, str], new: Mapping[str, str],
                 downloads: tuple[tuple[str, str], ...], statics: Mapping[str, str]) -> Change | None:
    """The pages whose Markdown changed from ``old`` to ``new`` and the downloads made anew, or None
    when the save changed more (then only a dirty build of everything is right)."""
    before = dict(last.downloads)
    if set(old) != set(new) or set(before) != {uri for uri, _ in downloads} or dict(statics) != dict(last.statics):
        return None
    if dirty.layout_of(dict(old)) != dirty.layout_of(dict(new)):
        return None
    changed = sorted(uri for uri, text in new.items() if text is not old[uri] and text != old[uri])
    for uri in changed:
        if dirty.LISTING in new[uri] or dirty.LISTING in old[uri]:
            return None
        if front_matter(new[uri]) != front_matter(old[uri]):
            return None
    return Change(changed, {uri: path for uri, path in downloads if before[uri] != path})


class _Count(logging.Handler):
    """Counts the warnings and errors MkDocs logs (a strict build stops on any)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def copy_downloads(last: LastBuild, downloads: Mapping[str, str]) -> bool:
    """Copy each changed download (URI → its new file) into the site; False if one is not in ``last``."""
    for uri, path in sorted(downloads.items()):
        file = last.files.get_file_from_path(uri)
        if file is None:
            return False
        file.abs_src_path = path
        file.copy_file()
    return True


def render_pages(last: LastBuild, pages: Mapping[str, str]) -> bool:
    """Render each of ``pages`` (URI → new Markdown) with ``last``'s objects and write its HTML.

    False when MkDocs lacks the page steps, or any step failed or warned: the caller then runs the
    dirty build, which renders these pages again and reports what went wrong.
    """
    from mkdocs.commands import build as mkdocs_build

    # MkDocs's own steps for one page (private names; pyproject.toml pins MkDocs 1.6): without them
    # (another MkDocs) every save takes the dirty build
    populate, build_page = getattr(mkdocs_build, "_populate_page", None), getattr(mkdocs_build, "_build_page", None)
    if populate is None or build_page is None:
        return False
    config, files = last.config, last.files
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    counter = _Count()
    logger = logging.getLogger("mkdocs")
    # counted, not shown: the dirty build that follows a warning shows it (once)
    shown, logger.handlers = logger.handlers, [counter]
    propagate, logger.propagate = logger.propagate, False
    try:
        for uri, text in sorted(pages.items()):
            file = files.get_file_from_path(uri)
            if file is None or file.page is None:
                return False
            file.content_string = text
            populate(file.page, config, files)
            build_page(file.page, config, doc_files, last.nav, last.env,
                        excluded=file.inclusion.is_excluded())
        for file in doc_files:
            if file.page is not None and file.src_uri in pages:
                file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    except Exception as exc:  # noqa: BLE001 - the dirty build that follows reports it properly
        log.debug("quick rebuild gave up: %r", exc)
        return False
    finally:
        logger.handlers, logger.propagate = shown, propagate
    return counter.count == 0


def rebuild_after_save(plugin: Any, full: Any, config: MkDocsConfig | None = None) -> None:
    """``gongyu serve``'s rebuild after a save (MkDocs's server calls it): ``plugin.quick_rebuild()`` when that is
    enough, else ``full``, MkDocs's own builder."""
    import time

    from mkdocs.exceptions import Abort

    start = time.monotonic()
    if config is None and plugin.quick_rebuild():
        log.info("只重新生成了改动的页面，用时 %.2f 秒", time.monotonic() - start)
        return
    try:
        full() if config is None else full(config)
    except Abort:  # MkDocs's server prints it: say it in Chinese (the problems were logged above)
        raise Abort("网站没有更新：原因见上面的提示。") from None
