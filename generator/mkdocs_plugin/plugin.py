"""The ``gongyu`` MkDocs plugin.

Hooks, in MkDocs's order: ``on_config`` loads and checks the whole corpus and makes sure Chinese
search segmentation really works; ``on_files`` renders printables and packs (cached) and adds every
generated page as a ``File.generated``; ``on_page_content`` sanitises HTML; ``on_post_build``
verifies the search index holds segmented Chinese.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..errors import GongyuError
from .config import GongyuConfig

log = logging.getLogger("mkdocs.plugins.gongyu")

CSS_URI = "assets/gongyu/gongyu.css"
_CSS = Path(__file__).with_name("gongyu.css")

#: The small navigation every page repeats; everything else is reached through these index pages.
DEFAULT_NAV: list[Any] = [
    {"首页": "index.md"},
    {"家长": "parents/index.md"},
    {"教师": "teachers/index.md"},
    {"学校": "schools/index.md"},
    {"家长学校课程": "courses/index.md"},
    {"安全教育课": "safety/index.md"},
    {"方案模板": "plans/index.md"},
    {"表格下载": "forms/index.md"},
    {"按学段": "stages/index.md"},
    {"按主题": "topics/index.md"},
    {"标签": "tags.md"},
]


_USER_WORDS = Path(__file__).with_name("jieba_user.txt")
_user_words_loaded = False


def _load_user_words(jieba_module: Any) -> None:
    """Teach jieba the field's own words (控辍保学, 代理家长 …) so they are indexed whole."""
    global _user_words_loaded
    if not _user_words_loaded:
        jieba_module.load_userdict(str(_USER_WORDS))
        _user_words_loaded = True


def check_jieba(config: MkDocsConfig) -> None:
    """Fail the build when Chinese segmentation would silently be skipped by the search plugin."""
    if "search" not in config.plugins and "material/search" not in config.plugins:
        return
    try:
        import jieba  # noqa: F401
        import jieba as _jieba

        _jieba.setLogLevel(logging.WARNING)
        _load_user_words(_jieba)
        words = _jieba.lcut("家校合作共同育人")
    except Exception as exc:  # noqa: BLE001 - any failure means unsegmented search
        raise PluginError(
            f"中文分词组件 jieba 无法使用（{type(exc).__name__}: {exc}），网站搜索将无法按词查找中文。"
            "请运行：pip install jieba 'setuptools<80'（jieba 需要 setuptools 提供的 pkg_resources）"
        ) from None
    if len(words) < 2:
        raise PluginError("中文分词组件 jieba 没有正确切分中文，请重新安装 jieba")
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:
        return
    if getattr(material_search, "jieba", None) is None:
        raise PluginError(
            "Material 的搜索插件没有加载 jieba，中文将不会被分词。请在同一个 Python 环境中安装 jieba 和 'setuptools<80'"
        )


class GongyuPlugin(BasePlugin[GongyuConfig]):
    """Adds a page for every course, lesson, plan template and form, plus the downloads."""

    def __init__(self) -> None:
        self.corpus = None
        self.root: Path | None = None
        self.generated: dict[str, str] = {}

    # -- configuration --------------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        config_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.root = (config_dir / self.config.root).resolve() if self.config.root else config_dir.resolve()
        from ..corpus import load_corpus

        try:
            self.corpus = load_corpus(self.root)
        except GongyuError as exc:
            raise PluginError("内容检查未通过：\n" + exc.format()) from None
        check_jieba(config)
        if os.environ.get("GONGYU_NO_PDF"):
            self.config.pdf = False
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if not config.nav:
            config.nav = DEFAULT_NAV
        theme = config.theme
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

    def collect_downloads(self, config: MkDocsConfig) -> tuple[list[Any], dict[str, str]]:
        """Printables and packs for download, and timeline pictures; each part is optional."""
        downloads: list[Any] = []
        timelines: dict[str, str] = {}
        corpus = self.corpus
        cache = self.cache_dir()
        if self.config.pdf:
            from ..printables import site_printables

            downloads += site_printables(corpus, self.site_url(config), cache / "print")
        if self.config.packs:
            try:
                from ..packs import site_downloads
            except ImportError:
                site_downloads = None  # type: ignore[assignment]
            if site_downloads is not None:
                downloads += site_downloads(corpus, cache / "packs")
        try:
            from ..render.timeline import timeline_svg
        except ImportError:
            timeline_svg = None  # type: ignore[assignment]
        if timeline_svg is not None:
            for plan_id, plan in sorted(corpus.plans.items()):  # type: ignore[union-attr]
                if plan.phases:
                    timelines[plan_id] = timeline_svg(plan)
        return downloads, timelines

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.corpus is None:
            return None
        from ..render.pages import PageBuilder

        try:
            downloads, timelines = self.collect_downloads(config)
        except GongyuError as exc:
            raise PluginError(exc.format()) from None
        builder = PageBuilder(self.corpus, downloads, timelines)
        pages = builder.pages()
        for article_id, article in sorted(self.corpus.articles.items()):
            pages[builder.site.uris[article_id]] = builder.article_markdown(article)
        self.generated = pages
        for uri, text in sorted(pages.items()):
            self._add(files, File.generated(config, uri, content=text))
        for plan_id, svg in sorted(timelines.items()):
            self._add(files, File.generated(config, f"plans/{plan_id}/timeline.svg", content=svg))
        for item in sorted(downloads):
            self._add(files, File.generated(config, item.uri, abs_src_path=str(item.path)))
        self._add(files, File.generated(config, CSS_URI, abs_src_path=str(_CSS)))
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(f"文件“{file.src_uri}”与自动生成的页面重名，请把 docs 目录中的同名文件改名或删除")
        if existing is not None:
            files.remove(existing)
        files.append(file)

    # -- pages ----------------------------------------------------------------------------------
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        from ..render.sanitize import sanitize

        return sanitize(html)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled or self.root is None:
            return server
        for name in ("content", "courses", "plans"):
            folder = self.root / name
            if folder.is_dir():
                server.watch(str(folder))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not index.is_file():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        chinese = [doc for doc in data.get("docs", []) if any("\u4e00" <= ch <= "\u9fff" for ch in doc.get("text", ""))]
        if chinese and not any("\u200b" in doc["text"] for doc in chinese):
            raise PluginError("搜索索引中的中文没有分词（缺少 jieba 分词结果），中文搜索将失效；请检查 jieba 是否安装正确")
