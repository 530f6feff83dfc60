"""Emergency numbers in running text become tap-to-call links (generator/render/tel_links.py)."""

from __future__ import annotations

from html.parser import HTMLParser

from generator.render.tel_links import link_numbers


class _Links(HTMLParser):
    """A second reader: every tel: link and its text, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data: str) -> None:
        if self._href and self._href.startswith("tel:"):
            self.found.append((self._href, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def tel_links(html: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(link_numbers(html))
    return parser.found


def test_numbers_to_call_are_linked() -> None:
    assert tel_links("<p>有危险时拨打 120 或 110，找不到人就打110。</p>") == [
        ("tel:120", "120"), ("tel:110", "110"), ("tel:110", "110")]
    assert tel_links("<li>可以拨打青少年服务热线 12355</li>") == [("tel:12355", "12355")]
    assert tel_links("<li>心里难受可以拨打12356或12355</li>") == [("tel:12356", "12356"), ("tel:12355", "12355")]
    assert tel_links("<p>拨打 120 和 110、119</p>") == [("tel:120", "120"), ("tel:110", "110"), ("tel:119", "119")]


def test_other_numbers_and_other_places_stay_text() -> None:
    assert tel_links("<p>看电视不超过 120 分钟，第 110 页，1100 元，拨打 1101</p>") == []
    assert tel_links("<h2>拨打 110</h2><pre><code>打 110</code></pre>") == []
    # an existing link is not linked again inside itself
    assert tel_links('<p><a href="tel:110">拨打 110</a></p>') == [("tel:110", "拨打 110")]


def test_markup_is_kept_as_it_was() -> None:
    html = '<div class="admonition danger"><p class="admonition-title">注意</p><p>立即拨打 110。</p></div>'
    assert link_numbers(html) == html.replace("110。", '<a class="gy-tel" href="tel:110">110</a>。')


def test_numbers_to_call_are_the_ones_the_text_says_to_call() -> None:
    from generator.render.emergency import numbers_to_call

    assert numbers_to_call("有危险时拨打 120 或 110；热线 12355。这节课 120 分钟，第 119 页。") == ["110", "120", "12355"]
    assert numbers_to_call("这节课 120 分钟") == []


def test_parents_article_offers_its_numbers_under_the_summary() -> None:
    """The drowning article's numbers are buttons right under its summary, not only at its end."""
    from pathlib import Path

    from generator.pipeline import load_corpus
    from generator.render.pages import PageBuilder

    corpus = load_corpus(Path(__file__).resolve().parent.parent)
    builder = PageBuilder(corpus, [])
    page = builder.article_markdown(corpus.articles["jz-summer-drowning"])
    strip = page.index("gy-call--strip")
    assert page.index("一句话") < strip < page.index("## 要点")
    head = page[strip:page.index("</div>", strip)]
    assert "(tel:120)" in head and "(tel:110)" in head and "tel:119" not in head
    # an article that tells nobody to call anything gets no buttons
    assert "gy-call--strip" not in builder.article_markdown(corpus.articles["jz-phone-rules"])
