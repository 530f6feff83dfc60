"""The ``gongyu`` MkDocs plugin.

Hooks, in MkDocs's order: ``on_config`` loads and checks the whole corpus and makes sure Chinese
search segmentation really works; ``on_files`` renders printables and packs (cached) and adds every
generated page as a ``File.generated``; ``on_page_content`` sanitises HTML; ``on_post_page`` hands
each page to the site search (``generator/search``), whose index ``on_post_build`` writes (under
``mkdocs serve``, which ``on_startup`` reports, a worker process writes it after the build returns).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..base.clock import current as current_date
from ..base.memo import LatestMemo
from ..errors import GongyuError, Problem
from ..search import IndexWorker, SiteSearch
from . import dirty, quick, site_files
from .config import GongyuConfig
from .options import BuildOptions, options_for
from .quiet_gc import QuietCollector
from .tags import no_tags_export, order_tags

if TYPE_CHECKING:
    from ..load.corpus import Corpus
    from ..resolve.school import ResolvedSchool


#: Each plan's timeline picture, made again only when the plan (or the day) changed.
_TIMELINES: LatestMemo[str] = LatestMemo()


class GongyuPluginError(PluginError):
    """A :class:`GongyuError` on its way through MkDocs, which only lets ``PluginError`` pass."""

    def __init__(self, error: GongyuError) -> None:
        super().__init__(error.format())
        self.error = error

log = logging.getLogger("mkdocs.plugins.gongyu")

CSS_URI = "assets/gongyu/gongyu.css"
_CSS = Path(__file__).with_name("gongyu.css")
#: Plain-JavaScript helpers (focusable wide tables, dialog names, the 大字 mode toggle).
JS_URI = "assets/gongyu/gongyu.js"
#: Sets 大字 mode from this device's choice (the key gongyu.js stores) while the head is parsed.
BIG_TEXT_HEAD = ('<script>try{if(localStorage.getItem("gongyu.bigtext")==="1")'
                 'document.documentElement.classList.add("gy-big")}catch(e){}</script>')
_JS = Path(__file__).with_name("gongyu.js")
#: Templates that replace Material's: ``404.html`` in Chinese, with search and a link home.
_OVERRIDES = Path(__file__).with_name("overrides")


class GongyuPlugin(BasePlugin[GongyuConfig]):
    """Adds a page for every course, lesson, plan template and form, plus the downloads."""

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.root: Path | None = None
        self.generated: dict[str, str] = {}
        self.search: SiteSearch | None = None
        #: Set by ``gongyu build`` before the build (:mod:`.options`); resolved in ``on_config``.
        self.options: BuildOptions | None = None
        self.resolved: Mapping[str, ResolvedSchool] = {}
        #: The located problems that stopped the build; ``gongyu build`` reports them as they are.
        self.failure: GongyuError | None = None
        #: Every page's URL in this build, and those rendered (a dirty build renders only changed ones).
        self.page_urls: set[str] = set()
        self.rendered: set[str] = set()
        self._article_uris: dict[str, str] = {}
        #: ``gongyu serve`` (``mkdocs serve``): the process that writes the search index after each rebuild.
        self.indexer: IndexWorker | None = None
        #: ``gongyu serve``: the garbage collector paused while a rebuild runs (quiet_gc.py).
        self.collector: QuietCollector | None = None
        #: ``gongyu serve``: the previous complete build, which a save that changes only page text reuses (quick.py).
        self.last: quick.LastBuild | None = None
        #: ``gongyu build`` / ``mkdocs build`` (not dirty): one build, which no later build in this process reuses.
        self.one_off = False
        self._made: dict[str, Any] = {}

    # -- one command ----------------------------------------------------------------------------
    # MkDocs keeps a plugin that has ``on_startup`` as one instance for the whole process (all
    # rebuilds of a serve, and any later build in the same process): what belongs to one build is
    # set again in ``on_config`` / ``on_pre_build``, and what one command handed over (``options``)
    # is dropped in ``on_shutdown``.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        """``mkdocs serve`` (also under ``gongyu serve``) writes the search index in the background."""
        self.failure = None
        self.one_off = command == "build" and not dirty
        if self.indexer is not None:
            self.indexer.close()
        self.indexer = IndexWorker() if command == "serve" else None
        if self.collector is not None:
            self.collector.close()
        self.collector = QuietCollector() if command == "serve" else None

    def on_shutdown(self) -> None:
        self.last = None
        self.one_off = False
        if self.collector is not None:
            self.collector.close()
            self.collector = None
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None
        self.options = None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.rendered = set()  # the pages of this build (on_post_page)

    def on_build_error(self, *, error: Exception) -> None:
        """Keep our own error: MkDocs turns every plugin error into a bare ``Abort``."""
        if self.collector is not None:
            self.collector.resume()
        self.last = None
        if isinstance(error, GongyuPluginError):
            self.failure = error.error
        elif isinstance(error, GongyuError):
            self.failure = error

    # -- configuration --------------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.last = None  # a full build: the objects of the previous one are of no use any more
        if self.collector is not None:
            self.collector.pause()  # a rebuild of gongyu serve starts (resumed in on_post_build / on_build_error)
        config_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.root = (config_dir / self.config.root).resolve() if self.config.root else config_dir.resolve()
        from ..pipeline import load_checked

        given, self.options = self.options, None
        options = options_for(self.root, given, pdf=self.config.pdf)
        self.options = options
        dirty.allow_dirty_in_strict_mode()
        if "search" in config.plugins or "material/search" in config.plugins:
            # two search boxes, and Material's index of every page on every page load
            raise GongyuPluginError(GongyuError(Problem(
                "mkdocs.yml", 0, 0, "plugins 中的 search 插件与 gongyu 自带的中文搜索重复",
                "请从 mkdocs.yml 的 plugins 中删去 search；gongyu 插件会生成本站的搜索")))
        try:
            checked = options.checked or load_checked(self.root)
            self.corpus, self.resolved = checked.corpus, checked.schools
        except GongyuError as exc:
            raise GongyuPluginError(exc) from None
        try:
            # fails early when jieba cannot segment Chinese. A one-off build counts each page's words as
            # it comes and keeps no text; otherwise (serve, dirty builds) the next build reuses the pages it does not render
            self.search = SiteSearch(self.corpus, keep_pages=not self.one_off)
        except GongyuError as exc:
            raise GongyuPluginError(exc) from None
        order_tags(config)
        if self.collector is not None:
            no_tags_export(config)
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if JS_URI not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(JS_URI)
        if not config.nav:
            config.nav = site_files.DEFAULT_NAV
        theme = config.theme
        if "toc" in config.markdown_extensions:
            # Python-Markdown's default tooltip on heading anchors is the English "Permanent link"
            config.mdx_configs.setdefault("toc", {}).setdefault("permalink_title", "本节链接")
        if theme.name == "material" and str(_OVERRIDES) not in theme.dirs:
            # our own templates first (the Chinese 404 page), then the project's custom_dir, then Material's
            theme.dirs.insert(0, str(_OVERRIDES))
        if theme.name == "material" and theme.get("font") is not False:
            # Google Fonts are unreachable in mainland China: a page that waits for them hangs.
            theme["font"] = False
        return config

    # -- files ----------------------------------------------------------------------------------
    def cache_dir(self) -> Path:
        assert self.root is not None
        return Path(self.config.cache_dir) if self.config.cache_dir else self.root / ".cache" / "gongyu"

    def site_url(self, config: MkDocsConfig) -> str:
        url = config.site_url or "http://localhost:8000/"
        return url if url.endswith("/") else url + "/"

    def collect_downloads(self, config: MkDocsConfig, *, finish: bool = True) -> tuple[list[Any], dict[str, str]]:
        """Printables and packs for download (from one content-addressed cache), and timeline pictures.
        ``finish``: remove the cache's unused objects (a quick rebuild leaves that to the next build)."""
        from ..packs import site_downloads
        from ..render.timeline import timeline_svg
        from ..write.cache import Cache
        from ..write.printables import site_printables

        downloads: list[Any] = []
        corpus = self.corpus
        assert corpus is not None  # on_files runs only after on_config loaded it
        cache = Cache(self.cache_dir(), project=self.root)
        if self.options is not None and self.options.pdf:
            downloads += site_printables(corpus, self.site_url(config), cache)
        if self.config.packs:
            downloads += site_downloads(corpus, cache, self.resolved)
        if finish:
            cache.finish()
        day = current_date().day()
        timelines = {plan_id: _TIMELINES.get(plan_id, (plan, day), functools.partial(timeline_svg, plan))
                     for plan_id, plan in sorted(corpus.plans.items()) if plan.phases}
        return downloads, timelines

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.corpus is None:
            return None
        from ..render.pages.incremental import build_pages

        links = site_files.docs_symlinks(Path(config.docs_dir))
        if links:
            raise GongyuPluginError(GongyuError([Problem(
                f"docs/{link}", 0, 0, "docs 中的这一项是符号链接（快捷方式），它指向的文件会被原样发布到网站上",
                "请删除这个链接；要发布的文件直接放进 docs/（文章放进 content/）") for link in links]))

        try:
            downloads, timelines = self.collect_downloads(config)
        except GongyuError as exc:
            raise GongyuPluginError(exc) from None
        key = str(config.config_file_path)
        # `gongyu serve`: after a save, only the pages the edit can change are made again (render/pages/incremental.py)
        made = build_pages(self.corpus, downloads, timelines, previous=dirty.previous_pages(key))
        pages = dict(made.pages)
        self._article_uris = dict(made.article_uris)
        self.generated = pages
        generated = [File.generated(config, uri, content=text) for uri, text in sorted(pages.items())]
        # `gongyu serve` (a dirty build) renders only the pages whose Markdown changed since its last build
        dirty.mark_unchanged(key, generated, pages, made)
        for file in generated:
            self._add(files, file)
        statics = site_files.statics(self.corpus, timelines, directory_urls=config.use_directory_urls)
        self._made = {"downloads": downloads, "statics": statics}
        static_files = [File.generated(config, uri, content=text) for uri, text in statics.items()]
        dirty.mark_unchanged_statics(key, static_files, statics)  # `gongyu serve` writes only those that changed
        for file in static_files:
            self._add(files, file)
        for item in sorted(downloads):
            self._add(files, File.generated(config, item.uri, abs_src_path=str(item.path)))
        self._add(files, File.generated(config, CSS_URI, abs_src_path=str(_CSS)))
        self._add(files, File.generated(config, JS_URI, abs_src_path=str(_JS)))
        dirty.render_listings_always(list(files))
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self._made["nav"] = nav
        return nav

    @event_priority(110)  # before Material's tags plugin (100) fills its listings and writes tags.json
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.config.enabled:
            self.page_urls = {file.page.url for file in files.documentation_pages() if file.page is not None}
            dirty.show_tags_of_unrendered_pages(config, files)
            dirty.reuse_compiled_templates(env)
            self._made.update(env=env, files=files)
        return env

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(f"文件“{file.src_uri}”与自动生成的页面重名，请把 docs 目录中的同名文件改名或删除")
        if existing is not None:
            files.remove(existing)
        files.append(file)

    # -- pages ----------------------------------------------------------------------------------
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        """The build date reaches MkDocs as a value (the sitemap's dates), not through the environment."""
        if self.config.enabled and self.options is not None and self.options.date is not None:
            page.update_date = self.options.date.day().isoformat()
        return page

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        from ..render.sanitize import external_sources, sanitize
        from ..render.tel_links import link_numbers

        outside = external_sources(html)
        if outside:
            source = self._source_of(page)
            raise GongyuPluginError(GongyuError([Problem(
                source, 0, 0, f"页面要从别的网站加载图片或媒体：{address}",
                "图片和音视频只能用本站的文件：把文件放进 docs/（或文章旁边）并用相对路径引用；"
                "外站的内容在国内可能打不开，还会让整页卡住") for address in outside]))
        return link_numbers(sanitize(html))

    def _source_of(self, page: Page) -> str:
        """The file a reader edits for ``page``: the article under content/, else the docs/ page."""
        if self.corpus is not None and self.root is not None:
            for item_id, uri in self._article_uris.items():
                if uri == page.file.src_uri:
                    path = self.corpus.files.get(item_id)
                    if path is not None:
                        try:
                            return path.relative_to(self.root).as_posix()
                        except ValueError:
                            return str(path)
        return f"docs/{page.file.src_uri}"

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled or self.root is None:
            return server
        for name in ("content", "courses", "plans"):
            folder = self.root / name
            if folder.is_dir():
                server.watch(str(folder))
        full = getattr(server, "builder", None)
        if self.collector is not None and callable(full):
            server.builder = functools.partial(quick.rebuild_after_save, self, full)
        return server

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        # 大字 mode is applied before the first paint: gongyu.js runs at the end of the body, too
        # late to keep a page from showing at normal size first.
        output = output.replace("</head>", BIG_TEXT_HEAD + "</head>", 1)
        if self.search is None:
            return output
        self.rendered.add(page.url)
        return self.search.add_page(output, src_uri=page.file.src_uri, url=page.url, page_meta=page.meta)

    @event_priority(-100)  # last: the site is complete when the search index is written
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.collector is not None:
            self.collector.resume()
        if not self.config.enabled or self.search is None:
            return
        # pages a dirty build did not render keep the sections they had in the previous build
        dirty.complete_index(str(config.config_file_path), self.search, self.page_urls, self.rendered)
        # the index of our own search (generator/search); a preview shows the pages without waiting for it
        self._write_index(config)
        if self.collector is not None:  # gongyu serve: the next save may need only this build's objects
            self.last = quick.last_build(config, self._made, self.root)
        self._made = {}

    def _write_index(self, config: MkDocsConfig) -> None:
        assert self.search is not None
        if self.indexer is not None:
            self.search.write_later(Path(config.site_dir), self.indexer)
        else:
            self.search.write(Path(config.site_dir))

    def quick_rebuild(self) -> bool:
        """``gongyu serve`` after a save: render only the pages whose text changed, if that is all the
        save changed (quick.py); False when the dirty build of everything has to run instead."""
        last, self.last = self.last, None  # kept again only when this succeeds
        if last is None or self.root is None or self.search is None or quick.stamp(last.watched) != last.stamp:
            return False
        if self.collector is not None:
            self.collector.pause()
        try:
            done = self._quick(last)
        finally:
            if self.collector is not None:
                self.collector.resume()
        if done:
            self.last = last
        return done

    def _quick(self, last: quick.LastBuild) -> bool:
        from ..pipeline import load_checked
        from ..render.pages.incremental import build_pages

        config, key = last.config, str(last.config.config_file_path)
        previous = dirty.previous_pages(key)
        if previous is None or self.search is None or self.root is None:
            return False
        try:
            checked = load_checked(self.root)
            self.corpus, self.resolved = checked.corpus, checked.schools
            downloads, timelines = self.collect_downloads(config, finish=False)
        except GongyuError:
            return False  # the dirty build reports it
        made = build_pages(self.corpus, downloads, timelines, previous=previous)
        statics = site_files.statics(self.corpus, timelines, directory_urls=config.use_directory_urls)
        change = quick.what_changed(last, previous.pages, made.pages, quick.downloads_of(downloads), statics)
        if change is None or not quick.copy_downloads(last, change.downloads):
            return False
        if change.pages and not quick.render_pages(last, {uri: made.pages[uri] for uri in change.pages}):
            return False
        last.downloads = quick.downloads_of(downloads)
        self.generated, self._article_uris = dict(made.pages), dict(made.article_uris)
        dirty.record_quick(key, made, change.pages, self.search)
        self._write_index(config)
        return True
